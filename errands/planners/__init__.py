"""Planners: an instruction (and what the agent knows) in, a Plan of typed skills out."""
