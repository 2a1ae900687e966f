"""Animated GIFs of episodes: each frame is a picture of the step (the CLI puts the
agent's first-person view beside the top-down map) under a caption with the
instruction, the step, the action and the skill in progress."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..files import write_bytes_atomic

CAPTION_HEIGHT = 46


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
