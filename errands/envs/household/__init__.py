"""The built-in household simulator: pure Python and NumPy, no GPU, no downloads."""
