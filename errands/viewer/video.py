"""MP4 videos of episodes: the first-person view and the top-down map side by side, under
a caption with the instruction and the skill in progress. Written with OpenCV (the
`video` extra), atomically: to a temporary file beside the target, then renamed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from ..files import atomic_target

VIDEO_INSTALL_HINT = 'pip install "errands[video]"'


def side_by_side(first_person: np.ndarray, topdown: np.ndarray) -> np.ndarray:
    """The first-person frame and the map, scaled to the same height, left to right."""
    height = first_person.shape[0]
    scale = height / topdown.shape[0]
    width = max(1, round(topdown.shape[1] * scale))
    resized = np.asarray(Image.fromarray(topdown).resize((width, height), Image.NEAREST))
    gap = np.full((height, 4, 3), 255, np.uint8)
    return np.concatenate([first_person, gap, resized], axis=1)


def _cv2():
    try:
        import cv2
    except ImportError:
        raise RuntimeError(f"writing MP4 videos needs OpenCV: {VIDEO_INSTALL_HINT}") from None
    return cv2


def save_mp4(frames: list, path: str | Path, fps: float = 4.0) -> Path:
    """Write RGB frames (arrays or PIL images, all the same size) as an MP4 (mp4v)."""
    if not frames:
        raise ValueError("no frames to write")
    cv2 = _cv2()
    arrays = [np.asarray(f.convert("RGB") if isinstance(f, Image.Image) else f, dtype=np.uint8) for f in frames]
    height, width = arrays[0].shape[:2]
    for i, a in enumerate(arrays):
        if a.shape != (height, width, 3):
            raise ValueError(f"frame {i} is {a.shape}, expected {(height, width, 3)} like frame 0")
    if height % 2 or width % 2:  # video codecs want even sizes: pad with white
        arrays = [np.pad(a, ((0, height % 2), (0, width % 2), (0, 0)), constant_values=255) for a in arrays]
        height, width = height + height % 2, width + width % 2
    with atomic_target(path, suffix=".mp4") as tmp:
        writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"mp4v"), float(fps), (width, height))
        if not writer.isOpened():
            raise RuntimeError(f"OpenCV could not open an MP4 writer for {path}")
        for a in arrays:
            writer.write(np.ascontiguousarray(a[..., ::-1]))  # OpenCV wants BGR
        writer.release()
    return Path(path)
