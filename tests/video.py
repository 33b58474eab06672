"""Fake camera input for Chromium: a still picture as a looping Y4M video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

DATA = Path(__file__).parent / "data"


def y4m_from_rgb(rgb: NDArray[np.uint8], path: Path, frames: int = 10, fps: int = 10) -> Path:
    """Write `rgb` (H×W×3, even sizes) as a 4:2:0 Y4M file that Chromium's fake camera loops."""
    return y4m_video([(rgb, frames)], path, fps)


def y4m_video(scenes: list[tuple[NDArray[np.uint8], int]], path: Path, fps: int = 10) -> Path:
    """Write (picture, number of frames) scenes, all of one even size, as a looping 4:2:0 Y4M video."""
    height, width = scenes[0][0].shape[:2]
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb, frames in scenes:
            video.write((b"FRAME\n" + yuv420(rgb)) * frames)
    return path


def yuv420(rgb: NDArray[np.uint8]) -> bytes:
    """One frame's Y, U and V planes (BT.601, chroma at half resolution)."""
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = (b - y) * 0.564 + 128
    v = (r - y) * 0.713 + 128
    planes = [np.clip(y, 0, 255), np.clip(u, 0, 255)[::2, ::2], np.clip(v, 0, 255)[::2, ::2]]
    return b"".join(p.astype(np.uint8).tobytes() for p in planes)


def astronaut() -> NDArray[np.uint8]:
    """scikit-image's astronaut, 512×512 RGB (public domain, NASA): one clearly visible face."""
    from skimage import data

    picture: NDArray[np.uint8] = data.astronaut()  # type: ignore[no-untyped-call]
    return picture


def astronaut_face(path: Path) -> Path:
    """A camera that sees the astronaut's face."""
    return y4m_from_rgb(astronaut()[::2, ::2].copy(), path)


def face_that_leaves(path: Path, seconds: int = 6) -> Path:
    """The astronaut for `seconds`, then an empty grey picture for as long, looping."""
    face = astronaut()[::2, ::2].copy()
    empty = np.full_like(face, 128)
    return y4m_video([(face, seconds * 10), (empty, seconds * 10)], path, fps=10)


def phone_held_up(path: Path) -> Path:
    """A real photo of a smartphone held up in both hands (tests/data/README.md says whose, MIT), with the
    astronaut's face pasted into the sky above it: a candidate showing a phone to the camera."""
    frame = Image.open(DATA / "phone_in_hand_640x480.jpg").convert("RGB")
    head = Image.fromarray(astronaut()).crop((100, 0, 360, 300)).resize((191, 220), Image.Resampling.LANCZOS)
    frame.paste(head, (10, 10))
    return y4m_from_rgb(np.asarray(frame.resize((320, 240), Image.Resampling.LANCZOS)), path)
