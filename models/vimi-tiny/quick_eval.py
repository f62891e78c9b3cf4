#!/usr/bin/python3
"""The quick evaluation the training recipe runs at every checkpoint: the points of ViMi-tiny's learning
curve between full `vimi eval grounding` runs.

Two measurements on the evaluation set (eval/grounding.json: prompts and subjects the model was not
trained on, assembled as the SDK assembles them; prompts.py writes them with the training prompts):

  probe    the denoised output D(80 n; sigma 80) from pure noise, given the prompt, averaged over 4
           noise seeds: the model's expected clip for the prompt. Its border colour should be the asked
           background; its sprite mass should move as asked (the centroid of |D - background| for left,
           right, up and down, the total of |D - background| for grow and shrink). Cheap (one network
           call per seed) and immune to leftover noise, which makes sampled clips read "still".
  samples  clips sampled as the SDK samples them (Karras schedule, Heun, classifier-free guidance
           against the empty conditioning), measured as `vimi eval grounding` measures them
           (a numpy port of dev.vimi.cli.GroundingMetrics): background, motion, identity among the
           item's 10 candidates, first-frame PSNR for prediction items, and the leftover noise: the
           standard deviation (on [0, 1]) of the frame-border pixels that are background.

    /usr/bin/python3 models/vimi-tiny/quick_eval.py [--ckpt work/ckpt/base.pt] [--items 28]

The metrics here run at the base stage's resolution (the SDK's eval measures the cascade's 36x64
stage), so the two agree in trend, not to the point.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "data"))
import generate as gen  # noqa: E402
import vimi_tiny as vt  # noqa: E402

EVAL_SET = os.path.join(HERE, "eval", "grounding.json")
MOVES = ("left", "right", "up", "down", "grow", "shrink")

# GroundingMetrics' constants
MASK_THRESHOLD = 0.2
MIN_AREA = 6
MIN_SHIFT_PX = 4.0
MIN_LOG_SCALE = 0.25


# ------------------------------------------------------------------------------------------------
# GroundingMetrics, in numpy (frames: float [T, H, W, 3] in [0, 1])


def background(frames):
    h, w = frames.shape[1:3]
    border = np.concatenate([frames[:, 0, :], frames[:, h - 1, :], frames[:, 1:h - 1, 0], frames[:, 1:h - 1, w - 1]], axis=1)
    return np.median(np.median(border, axis=1), axis=0)


def nearest_colour(rgb, palette):
    return min(palette, key=lambda k: float(((rgb - np.asarray(palette[k]) / 255.0) ** 2).sum()))


def tracks(frames, bg):
    d2 = ((frames - bg.reshape(1, 1, 1, 3)) ** 2).sum(-1)
    out = []
    for m in d2 > MASK_THRESHOLD ** 2:
        ys, xs = np.nonzero(m)
        if len(xs) == 0:
            out.append((m, 0, float("nan"), float("nan"), 0, 0, -1, -1))
        else:
            out.append((m, len(xs), xs.mean(), ys.mean(), xs.min(), ys.min(), xs.max(), ys.max()))
    return out


def motion(trs, width):
    ts, xs, ys, ss = [], [], [], []
    for t, f in enumerate(trs):
        if f[1] >= MIN_AREA:
            ts.append(t)
            xs.append(f[2])
            ys.append(f[3])
            ss.append(0.5 * math.log(f[1]))
    if len(ts) < 4:
        return "none"
    span = len(trs) - 1
    dx, dy, ds = (np.polyfit(ts, v, 1)[0] * span for v in (xs, ys, ss))
    min_shift = MIN_SHIFT_PX * width / 64.0
    trans = max(abs(dx), abs(dy)) / min_shift
    scale = abs(ds) / MIN_LOG_SCALE
    if trans < 1 and scale < 1:
        return "still"
    if trans >= scale:
        return ("left" if dx < 0 else "right") if abs(dx) >= abs(dy) else ("up" if dy < 0 else "down")
    return "grow" if ds > 0 else "shrink"


class Sprites:
    """Candidate sprites cropped to their visible part, resampled with a box filter (as GroundingMetrics)."""

    def __init__(self, paths):
        self.paths = paths
        self.cache = {}

    def rgba(self, sid):
        a = self.cache.get(sid)
        if a is None:
            a = np.asarray(Image.open(os.path.join(gen.REPO, self.paths[sid])).convert("RGBA")).astype(np.float64)
            ys, xs = np.nonzero(a[:, :, 3] > 24)
            if len(xs):
                a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
            self.cache[sid] = a
        return a

    def resampled(self, sid, bw, bh):
        key = (sid, bw, bh)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._resampled(sid, bw, bh)
            self.cache[key] = hit
        return hit

    def _resampled(self, sid, bw, bh):
        src = self.rgba(sid)
        h, w = src.shape[:2]
        out = np.zeros((bh, bw, 4))
        for y in range(bh):
            sy0, sy1 = y * h / bh, (y + 1) * h / bh
            for x in range(bw):
                sx0, sx1 = x * w / bw, (x + 1) * w / bw
                yy = np.arange(int(math.floor(sy0)), min(h, int(math.ceil(sy1))))
                xx = np.arange(int(math.floor(sx0)), min(w, int(math.ceil(sx1))))
                wy = np.minimum(yy + 1, sy1) - np.maximum(yy, sy0)
                wx = np.minimum(xx + 1, sx1) - np.maximum(xx, sx0)
                wgt = wy[:, None] * wx[None, :]
                p = src[yy[0]:yy[-1] + 1, xx[0]:xx[-1] + 1]
                al = p[:, :, 3] / 255.0
                a = (wgt * al).sum()
                out[y, x, 0] = a / wgt.sum()
                for c in range(3):
                    out[y, x, 1 + c] = (wgt * al * p[:, :, c] / 255.0).sum() / a if a > 0 else 0.0
        return out


def distance(frame, f, bg, cand):
    mask, area, _, _, x0, y0, x1, y1 = f
    if area < MIN_AREA:
        return float("nan")
    bw, bh = x1 - x0 + 1, y1 - y0 + 1
    a = cand[:, :, 0:1]
    cv = cand[:, :, 1:] * a + bg.reshape(1, 1, 3) * (1 - a)
    px = frame[y0:y1 + 1, x0:x1 + 1]
    sel = mask[y0:y1 + 1, x0:x1 + 1] | (cand[:, :, 0] >= 0.5)
    if not sel.any():
        return float("nan")
    return float(((px - cv) ** 2)[sel].mean())


def identity_ok(frames, trs, bg, candidates, sprites):
    """Whether the nearest candidate (distance summed over the visible frames) is the first."""
    best, best_d = None, float("inf")
    for sid in candidates:
        total = 0.0
        seen = False
        for t, f in enumerate(trs):
            if f[1] >= MIN_AREA:
                cand = sprites.resampled(sid, f[6] - f[4] + 1, f[7] - f[5] + 1)
                total += distance(frames[t], f, bg, cand)
                seen = True
        if seen and total < best_d:
            best, best_d = sid, total
    return best == candidates[0]


def border_noise(frames, bg):
    """Std (on [0, 1]) of the frame-border pixels that are background (within the mask threshold)."""
    h, w = frames.shape[1:3]
    border = np.concatenate([frames[:, 0, :], frames[:, h - 1, :], frames[:, 1:h - 1, 0], frames[:, 1:h - 1, w - 1]], axis=1)
    d = border - bg.reshape(1, 1, 3)
    keep = (d ** 2).sum(-1) < MASK_THRESHOLD ** 2
    return float(d[keep].std()) if keep.any() else float("nan")


def psnr(a, b):
    mse = float(((a - b) ** 2).mean())
    return 99.0 if mse == 0 else 10 * math.log10(1.0 / mse)


# ------------------------------------------------------------------------------------------------
# sampling as the SDK samples


def denoise(den, x, sigma, cond, mask, fps, res):
    s5 = sigma.reshape(-1, 1, 1, 1, 1)
    f = den(x * vt.c_in(s5), vt.c_noise(sigma), cond, mask, fps, res)
    return vt.c_skip(s5) * x + vt.c_out(s5) * f


def sample(den, cond, mask, shape, steps, guidance, seed, sigma_max=80.0, sigma_min=0.002, rho=7.0):
    """Karras schedule, Heun (Euler on the last step), CFG against the empty conditioning in one batch."""
    b = cond.shape[0]
    dev = cond.device
    g = torch.Generator().manual_seed(seed)
    sig = vt.karras(steps, sigma_min, sigma_max, rho)
    x = (torch.randn((b,) + shape, generator=g) * sig[0]).to(dev)
    fps = torch.full((2 * b,), gen.FPS, device=dev)
    res = torch.tensor([[float(shape[2]), float(shape[3])]] * (2 * b), device=dev)
    c2 = torch.cat([cond, torch.zeros_like(cond)])
    m2 = torch.cat([mask, torch.zeros_like(mask)])

    def d(xx, s):
        out = denoise(den, torch.cat([xx, xx]), torch.full((2 * b,), s, device=dev), c2, m2, fps, res)
        dc, du = out[:b], out[b:]
        return du + guidance * (dc - du)

    for i in range(steps):
        s0, s1 = sig[i], sig[i + 1]
        d0 = (x - d(x, s0)) / s0
        x1 = x + (s1 - s0) * d0
        if s1 > 0:
            d1 = (x1 - d(x1, s1)) / s1
            x1 = x + (s1 - s0) * 0.5 * (d0 + d1)
        x = x1
    return torch.clamp(x, -1, 1)


def to_frames(video):
    """[3, T, H, W] in [-1, 1] -> [T, H, W, 3] in [0, 1], float64."""
    return np.clip((video.permute(1, 2, 3, 0).double().cpu().numpy() + 1) * 0.5, 0, 1)


# ------------------------------------------------------------------------------------------------
# the evaluation


def arms(items):
    """(key, item, retrieval) per run: held-out t2v items run with retrieval on and off."""
    out = []
    for it in items:
        out.append(("ev:" + it["id"], it, True))
        if it["group"] == "t2v-held":
            out.append(("ev:" + it["id"] + ":off", it, False))
    return out


def pick_items(n):
    """n items spread over the groups and motions, deterministically."""
    items = json.load(open(EVAL_SET, encoding="utf-8"))["items"]
    groups = {}
    for it in items:
        groups.setdefault(it["group"], []).append(it)
    out = []
    i = 0
    while len(out) < n and any(groups.values()):
        for g in sorted(groups):
            if groups[g] and len(out) < n:
                out.append(groups[g].pop(0))
        i += 1
    return out


@torch.no_grad()
def motion_ok(want, cx, cy, mass):
    """Whether centroid tracks cx, cy and a mass per frame move the way the motion word says."""
    t = np.arange(len(mass))
    dx, dy, dm = np.polyfit(t, cx, 1)[0], np.polyfit(t, cy, 1)[0], np.polyfit(t, np.log(mass), 1)[0]
    return {"left": dx < 0 and abs(dx) > abs(dy), "right": dx > 0 and abs(dx) > abs(dy),
            "up": dy < 0 and abs(dy) > abs(dx), "down": dy > 0 and abs(dy) > abs(dx),
            "grow": dm > 0, "shrink": dm < 0}[want]


def centroids(weight):
    """[T, H, W] non-negative weights -> (cx, cy, mass) per frame."""
    mass = weight.sum(axis=(1, 2)) + 1e-9
    ys, xs = np.mgrid[0:weight.shape[1], 0:weight.shape[2]]
    return (weight * xs).sum(axis=(1, 2)) / mass, (weight * ys).sum(axis=(1, 2)) / mass, mass


def expected_clips(den, cond, mask, shape, seeds=4):
    """The denoised output from pure noise at sigma 80, D(80 n), averaged over `seeds` fixed noise seeds: the
    model's estimate of the expected clip given the prompt, [B] + shape."""
    b = cond.shape[0]
    dev = cond.device
    acc = torch.zeros((b,) + shape, device=dev)
    for s in range(seeds):
        g = torch.Generator().manual_seed(100 + s)
        x = (torch.randn((b,) + shape, generator=g) * 80.0).to(dev)
        acc += denoise(den, x, torch.full((b,), 80.0, device=dev), cond, mask, torch.full((b,), gen.FPS, device=dev),
                       torch.tensor([[float(shape[2]), float(shape[3])]] * b, device=dev))
    return acc / seeds


