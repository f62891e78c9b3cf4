#!/usr/bin/python3
"""Draws ViMi-tiny's learning curves (the quick evaluations train.py appends to curve.jsonl) as one PNG:
one panel per measurement (pooled probe motion, sampled motion, identity, background, leftover noise)
against clips seen, one line per run. Pillow only.

    /usr/bin/python3 models/vimi-tiny/tools/plot_curve.py OUT.png NAME=CURVE.jsonl [NAME=CURVE.jsonl ...]
"""

import json
import math
import sys

from PIL import Image, ImageDraw

PANELS = [
    ("probe motion sign", lambda p: p["probe_motion"], (0, 1)),
    ("sampled motion", lambda p: p["samples"]["motion"], (0, 1)),
    ("sampled identity", lambda p: p["samples"]["identity"], (0, 1)),
    ("sampled background", lambda p: p["samples"]["background"], (0, 1)),
    ("border noise (std)", lambda p: p["samples"]["border_noise"], (0, 0.1)),
    ("training loss", lambda p: p["loss"], (0, 0.6)),
]
COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14), (23, 190, 207)]
W, H = 360, 220
M = 42


def main():
    out = sys.argv[1]
    runs = []
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        runs.append((name, [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]))
    xmax = max(p["clips"] for _, pts in runs for p in pts)
    xmax = 10 ** math.ceil(math.log10(xmax)) if xmax > 0 else 1
    xmax = max(p["clips"] for _, pts in runs for p in pts) * 1.05
    cols = 3
    rows = math.ceil(len(PANELS) / cols)
    img = Image.new("RGB", (cols * W, rows * H + 30), "white")
    d = ImageDraw.Draw(img)
    for k, (title, get, (lo, hi)) in enumerate(PANELS):
        ox, oy = (k % cols) * W, (k // cols) * H
        x0, y0, x1, y1 = ox + M, oy + 20, ox + W - 12, oy + H - 28
        d.rectangle([x0, y0, x1, y1], outline=(0, 0, 0))
        d.text((x0, oy + 4), title, fill=(0, 0, 0))
        for f in (0, 0.5, 1):
            y = y1 - f * (y1 - y0)
            d.line([x0, y, x1, y], fill=(225, 225, 225))
            d.text((ox + 4, y - 6), ("%.2f" % (lo + f * (hi - lo))).rstrip("0").rstrip("."), fill=(80, 80, 80))
        for f in (0, 0.5, 1):
            x = x0 + f * (x1 - x0)
            d.text((x - 12, y1 + 4), "%dk" % round(f * xmax / 1000), fill=(80, 80, 80))
        for r, (name, pts) in enumerate(runs):
            c = COLOURS[r % len(COLOURS)]
            xy = []
            for p in pts:
                try:
                    v = get(p)
                except (KeyError, TypeError):
                    continue
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                v = min(max(v, lo), hi)
                xy.append((x0 + p["clips"] / xmax * (x1 - x0), y1 - (v - lo) / (hi - lo) * (y1 - y0)))
            if len(xy) > 1:
                d.line(xy, fill=c, width=2)
            for x, y in xy:
                d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=c)
    lx = 10
    for r, (name, _) in enumerate(runs):
        c = COLOURS[r % len(COLOURS)]
        d.rectangle([lx, rows * H + 10, lx + 14, rows * H + 20], fill=c)
        d.text((lx + 18, rows * H + 9), name, fill=(0, 0, 0))
        lx += 30 + 7 * len(name)
    d.text((cols * W - 150, rows * H + 9), "x: clips seen", fill=(80, 80, 80))
    img.save(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
