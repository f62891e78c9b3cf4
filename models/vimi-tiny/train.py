#!/usr/bin/python3
"""Trains ViMi-tiny: the condition encoder's vision tower, projector and fusion network together with
the base denoiser (stage 1: retrieval-augmented pretraining; stage 2: multimodal instruction tuning
over subject / predict / t2v), then the 2x upsampler. Checkpointed and resumable.

Prerequisites (see README.md): work/data from data/generate.py, work/data/augmented.jsonl from the
SDK's dataset builder, work/data/prompts.jsonl from prompts.py and work/data/text_states.{f16,jsonl}
from tools/TextStates.java.

    /usr/bin/python3 models/vimi-tiny/train.py base --minutes 60        # resumes from work/ckpt/base.pt
    /usr/bin/python3 models/vimi-tiny/train.py upsampler --minutes 10   # resumes from work/ckpt/upsampler.pt

Training progress is measured in training time, not steps: the stage switch (at --stage1 of the
budget) and the cosine learning-rate decay follow the fraction of --minutes spent, so a run on a
shared or slower machine still goes through both stages and ends with a decayed learning rate. The
checkpoint holds the elapsed training time, so a resumed run continues the same schedule.

EDM: sigma_data 0.5; the loss is the EDM-weighted denoising loss written on F (weight 1 on
(F - F_target)^2). Noise levels: 85% log-normal (P_mean -0.4, P_std 1.4) and 15% log-uniform over
the sampler's whole range [0.002, 80], so that sampling from sigma_max 80 starts on levels the network
has seen (the EDM image default, P_mean -1.2 and P_std 1.2, trains almost nothing above sigma 10).
10% of samples get the empty conditioning (all-zero tokens, all-zero mask: what the SDK's encoder
returns as empty()) for classifier-free guidance.
"""

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "data"))
import generate as gen  # noqa: E402
import vimi_tiny as vt  # noqa: E402

WORK = os.path.join(HERE, "work")
DATA = os.path.join(WORK, "data")
CKPT = os.path.join(WORK, "ckpt")

# noise levels of the training recipe; train.py base --p-mean/--p-std/--log-uniform change them for a run
P_MEAN, P_STD, LOGUNIFORM_SHARE = 0.0, 1.4, 0.25
SIGMA_MIN, SIGMA_MAX = 0.002, 80.0
COND_DROP = 0.10

BASE_CONFIG = dict(d=128, depth=4, heads=4, e=128, mlp=2, c=16, patch=[2, 6, 8])
UP_CONFIG = dict(width=48, depth=4, e=64, s2d=4, c=16)
# the upsampler's stage starts from sigma 4, not 80: given the base video, a 72x128 clip at sigma 4 is
# no more ambiguous than pure noise, so the steps above it would be spent on nothing
UP_SIGMA_MAX = 4.0
UP_P_MEAN, UP_P_STD = -0.8, 1.2
UP_LOWRES_NOISE = 0.25  # the low-res input's corruption: Gaussian noise with a std uniform in [0, this]


def log(msg, f=None):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    if f is not None:
        f.write(line + "\n")
        f.flush()


def sample_sigma(n, gen_, p_mean=None, p_std=None, sigma_max=SIGMA_MAX):
    """P_MEAN, P_STD and LOGUNIFORM_SHARE are module-level, set once by main() from the flags."""
    p_mean = P_MEAN if p_mean is None else p_mean
    p_std = P_STD if p_std is None else p_std
    ln = torch.randn(n, generator=gen_) * p_std + p_mean
    uni = torch.rand(n, generator=gen_) * (math.log(sigma_max) - math.log(SIGMA_MIN)) + math.log(SIGMA_MIN)
    pick = torch.rand(n, generator=gen_) < LOGUNIFORM_SHARE
    return torch.exp(torch.where(pick, uni, ln))


def to_video(u8):
    """uint8 [B, T, H, W, 3] -> float [B, 3, T, H, W] in [-1, 1]."""
    t = torch.from_numpy(np.ascontiguousarray(u8)).float()
    return (t / 127.5 - 1.0).permute(0, 4, 1, 2, 3).contiguous()


# ------------------------------------------------------------------------------------------------
# data


