"""A small, general PNG decoder for tests (8-bit greyscale/RGB/RGBA, all five row filters),
written independently of the encoder in deploy/teams/make_icons.py."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass
class Png:
    width: int
    height: int
    colour_type: int
    rows: list[list[tuple[int, ...]]]

    @property
    def has_alpha(self) -> bool:
        return self.colour_type in (4, 6)

    def pixels(self) -> list[tuple[int, ...]]:
        return [pixel for row in self.rows for pixel in row]


def read_png(data: bytes) -> Png:
    assert data.startswith(SIGNATURE), "not a PNG"
    position, header, compressed = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour_type in CHANNELS, "only 8-bit, non-interlaced PNGs"
    step = CHANNELS[colour_type]
    raw = zlib.decompress(compressed)
    stride = width * step
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            up_left = previous[i - step] if i >= step else 0
            line[i] = (line[i] + _predict(kind, left, up, up_left)) & 0xFF
        rows.append([tuple(line[x : x + step]) for x in range(0, stride, step)])
        previous = line
    return Png(width, height, colour_type, rows)


def _predict(kind: int, left: int, up: int, up_left: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    estimate = left + up - up_left
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
    return (left, up, up_left)[distances.index(min(distances))]
