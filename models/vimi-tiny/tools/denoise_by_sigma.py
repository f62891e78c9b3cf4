#!/usr/bin/python3
"""How well the base denoiser (EMA weights of a base checkpoint) denoises, noise level by noise level, and
how much it uses the prompt: the mean squared error of D(x0 + sigma n; sigma) against x0 on freshly drawn
training clips, with the clip's own conditioning, with the empty conditioning, and with the conditioning
of another clip in the batch; "identity" is sigma^2, the error of returning the noisy input. "sprite" is
the error on the sprite's pixels only (where the clip differs from its background), the part of the
clip the prompt's subject and motion decide.

    /usr/bin/python3 models/vimi-tiny/tools/denoise_by_sigma.py [--ckpt work/ckpt/base.pt] [--batch 16]
"""

import argparse
import os
import random
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "data"))
import generate as gen  # noqa: E402
import train as tr  # noqa: E402
import vimi_tiny as vt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(tr.CKPT, "base.pt"))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--sigmas", default="0.02,0.1,0.3,1,3,10,40,80")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--raw", action="store_true", help="the raw weights instead of their EMA")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    enc, den, cfg = tr.load_base(a.ckpt, raw=a.raw)
    prompts = tr.Prompts(None, gen.DEFAULT_MEMORY)
    src = tr.BaseBatches(a.batch, 12345, 0.35, {k: p["task"] for k, p in prompts.by_key.items()})
    x0, keys, firsts, _ = next(iter(src))
    b = a.batch
    fps = torch.full((b,), gen.FPS)
    res = torch.tensor([[float(cfg["height"]), float(cfg["width"])]] * b)
    bg = x0[:, :, :, :1, :1]  # the corner pixel: the background (sprites never touch the corner)
    sprite = ((x0 - bg).abs().sum(1, keepdim=True) > 0.1).float().expand_as(x0)
    g = torch.Generator().manual_seed(3)
    print("%d clips; sprite pixels %.1f%%" % (b, 100 * float(sprite.mean())))
    print("%8s %10s %10s %10s %10s %12s %12s" % ("sigma", "identity", "prompt", "empty", "other", "sprite:prm", "sprite:empty"))
    with torch.no_grad():
        cond, mask = prompts.encode(enc, keys, firsts)
        other = torch.roll(torch.arange(b), 1)
        for sig in [float(s) for s in a.sigmas.split(",")]:
            sigma = torch.full((b,), sig)
            s5 = sigma.reshape(-1, 1, 1, 1, 1)
            xn = x0 + torch.randn(x0.shape, generator=g) * s5
            errs = []
            sp = []
            for c, m in ((cond, mask), (cond * 0, mask * 0), (cond[other], mask[other])):
                f = den(xn * vt.c_in(s5), vt.c_noise(sigma), c, m, fps, res)
                d = vt.c_skip(s5) * xn + vt.c_out(s5) * f
                e = (d - x0).pow(2)
                errs.append(float(e.mean()))
                sp.append(float((e * sprite).sum() / sprite.sum()))
            print("%8g %10.4f %10.4f %10.4f %10.4f %12.4f %12.4f" % (sig, sig * sig, *errs, sp[0], sp[1]))


if __name__ == "__main__":
    main()
