#!/usr/bin/env python3
"""Counts the pixels of given colours in a PNG: the report test's proof that charts were drawn.

usage: png-colors.py FILE.png '#rrggbb' ['#rrggbb' ...]   -> JSON {"#rrggbb": count, ..., "width": w, "height": h}
"""
import json
import sys

from PIL import Image


def main() -> None:
    path, colours = sys.argv[1], sys.argv[2:]
    image = Image.open(path).convert("RGB")
    wanted = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)): c for c in colours}
    counts = {c: 0 for c in colours}
    for rgb, n in ((rgb, n) for n, rgb in image.getcolors(maxcolors=1 << 24)):
        if rgb in wanted:
            counts[wanted[rgb]] += n
    counts["width"], counts["height"] = image.size
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
