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


DISC = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4) if dy * dy + dx * dx <= 10]


def dots(pixels: np.ndarray, colours: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A white (height, width, 3) picture with a small disc of its colour at each point,
    drawn by NumPy at once (drawing 20,000 ellipses one by one took seconds a frame)."""
    width, height = size
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    x, y = np.rint(pixels[:, 0]).astype(int), np.rint(pixels[:, 1]).astype(int)
    for dy, dx in DISC:
        rows, columns = y + dy, x + dx
        inside = (rows >= 0) & (rows < height) & (columns >= 0) & (columns < width)
        canvas[rows[inside], columns[inside]] = colours[inside]
    return canvas


def write_gif(film: Film, path: str | os.PathLike, milliseconds: int = 100,
              labelled: tuple[str, ...] = (), size: tuple[int, int] = SIZE) -> int:
    """Write the film to `path`; returns the number of frames written. `labelled`: the
    words that get a label (pinned or searched words, say)."""
    if not film.frames:
        raise ValueError("the film has no frame yet: train a run with the map on show")
    # evenly through the whole film, the first and the last frame always among them
    chosen = np.unique(np.rint(np.linspace(0, len(film.frames) - 1,
                                           min(len(film.frames), MAX_GIF_FRAMES))))
    frames = [film.frames[int(i)] for i in chosen]
    low, high = film_extent(film)
    scale = (np.array(size) - 2 * MARGIN) / (high - low)
    font = ImageFont.load_default()
    wanted = {film.words.index(word) for word in labelled if word in film.words}
    images = []
    for frame in frames:
        pixels = (frame.layout - low) * scale + MARGIN
        pixels[:, 1] = size[1] - pixels[:, 1]  # y grows upwards on the map
        image = Image.fromarray(dots(pixels, frame.colours, size))
        draw = ImageDraw.Draw(image)
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
