#!/usr/bin/python3
"""A look at what a base checkpoint draws: samples of a few evaluation prompts (as quick_eval samples them)
written as one PNG, a row per prompt (every other frame, scaled up), the prompt's motion and subject noted.

    /usr/bin/python3 models/vimi-tiny/tools/peek.py OUT.png [--ckpt work/ckpt/base.pt] [--items 6]
"""
import argparse
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "data"))
import generate as gen  # noqa: E402
import quick_eval as qe  # noqa: E402
import train as tr  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--ckpt", default=os.path.join(tr.CKPT, "base.pt"))
    ap.add_argument("--items", type=int, default=6)
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--raw", action="store_true", help="the raw weights instead of their EMA")
    a = ap.parse_args()
    torch.set_num_threads(1)
    enc, den, cfg = tr.load_base(a.ckpt, raw=a.raw)
    prompts = tr.Prompts(None, gen.DEFAULT_MEMORY)
    items = qe.pick_items(a.items)
    shape = (3, cfg["frames"], cfg["height"], cfg["width"])
    with torch.no_grad():
        cond, mask = prompts.encode(enc, ["ev:" + it["id"] for it in items])
        vids = qe.sample(den, cond, mask, shape, 24, 3.0, a.seed)
    h, w, s = cfg["height"], cfg["width"], a.scale
    cols = cfg["frames"] // 2
    sheet = Image.new("RGB", (cols * w * s, len(items) * (h * s + 14)), "white")
    d = ImageDraw.Draw(sheet)
    for r, (it, v) in enumerate(zip(items, vids)):
        fr = (qe.to_frames(v) * 255).round().astype(np.uint8)
        y = r * (h * s + 14)
        d.text((2, y), "%s | %s %s on %s" % (it["group"], it["subject"], it["motion"], it["background"]), fill=(0, 0, 0))
        for c in range(cols):
            im = Image.fromarray(fr[2 * c]).resize((w * s, h * s), Image.NEAREST)
            sheet.paste(im, (c * w * s, y + 14))
    sheet.save(a.out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
