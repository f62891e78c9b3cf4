"""Does the model know where the sprite goes? The motion sign of (a) the layout prior's own coverage map and
(b) the expected clip D(80 n) (pooled over 4 noise seeds), on training prompts (stage-1 t2v, phrases and
templates the model trained on) and on the evaluation set's held-out prompts, side by side.

  /usr/bin/python3 tools/layout_probe.py CKPT [--raw] [--n 120]
"""
import argparse
import json
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import quick_eval as qe  # noqa: E402
import train  # noqa: E402
from data import generate as gen  # noqa: E402


@torch.no_grad()
def signs(enc, den, prompts, keys, motions, shape, chunk=32):
    lay_ok, exp_ok = 0, 0
    for s0 in range(0, len(keys), chunk):
        part, want = keys[s0:s0 + chunk], motions[s0:s0 + chunk]
        cond, mask = prompts.encode(enc, part)
        if hasattr(den, "layout_mlp"):
            lay_ok += sum(qe.motion_ok(w, *qe.centroids(l)) for w, l in zip(want, den.layout_map(cond, mask).numpy()))
        exp_ok += sum(qe.expected_motion_ok(w, v) for w, v in zip(want, qe.expected_clips(den, cond, mask, shape)))
    return lay_ok / len(keys), exp_ok / len(keys)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--raw", action="store_true", help="the raw weights instead of the EMA")
    ap.add_argument("--n", type=int, default=120)
    a = ap.parse_args()
    torch.set_num_threads(1)
    enc, den, cfg = train.load_base(a.ckpt, raw=a.raw)
    shape = (3, cfg["frames"], cfg["height"], cfg["width"])
    prompts = train.Prompts(None, gen.DEFAULT_MEMORY)
    specs = {json.loads(l)["id"]: json.loads(l) for l in open(os.path.join(train.DATA, "train.jsonl"), encoding="utf-8")}
    rnd = random.Random(5)
    tk = [k for k, p in prompts.by_key.items() if k.startswith("s1:") and specs[k[3:]]["motion"] != "still"]
    tk = rnd.sample(tk, a.n)
    tr = signs(enc, den, prompts, tk, [specs[k[3:]]["motion"] for k in tk], shape)
    runs = [r for r in qe.arms(qe.pick_items(80)) if r[1]["motion"] != "still"]
    ev = signs(enc, den, prompts, [r[0] for r in runs], [r[1]["motion"] for r in runs], shape)
    print(json.dumps({"ckpt": a.ckpt, "weights": "raw" if a.raw else "ema",
                      "train_prompts": {"n": len(tk), "layout_sign": round(tr[0], 3), "expected_clip_sign": round(tr[1], 3)},
                      "eval_prompts": {"n": len(runs), "layout_sign": round(ev[0], 3), "expected_clip_sign": round(ev[1], 3)}}))


if __name__ == "__main__":
    main()