def expected_motion_ok(want, clip):
    """Whether an expected clip [3, T, H, W] moves the way the motion word says (its deviation from its own
    background as the weight of the centroid track)."""
    fr = to_frames(clip)
    bg = background(fr)
    return motion_ok(want, *centroids(np.sqrt(((fr - bg.reshape(1, 1, 1, 3)) ** 2).sum(-1))))


def probe(enc, den, prompts, items, shape, seeds=4, chunk=32):
    """The pooled probe: background and motion sign of the expected clip D(80 n) per prompt; with a layout
    prior, also the motion sign of the prior's own coverage map (does the prior know where the sprite goes?)."""
    palette = json.load(open(EVAL_SET, encoding="utf-8"))["backgrounds"]
    runs = [r for r in arms(items) if r[1]["motion"] != "still"]
    bg_ok = 0
    mo_ok = 0
    lay_ok = 0
    per = {}
    for start in range(0, len(runs), chunk):
        part = runs[start:start + chunk]
        cond, mask = prompts.encode(enc, [r[0] for r in part])
        acc = expected_clips(den, cond, mask, shape, seeds)
        if hasattr(den, "layout_mlp"):
            for (key, it, _), l in zip(part, den.layout_map(cond, mask).cpu().numpy()):
                lay_ok += motion_ok(it["motion"], *centroids(l))
        for (key, it, _), v in zip(part, acc):
            fr = to_frames(v)
            bg = background(fr)
            bg_ok += nearest_colour(bg, palette) == it["background"]
            want = it["motion"]
            ok = expected_motion_ok(want, v)
            mo_ok += ok
            per.setdefault(want, []).append(ok)
    n = len(runs)
    out = {"probe_background": bg_ok / n, "probe_motion": mo_ok / n,
           "probe_motion_by": {k: sum(v) / len(v) for k, v in sorted(per.items())}}
    if hasattr(den, "layout_mlp"):
        out["probe_layout_motion"] = lay_ok / n
    return out


