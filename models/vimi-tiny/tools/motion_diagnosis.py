#!/usr/bin/python3
"""Why motion is (not) learned: three measurements behind the model README's diagnosis.

    /usr/bin/python3 tools/motion_diagnosis.py oracle              # the probe's criterion on TRUE expected clips
    /usr/bin/python3 tools/motion_diagnosis.py expected CKPT [raw] # the model's expected clip D(sigma n): centroids per frame
    /usr/bin/python3 tools/motion_diagnosis.py linear CKPT [raw]   # is the motion linearly readable from C / the adaLN summary?

oracle: for each probe item of quick_eval (moving subjects), the mean of 32 rendered clips (uniform starts, and
the start-side curriculum of train.py --start-span 0.3) scored with quick_eval.probe's motion-sign rule; 100%
means the probe can see motion in a conditional mean. expected: the checkpoint's denoised output from pure noise
at sigma 80 and 10 for 8 probe items, the deviation-weighted centroid of frames 0, 3, ..., 15 (a model that reads
the motion words moves it). linear: a ridge regression (one-vs-all, lambda 10) from 900 training prompts'
pooled conditioning to the motion class, accuracy on 300 others (chance 1/7).
"""
import json
import os
import random
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "data"))
import generate as gen  # noqa: E402
import quick_eval as qe  # noqa: E402
import train as tr  # noqa: E402


def centroid(fr):
    bg = qe.background(fr)
    dev = np.sqrt(((fr - bg.reshape(1, 1, 1, 3)) ** 2).sum(-1))
    mass = dev.sum(axis=(1, 2)) + 1e-9
    ys, xs = np.mgrid[0:fr.shape[1], 0:fr.shape[2]]
    return (dev * xs).sum(axis=(1, 2)) / mass, (dev * ys).sum(axis=(1, 2)) / mass, mass


def sign_ok(want, cx, cy, mass):
    t = np.arange(len(mass))
    dx, dy, dm = np.polyfit(t, cx, 1)[0], np.polyfit(t, cy, 1)[0], np.polyfit(t, np.log(mass), 1)[0]
    return {"left": dx < 0 and abs(dx) > abs(dy), "right": dx > 0 and abs(dx) > abs(dy),
            "up": dy < 0 and abs(dy) > abs(dx), "down": dy > 0 and abs(dy) > abs(dx),
            "grow": dm > 0, "shrink": dm < 0}[want]


def oracle():
    items = qe.pick_items(80)
    images = json.load(open(qe.EVAL_SET, encoding="utf-8"))["subject_images"]
    sprites = gen.SpriteCache(gen.DEFAULT_MEMORY)
    for span in (1.0, 0.3):
        rnd = random.Random(5)
        ok = []
        for _, it, _ in qe.arms(items):
            if it["motion"] == "still":
                continue
            spec = {"background": it["background"], "image": "images/" + images[it["subject_id"]].rsplit("/", 1)[1]}
            acc = 0
            for _ in range(32):
                traj = gen.trajectory(it["motion"], it["speed"], rnd, start_span=span)
                acc = acc + tr.half(gen.render(spec, sprites, 36, 64, trajectory=traj).astype(np.float32))
            ok.append(sign_ok(it["motion"], *centroid(acc / 32)))
        print("start span %.1f: the probe's motion sign on true expected clips %.0f%% (%d items)"
              % (span, 100 * np.mean(ok), len(ok)))


def load(argv):
    torch.set_num_threads(1)
    enc, den, cfg = tr.load_base(argv[0], raw=len(argv) > 1 and argv[1] == "raw")
    return enc, den, cfg, tr.Prompts(None, gen.DEFAULT_MEMORY)


@torch.no_grad()
def expected(argv):
    enc, den, cfg, prompts = load(argv)
    shape = (3, cfg["frames"], cfg["height"], cfg["width"])
    items = [it for it in qe.pick_items(80) if it["motion"] in ("down", "right", "left", "up")][:8]
    runs = list(qe.arms(items))[:8]
    cond, mask = prompts.encode(enc, [r[0] for r in runs])
    b = len(runs)
    for sig in (80.0, 10.0):
        x = torch.randn((b,) + shape, generator=torch.Generator().manual_seed(100)) * sig
        out = qe.denoise(den, x, torch.full((b,), sig), cond, mask, torch.full((b,), gen.FPS),
                         torch.tensor([[float(shape[2]), float(shape[3])]] * b))
        for (_, it, _), v in zip(runs, out):
            cx, cy, _ = centroid(qe.to_frames(v))
            print("sigma %g %-5s %-4s centroid x %s  y %s" % (sig, it["motion"], it["speed"], np.round(cx[::3], 1),
                                                             np.round(cy[::3], 1)))


@torch.no_grad()
def linear(argv):
    enc, den, cfg, prompts = load(argv)
    specs = [json.loads(line) for line in open(os.path.join(tr.DATA, "train.jsonl"), encoding="utf-8")]
    random.Random(0).shuffle(specs)
    specs = specs[:1200]
    y = np.array([gen.MOTIONS.index(s["motion"]) for s in specs])
    cs, ms, ps = [], [], []
    for i in range(0, len(specs), 100):
        c, m = prompts.encode(enc, ["s1:" + s["id"] for s in specs[i:i + 100]])
        cs.append(c)
        ms.append(m)
        ps.append(den.summary(c, m))
    c, m, p = torch.cat(cs), torch.cat(ms), torch.cat(ps)
    feats = {"C, masked mean": ((c * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True)).numpy(),
             "adaLN summary (attention pooling)": p.numpy()}
    n, n_fit = len(y), 900
    for name, xs in feats.items():
        xs = (xs - xs[:n_fit].mean(0)) / (xs[:n_fit].std(0) + 1e-6)
        x1 = np.concatenate([xs, np.ones((n, 1))], 1)
        w = np.linalg.solve(x1[:n_fit].T @ x1[:n_fit] + 10 * np.eye(x1.shape[1]), x1[:n_fit].T @ np.eye(len(gen.MOTIONS))[y[:n_fit]])
        acc = (np.argmax(x1[n_fit:] @ w, 1) == y[n_fit:]).mean()
        print("%-36s motion read linearly: %.0f%% (chance %.0f%%)" % (name, 100 * acc, 100 / len(gen.MOTIONS)))


if __name__ == "__main__":
    {"oracle": lambda a: oracle(), "expected": expected, "linear": linear}[sys.argv[1]](sys.argv[2:])
