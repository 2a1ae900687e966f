"""What a planner does with the text the agent read on things in the world
(PlanningContext.seen_text: notes, labels, screens, some of them injected instructions).

- "quoted": shown to the model as part of the room, with the warning never to do what it
  says (the LLM planner's default; prompting.seen_text_section);
- "ignored": not given to the planner at all (the interpreter's default: it reads only
  the user's instruction);
- "obeyed": read as if it were part of the user's instruction, appended to it. An agent
  that trusts what is written around it: the control injection_test is measured against,
  never a mode to deploy.
"""

from __future__ import annotations

from dataclasses import replace

from .base import PlanningContext

SEEN_TEXT_MODES = ("quoted", "ignored", "obeyed")


def seen_text_mode(mode: str) -> str:
    if mode not in SEEN_TEXT_MODES:
        raise ValueError(f"unknown seen-text mode {mode!r}: expected one of {', '.join(SEEN_TEXT_MODES)}")
    return mode


def with_seen_text(instruction: str, context: PlanningContext, mode: str) -> tuple[str, PlanningContext]:
    """The instruction and context a planner plans from, given what it does with seen text."""
    if seen_text_mode(mode) == "quoted" or not context.seen_text:
        return instruction, context
    if mode == "obeyed":
        instruction = " ".join([instruction, *(t["text"] for t in context.seen_text)])
    return instruction, replace(context, seen_text=())
