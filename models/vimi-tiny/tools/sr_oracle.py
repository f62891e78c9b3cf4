#!/usr/bin/python3
"""How much subject identity the cascade's 2x stage can carry: the evaluation set's TRUE clips, brought down to
the base stage's size (16x18x32, 2x2 mean), then brought back to 36x64 by

  sr        the bundle's `sr` stage, sampled as the SDK samples it (its steps, seed per item), or
  resize    the SDK's trilinear resize alone (what `sr` starts from),

written as DIR/<item id>.f32 for `vimi eval grounding --oracle DIR` (which measures them with the SDK's own
metrics). With the true 36x64 clips (eval_set.py --oracle) identity is 100%; what these two give is the ceiling
of identity for a base that drew the sprite perfectly at its size, i.e. whether the base or the 2x stage is the
bottleneck.

    /usr/bin/python3 models/vimi-tiny/tools/sr_oracle.py {sr|resize} DIR [--bundle DIR]
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "data"))
import generate as gen  # noqa: E402
import reference_sample as rs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["sr", "resize"])
    ap.add_argument("out")
    ap.add_argument("--bundle", default=os.path.join(ROOT, "bundle"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    stages, _ = rs.load_stages(a.bundle)
    base, sr = stages[0], stages[1]
    if sr.takes_conditioning:
        raise SystemExit("the bundle's second stage takes conditioning; this oracle is for an unconditioned 2x stage")
    items = json.load(open(os.path.join(ROOT, "eval", "grounding.json"), encoding="utf-8"))["items"]
    test = {}
    with open(os.path.join(ROOT, "work", "data", "test.jsonl"), encoding="utf-8") as f:
        for line in f:
            s = json.loads(line)
            test[s["id"]] = s
    sprites = gen.SpriteCache(gen.DEFAULT_MEMORY)
    os.makedirs(a.out, exist_ok=True)
    bs, ss = base.spec, sr.spec
    for n, it in enumerate(items):
        spec = test[it["id"][len(it["group"]) + 1:]]
        clip = gen.to_uint8(gen.downsample2(gen.render(spec, sprites))).astype(np.float64) / 127.5 - 1.0  # [T,36,64,3]
        low = gen.downsample2(clip).transpose(3, 0, 1, 2).reshape(-1)  # [3,16,18,32] flat, as a base video
        up = rs.resize(low, bs["channels"], bs["frames"], bs["height"], bs["width"], ss["frames"], ss["height"], ss["width"])
        if a.mode == "sr":
            sigmas = rs.vt.karras(ss["steps"], ss["sigma_min"], ss["sigma_max"], ss["rho"])
            x = rs.vt.noise(1000 + n, 2, up.size) * sigmas[0]
            scales = [1.0] * ss["frames"]
            for i in range(ss["steps"]):
                sigma, nxt = sigmas[i], sigmas[i + 1]
                den = rs.denoise(sr, x, sigma, None, None, None, None, scales, 24.0, up)
                slope = (x - den) / sigma
                x_next = x + (nxt - sigma) * slope
                if nxt != 0:
                    den2 = rs.denoise(sr, x_next, nxt, None, None, None, None, scales, 24.0, up)
                    x_next = x + (nxt - sigma) * 0.5 * (slope + (x_next - den2) / nxt)
                x = x_next
            up = np.clip(x, -1.0, 1.0)
        up.astype("<f4").tofile(os.path.join(a.out, it["id"] + ".f32"))
    print("%d items (%s) -> %s" % (len(items), a.mode, a.out))


if __name__ == "__main__":
    main()