class Prompts:
    """The training prompts, their MiniLM states (from the SDK) and their images (preprocessed once)."""

    def __init__(self, specs, memory):
        self.specs = specs
        self.memory = memory
        self.by_key = {}
        with open(os.path.join(DATA, "prompts.jsonl"), encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                self.by_key[p["key"]] = p
        self.index = {}
        with open(os.path.join(DATA, "text_states.jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                self.index[r["key"]] = r
        self.states = np.memmap(os.path.join(DATA, "text_states.f16"), dtype=np.float16, mode="r").reshape(-1, vt.LM_DIM)
        self.images = {}
        self.sprites = gen.SpriteCache(memory)

    def image(self, ref, clip):
        key = ref if ref != "first_frame" else "first_frame:%d" % clip
        t = self.images.get(key)
        if t is None:
            if ref == "first_frame":
                frame = gen.to_uint8(gen.render(self.specs[clip], self.sprites)[0])  # the 72x128 first frame
                arr = frame
            else:
                path = ref.split(":", 1)[1]
                arr = np.asarray(Image.open(os.path.join(self.memory, path)).convert("RGBA"))
            t = vt.preprocess_image(arr)
            self.images[key] = t
        return t

    def batch(self, keys):
        """Everything the encoder needs for a batch: text states per sample, the layout and the images."""
        out = []
        pixels = []
        for key in keys:
            p = self.by_key[key]
            r = self.index[key]
            st = torch.from_numpy(np.asarray(self.states[r["offset"]:r["offset"] + r["n"]], dtype=np.float32))
            layout = []  # ("t", start, count) over st, or ("i", image index in pixels)
            at = 1  # after [CLS]
            layout.append(("t", 0, 1))
            img_i = 0
            for c in r["counts"]:
                if c < 0:
                    pixels.append(self.image(p["images"][img_i], p["clip"]))
                    layout.append(("i", len(pixels) - 1))
                    img_i += 1
                elif c > 0:
                    layout.append(("t", at, c))
                    at += c
            layout.append(("t", at, 1))  # [SEP]
            assert at + 1 == r["n"], key
            out.append((st, layout))
        return out, (torch.stack(pixels) if pixels else None)


class Encoder(torch.nn.Module):
    """Vision tower + projector + fusion network: the trained part of the late-fusion encoder."""

    def __init__(self):
        super().__init__()
        self.vision = vt.VisionTower()
        self.projector = vt.Projector()
        self.fusion = vt.FusionNet()

    def forward(self, samples, pixels, length=vt.COND_LEN):
        img_tokens = self.projector(self.vision(pixels)) if pixels is not None else None
        seqs = []
        mods = []
        for st, layout in samples:
            parts = []
            mod = []
            for item in layout:
                if item[0] == "t":
                    parts.append(st[item[1]:item[1] + item[2]])
                    mod += [0] * item[2]
                else:
                    parts.append(img_tokens[item[1]])
                    mod += [1] * vt.IMAGE_TOKENS
            seqs.append(torch.cat(parts, dim=0))
            mods.append(mod)
        b = len(seqs)
        n = max(s.shape[0] for s in seqs)
        if n > length:
            raise ValueError("a prompt needs %d positions, more than L=%d" % (n, length))
        hs = torch.zeros(b, n, vt.LM_DIM)
        am = torch.zeros(b, n, dtype=torch.long)
        mi = torch.zeros(b, n, dtype=torch.long)
        for i, (s, m) in enumerate(zip(seqs, mods)):
            hs[i, :s.shape[0]] = s
            am[i, :s.shape[0]] = 1
            mi[i, :s.shape[0]] = torch.tensor(m)
        c = self.fusion(hs, am, mi) * am.unsqueeze(-1).float()
        cond = torch.zeros(b, length, vt.COND_DIM)
        cond[:, :n] = c
        mask = torch.zeros(b, length)
        mask[:, :n] = am.float()
        return cond, mask


# ------------------------------------------------------------------------------------------------
# checkpoints


def save(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def ema_update(ema, model, decay):
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)


def lr_at(progress, base_lr, warm_frac=0.03):
    if progress < warm_frac:
        return base_lr * max(progress / warm_frac, 0.02)
    p = min(1.0, (progress - warm_frac) / (1 - warm_frac))
    return base_lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


# ------------------------------------------------------------------------------------------------
# base stage


def train_base(a):
    import copy
    torch.manual_seed(a.seed)
    specs = [json.loads(l) for l in open(os.path.join(DATA, "train.jsonl"), encoding="utf-8")]
    videos = np.load(os.path.join(DATA, "train_base.npy"), mmap_mode="r")
    prompts = Prompts(specs, gen.DEFAULT_MEMORY)
    enc = Encoder()
    den = vt.BaseDenoiser(**BASE_CONFIG)
    model = torch.nn.ModuleDict({"encoder": enc, "denoiser": den})
    st = np.asarray(prompts.states[::13], dtype=np.float32)
    enc.fusion.in_mean.copy_(torch.from_numpy(st.mean(0)))
    enc.fusion.in_std.copy_(torch.from_numpy(np.maximum(st.std(0), 0.05)))
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW([{"params": list(den.parameters())}, {"params": list(enc.parameters())}],
                            lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    path = os.path.join(CKPT, "base.pt")
    state = {"step": 0, "seconds": 0.0, "rng": None}
    logf = open(os.path.join(WORK, "train_base.log"), "a")
    if os.path.exists(path):
        ck = torch.load(path)
        if ck.get("config") != BASE_CONFIG:
            raise SystemExit("%s was trained with config %s, not %s: move it away to start afresh"
                             % (path, ck.get("config"), BASE_CONFIG))
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        if a.new_schedule:
            # same weights and optimizer moments, a new time budget with its own stage switch and decay
            ck["state"]["schedule_start"] = ck["state"]["seconds"]
            log("continue: new schedule of %.0f min from %.1f min" % (a.minutes, ck["state"]["seconds"] / 60), logf)
        state = ck["state"]
    log("base: %d params in the denoiser, %d in the encoder; resuming at step %d, %.1f min"
        % (vt.count_params(den), vt.count_params(enc), state["step"], state["seconds"] / 60), logf)
    rnd = random.Random(a.seed + state["step"])
    g = torch.Generator().manual_seed(a.seed + state["step"])
    budget = a.minutes * 60.0
    start = state.get("schedule_start", 0.0)
    n = len(specs)
    fps = torch.full((a.batch,), gen.FPS)
    res = torch.tensor([[float(vt.BASE_H), float(vt.BASE_W)]] * a.batch)
    last_save = time.time()
    t_log = time.time()
    losses = []
    while state["seconds"] - start < budget:
        t0 = time.time()
        progress = (state["seconds"] - start) / budget
        stage = 1 if progress < a.stage1 else 2
        lr = lr_at(progress, a.lr)
        opt.param_groups[0]["lr"] = lr
        # the encoder (group 1) stays at its random but informative initialisation until the denoiser has
        # learned to read it; trained from the first step, it collapsed to a constant the denoiser ignored
        opt.param_groups[1]["lr"] = 0.0 if progress < a.encoder_frozen else lr * a.encoder_lr
        idx = [rnd.randrange(n) for _ in range(a.batch)]
        keys = [("s1:" if stage == 1 else "s2:") + specs[i]["id"] for i in idx]
        x0 = to_video(np.stack([videos[i] for i in idx]))
        samples, pixels = prompts.batch(keys)
        cond, mask = enc(samples, pixels)
        drop = (torch.rand(a.batch, generator=g) < COND_DROP).float().reshape(-1, 1)
        cond = cond * (1 - drop).unsqueeze(-1)
        mask = mask * (1 - drop)
        sigma = sample_sigma(a.batch, g)
        s5 = sigma.reshape(-1, 1, 1, 1, 1)
        xn = x0 + torch.randn(x0.shape, generator=g) * s5
        f = den(xn * vt.c_in(s5), vt.c_noise(sigma), cond, mask, fps, res)
        target = (x0 - vt.c_skip(s5) * xn) / vt.c_out(s5)
        loss = (f - target).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        ema_update(ema, model, min(a.ema, (1 + state["step"]) / (10 + state["step"])))
        state["seconds"] += time.time() - t0
        losses.append(loss.item())
        if state["step"] % a.log_every == 0:
            dt = time.time() - t_log
            t_log = time.time()
            log("step %d stage %d lr %.2e loss %.4f  %.2f s/step  %.1f/%.0f min (%.1f min in all)"
                % (state["step"], stage, lr, float(np.mean(losses)), dt / a.log_every, (state["seconds"] - start) / 60,
                   a.minutes, state["seconds"] / 60), logf)
            losses = []
        if time.time() - last_save > a.save_minutes * 60:
            save(path, {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                        "config": BASE_CONFIG})
            last_save = time.time()
    save(path, {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                "config": BASE_CONFIG})
    log("base: done at step %d after %.1f min of training" % (state["step"], state["seconds"] / 60), logf)


# ------------------------------------------------------------------------------------------------
# upsampler


def train_upsampler(a):
    import copy
    torch.manual_seed(a.seed + 1)
    specs = [json.loads(l) for l in open(os.path.join(DATA, "train.jsonl"), encoding="utf-8")]
    videos = np.load(os.path.join(DATA, "train_base.npy"), mmap_mode="r")
    sprites = gen.SpriteCache(gen.DEFAULT_MEMORY)
    up = vt.Upsampler(**UP_CONFIG)
    ema = copy.deepcopy(up).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(up.parameters(), lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    path = os.path.join(CKPT, "upsampler.pt")
    state = {"step": 0, "seconds": 0.0}
    if os.path.exists(path):
        ck = torch.load(path)
        if ck.get("config") != UP_CONFIG:
            raise SystemExit("%s was trained with config %s, not %s: move it away to start afresh"
                             % (path, ck.get("config"), UP_CONFIG))
        up.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        if a.new_schedule:
            state["schedule_start"] = state["seconds"]
    logf = open(os.path.join(WORK, "train_upsampler.log"), "a")
    log("upsampler: %d params; resuming at step %d" % (vt.count_params(up), state["step"]), logf)
    rnd = random.Random(a.seed + 7 + state["step"])
    g = torch.Generator().manual_seed(a.seed + 7 + state["step"])
    budget = a.minutes * 60.0
    last_save = time.time()
    t_log = time.time()
    losses = []
    ct, ch, cw = 8, 36, 64  # training crops (the network is convolutional in space and time)
    start = state.get("schedule_start", 0.0)
    while state["seconds"] - start < budget:
        t0 = time.time()
        lr = lr_at((state["seconds"] - start) / budget, a.lr)
        for grp in opt.param_groups:
            grp["lr"] = lr
        hrs, lows = [], []
        for _ in range(a.batch):
            i = rnd.randrange(len(specs))
            hr = to_video(gen.to_uint8(gen.render(specs[i], sprites))[None])
            low = to_video(np.asarray(videos[i])[None])
            # the base stage's videos are not the clean clips: they keep some noise and blur, so the
            # upsampler learns on corrupted low-res inputs (noise conditioning augmentation, as in
            # cascaded diffusion) and cleans them instead of copying their noise up
            low = low + torch.randn(low.shape, generator=g) * rnd.uniform(0.0, UP_LOWRES_NOISE)
            low = F.interpolate(low, size=(vt.FRAMES, vt.UP_H, vt.UP_W), mode="trilinear", align_corners=False)
            t0c = rnd.randrange(0, vt.FRAMES - ct + 1)
            y0 = rnd.randrange(0, (vt.UP_H - ch) // 4 + 1) * 4
            x0 = rnd.randrange(0, (vt.UP_W - cw) // 4 + 1) * 4
            hrs.append(hr[:, :, t0c:t0c + ct, y0:y0 + ch, x0:x0 + cw])
            lows.append(low[:, :, t0c:t0c + ct, y0:y0 + ch, x0:x0 + cw])
        x0v = torch.cat(hrs)
        lowv = torch.cat(lows)
        sigma = sample_sigma(a.batch, g, UP_P_MEAN, UP_P_STD, UP_SIGMA_MAX)
        s5 = sigma.reshape(-1, 1, 1, 1, 1)
        xn = x0v + torch.randn(x0v.shape, generator=g) * s5
        f = up(xn * vt.c_in(s5), lowv, vt.c_noise(sigma))
        target = (x0v - vt.c_skip(s5) * xn) / vt.c_out(s5)
        loss = (f - target).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(up.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        ema_update(ema, up, min(a.ema, (1 + state["step"]) / (10 + state["step"])))
        state["seconds"] += time.time() - t0
        losses.append(loss.item())
        if state["step"] % a.log_every == 0:
            dt = time.time() - t_log
            t_log = time.time()
            log("up step %d lr %.2e loss %.4f  %.2f s/step  %.1f/%.0f min"
                % (state["step"], lr, float(np.mean(losses)), dt / a.log_every, state["seconds"] / 60, a.minutes), logf)
            losses = []
        if time.time() - last_save > a.save_minutes * 60:
            save(path, {"model": up.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                        "config": UP_CONFIG})
            last_save = time.time()
    save(path, {"model": up.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                "config": UP_CONFIG})
    log("upsampler: done at step %d after %.1f min" % (state["step"], state["seconds"] / 60), logf)


def main():
    global P_MEAN, P_STD, LOGUNIFORM_SHARE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["base", "upsampler"])
    ap.add_argument("--minutes", type=float, default=60.0, help="training-time budget")
    ap.add_argument("--stage1", type=float, default=0.55, help="fraction of the budget spent in stage 1")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ema", type=float, default=0.995)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--encoder-frozen", type=float, default=0.3,
                    help="fraction of the budget the encoder stays frozen at its initialisation")
    ap.add_argument("--new-schedule", action="store_true",
                    help="resume weights and optimizer but start a new --minutes budget (stage switch, lr decay)")
    ap.add_argument("--encoder-lr", type=float, default=0.3,
                    help="the encoder's learning rate, after --encoder-frozen, as a fraction of the denoiser's")
    ap.add_argument("--p-mean", type=float, default=P_MEAN)
    ap.add_argument("--p-std", type=float, default=P_STD)
    ap.add_argument("--log-uniform", type=float, default=LOGUNIFORM_SHARE,
                    help="share of noise levels drawn log-uniformly over [sigma_min, sigma_max]")
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--save-minutes", type=float, default=3.0)
    a = ap.parse_args()
    P_MEAN, P_STD, LOGUNIFORM_SHARE = a.p_mean, a.p_std, a.log_uniform
    torch.set_num_threads(a.threads)
    os.makedirs(CKPT, exist_ok=True)
    if a.what == "base":
        train_base(a)
    else:
        train_upsampler(a)


if __name__ == "__main__":
    main()