@torch.no_grad()
def samples(enc, den, prompts, items, shape, steps=24, guidance=3.0, chunk=16, seed=1000):
    data = json.load(open(EVAL_SET, encoding="utf-8"))
    palette = data["backgrounds"]
    sprites = Sprites(data["subject_images"])
    runs = arms(items)
    by_group = {}
    noise = []
    for start in range(0, len(runs), chunk):
        part = runs[start:start + chunk]
        cond, mask = prompts.encode(enc, [r[0] for r in part])
        vids = sample(den, cond, mask, shape, steps, guidance, seed + start)
        for (key, it, retrieval), v in zip(part, vids):
            fr = to_frames(v)
            bg = background(fr)
            trs = tracks(fr, bg)
            group = it["group"] + ("" if retrieval else "-off")
            r = {"background": nearest_colour(bg, palette) == it["background"],
                 "motion": motion(trs, fr.shape[2]) == it["motion"],
                 "identity": identity_ok(fr, trs, bg, it["candidates"], sprites)}
            if it["task"] == "predict":
                first = np.asarray(Image.open(os.path.join(gen.REPO, it["first_frame"])).convert("RGB"), dtype=np.float64) / 255.0
                f = first.shape[0] // fr.shape[1]
                first = first.reshape(fr.shape[1], f, fr.shape[2], f, 3).mean(axis=(1, 3))
                r["psnr"] = psnr(fr[0], first)
            noise.append(border_noise(fr, bg))
            by_group.setdefault(group, []).append(r)
    out = {"n": len(runs), "border_noise": float(np.nanmedian(noise))}
    allr = [r for rs in by_group.values() for r in rs]
    for k in ("background", "motion", "identity"):
        out[k] = sum(r[k] for r in allr) / len(allr)
    out["groups"] = {g: {k: round(sum(r[k] for r in rs) / len(rs), 3) for k in ("background", "motion", "identity")}
                     for g, rs in sorted(by_group.items())}
    ps = [r["psnr"] for r in allr if "psnr" in r]
    if ps:
        out["psnr"] = float(np.mean(ps))
    return out


def main():
    import train as tr
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(tr.CKPT, "base.pt"))
    ap.add_argument("--items", type=int, default=80, help="evaluation items for the sampled clips")
    ap.add_argument("--probe-items", type=int, default=80)
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--raw", action="store_true", help="the raw weights instead of the EMA")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    enc, den, cfg = tr.load_base(a.ckpt, raw=a.raw)
    prompts = tr.Prompts(None, gen.DEFAULT_MEMORY)
    shape = (3, cfg["frames"], cfg["height"], cfg["width"])
    print(json.dumps(probe(enc, den, prompts, pick_items(a.probe_items), shape)))
    print(json.dumps(samples(enc, den, prompts, pick_items(a.items), shape, a.steps, a.guidance)))


if __name__ == "__main__":
    main()
