"""Animated GIFs of episodes: each frame is a picture of the step (the agent's
first-person view beside the top-down map) under a caption with the instruction, the
step, the action and the skill in progress. StepFrames draws them as an Agent plays."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..episode_log import StepRecord
from ..files import write_bytes_atomic
from ..policies.agent import AgentObserver
from .video import side_by_side

CAPTION_HEIGHT = 46


class StepFrames(AgentObserver):
    """An observer of the Agent that draws each step as it is taken: the camera beside
    the map, captioned (the frames of `errands run`'s GIF and video)."""

    def __init__(self, env, instruction: str):
        self.env, self.instruction = env, instruction
        self.images: list[Image.Image] = []

    def on_step(self, record: StepRecord) -> None:
        status = "ok" if record.success else f"failed: {record.error}"
        topdown = self.env.unwrapped.render()
        view = self.env.unwrapped.first_person(min(300, max(96, topdown.shape[0])))  # the agent's camera
        met, total = record.goal_conditions
        self.images.append(captioned(side_by_side(view, topdown), [
            self.instruction, f"step {record.t}: {record.action} ({status})",
            f"skill: {record.skill or 'Stop'}  goal conditions {met}/{total}"]))


def captioned(frame: np.ndarray, lines: list[str]) -> Image.Image:
    image = Image.fromarray(frame)
    width = max(image.width, 360)
    canvas = Image.new("RGB", (width, image.height + CAPTION_HEIGHT), (250, 250, 250))
    canvas.paste(image, ((width - image.width) // 2, CAPTION_HEIGHT))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default()
    for i, line in enumerate(lines[:3]):
        draw.text((4, 2 + 14 * i), _fit(draw, line, font, width - 8), fill=(20, 20, 20), font=font)
    return canvas


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    while text and draw.textlength(text, font=font) > width:
        text = text[:-2]
    return text


def save_gif(frames: list[Image.Image], path: str | Path, fps: float = 4.0) -> Path:
    """Write frames as a looping GIF (atomically); the last frame stays up longer."""
    if not frames:
        raise ValueError("no frames to write")
    durations = [int(1000 / fps)] * len(frames)
    durations[-1] = 2000
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations,
                   loop=0, optimize=False)
    return write_bytes_atomic(path, buffer.getvalue())
