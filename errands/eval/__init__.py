"""Evaluation: metrics over EpisodeLogs, suites, runners and reports."""
