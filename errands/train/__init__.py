"""Training skill policies: demonstrations, imitation (BC, DAgger), RL."""
