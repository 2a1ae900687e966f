"""Seeing episodes: animations now, the web viewer for replay and live runs."""
