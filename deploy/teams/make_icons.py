"""Draw qop's two Teams icons as PNG files, with no imaging library.

    python deploy/teams/make_icons.py      # rewrites deploy/teams/color.png and outline.png

The motif is a "Q" whose ring holds a tick: quality, checked. ``color.png`` (192x192) is
the white motif on the accent colour, inside Teams' 120x120 safe area; ``outline.png``
(32x32) is the motif alone in white on a transparent background, as Teams requires.
Edges are anti-aliased by sampling each pixel on a 4x4 grid.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x1F, 0x5F, 0x8B)  # keep in step with accentColor in manifest.json
WHITE = (255, 255, 255)
SAMPLES = 4

Point = tuple[float, float]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def motif(stroke: float) -> Callable[[float, float], bool]:
    """Is the point (in a unit square) on the motif? ``stroke`` is the line width."""
    centre, radius = (0.46, 0.46), 0.36
    tail = ((0.66, 0.66), (0.92, 0.92))
    tick = ((0.30, 0.47), (0.42, 0.60), (0.63, 0.34))
    half = stroke / 2

    def inside(x: float, y: float) -> bool:
        if abs(math.hypot(x - centre[0], y - centre[1]) - radius) <= half:
            return True
        if _segment_distance((x, y), *tail) <= half:
            return True
        return any(_segment_distance((x, y), tick[i], tick[i + 1]) <= half for i in range(len(tick) - 1))

    return inside


def coverage(size: int, box: tuple[float, float], stroke: float) -> list[list[float]]:
    """Fraction of each pixel covered by the motif drawn inside ``box`` (start, extent in px)."""
    start, extent = box
    inside = motif(stroke)
    grid = []
    for row in range(size):
        line = []
        for column in range(size):
            hits = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (column + (sx + 0.5) / SAMPLES - start) / extent
                    y = (row + (sy + 0.5) / SAMPLES - start) / extent
                    hits += inside(x, y)
            line.append(hits / SAMPLES**2)
        grid.append(line)
    return grid


def color_icon() -> list[list[tuple[int, int, int, int]]]:
    grid = coverage(192, (36, 120), stroke=0.12)
    return [[(*_blend(ACCENT, WHITE, c), 255) for c in line] for line in grid]


def outline_icon() -> list[list[tuple[int, int, int, int]]]:
    grid = coverage(32, (1.5, 29), stroke=0.13)
    return [[(*WHITE, round(255 * c)) if c > 0 else (0, 0, 0, 0) for c in line] for line in grid]


def _blend(under: tuple[int, int, int], over: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(u + (o - u) * amount) for u, o in zip(under, over, strict=True))  # type: ignore[return-value]


def png_bytes(pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """An 8-bit RGBA PNG (colour type 6), every row with filter 0."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    (HERE / "color.png").write_bytes(png_bytes(color_icon()))
    (HERE / "outline.png").write_bytes(png_bytes(outline_icon()))
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()
