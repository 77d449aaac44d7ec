"""A run's film as an animated GIF (Pillow): each frame's words as coloured dots on one
extent for the whole film (so the picture does not zoom from frame to frame), some words
labelled, and the words trained written in a corner."""

from __future__ import annotations

import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.map.film import Film

SIZE = (720, 540)
MARGIN = 24
MAX_GIF_FRAMES = 300  # more are thinned evenly: a GIF of thousands of frames helps no one


def film_extent(film: Film) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) corners that hold 99% of every frame's points, with a little room."""
    points = np.vstack([frame.layout for frame in film.frames])
    low, high = np.percentile(points, 0.5, axis=0), np.percentile(points, 99.5, axis=0)
    room = np.maximum(high - low, 1e-9) * 0.05
    return low - room, high + room


def write_gif(film: Film, path: str | os.PathLike, milliseconds: int = 100,
              labelled: tuple[str, ...] = (), size: tuple[int, int] = SIZE) -> int:
    """Write the film to `path`; returns the number of frames written. `labelled`: the
    words that get a label (pinned or searched words, say)."""
    frames = film.frames
    if not frames:
        raise ValueError("the film has no frame yet: train a run with the map on show")
    step = max(1, int(np.ceil(len(frames) / MAX_GIF_FRAMES)))
    frames = frames[::step]
    low, high = film_extent(film)
    scale = (np.array(size) - 2 * MARGIN) / (high - low)
    font = ImageFont.load_default()
    wanted = {film.words.index(word) for word in labelled if word in film.words}
    images = []
    for frame in frames:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        pixels = (frame.layout - low) * scale + MARGIN
        pixels[:, 1] = size[1] - pixels[:, 1]  # y grows upwards on the map
        for (x, y), colour in zip(pixels.tolist(), frame.colours.tolist(), strict=True):
            draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=tuple(colour))
        for row in np.flatnonzero(np.isin(frame.ids, list(wanted))):
            x, y = pixels[row]
            draw.text((x + 5, y - 12), film.words[int(frame.ids[row])], fill=(20, 20, 20),
                      font=font)
        draw.text((MARGIN, size[1] - MARGIN + 6), f"{frame.words_done:,} words trained",
                  fill=(60, 60, 60), font=font)
        images.append(image.convert("P", palette=Image.Palette.ADAPTIVE))
    images[0].save(path, save_all=True, append_images=images[1:], duration=milliseconds,
                   loop=0, format="GIF")
    return len(images)
