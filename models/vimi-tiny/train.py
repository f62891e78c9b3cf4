#!/usr/bin/python3
"""Trains ViMi-tiny's three stages as long, resumable jobs:

  base   the condition encoder's vision tower, projector and fusion network together with the base
         denoiser (16 frames at 18x32), on the paper's prompts: retrieval-augmented t2v prompts built by
         the SDK (pretraining) mixed with the three instruction-tuning tasks (subject, predict, t2v);
  sr     the 2x super-resolution stage 18x32 -> 36x64 (unconditional but for the noise level), a correction
         to the Gaussian estimate from the resized low-res video (vimi_tiny.LowResPrior);
  upsampler  the 2x stage 36x64 -> 72x128, the same design (`--init-bundle` instead trains the committed
         bundle's upsampler further, as it is).

Prerequisites (README.md): work/data from data/generate.py, work/data/augmented.jsonl from the SDK's
dataset builder, work/data/prompts.jsonl from prompts.py and work/data/text_states.{f16,jsonl} from
tools/TextStates.java.

    /usr/bin/python3 models/vimi-tiny/train.py base --minutes 60      # resumes from work/ckpt/base.pt
    /usr/bin/python3 models/vimi-tiny/train.py sr --minutes 30        # resumes from work/ckpt/sr.pt

Clips are drawn on the fly: every use of a caption (30,000 of them: subject, motion, speed, background,
task) renders a fresh trajectory, so the model never sees the same clip twice. A job runs for --minutes
of this invocation and can be resumed any number of times; progress is counted in clips seen and CPU
seconds, kept in the checkpoint. Every --eval-minutes the base job saves its checkpoint and runs the quick
evaluation (quick_eval.py: the pooled probe and sampled clips of the evaluation set), appending one line
to work/curve.jsonl: the learning curve.

EDM: sigma_data 0.5; the loss is the EDM-weighted denoising loss written on F (weight 1 on
(F - F_target)^2). 10% of samples get the empty conditioning (all-zero tokens, all-zero mask: what the
SDK's encoder returns as empty()) for classifier-free guidance.
"""

import argparse
import copy
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

# everything a run writes or reads that is not committed (VIMI_TINY_WORK moves it, e.g. for a dry run beside a job)
WORK = os.environ.get("VIMI_TINY_WORK", os.path.join(HERE, "work"))
DATA = os.path.join(WORK, "data")
CKPT = os.path.join(WORK, "ckpt")
CURVE = os.path.join(WORK, "curve.jsonl")

SIGMA_MIN, SIGMA_MAX = 0.002, 80.0
COND_DROP = 0.10

# the base stage: 16 frames at 18x32 (the 36x64 clip averaged 2x2), patches of 2x3x4 voxels (8x6x8 tokens)
BASE_CONFIG = dict(d=128, depth=4, heads=4, e=128, mlp=2, c=32, patch=[2, 3, 4], frames=16, height=18, width=32,
                   pool=4)
# 18x32 -> 36x64 and 36x64 -> 72x128
SR_CONFIG = dict(width=48, depth=4, e=64, s2d=2, c=16, prior=True)
UP_CONFIG = dict(width=48, depth=4, e=64, s2d=4, c=16, prior=True)
# the first ViMi-tiny's upsampler (in the bundles up to v4), without the low-res prior
UP_CONFIG_V1 = dict(width=48, depth=4, e=64, s2d=4, c=16)
# given the low-res video, the 2x stages start from sigma 4: a clip at sigma 4 is no more ambiguous than
# pure noise next to it, so steps above it would be spent on nothing
UP_SIGMA_MAX = 4.0
UP_P_MEAN, UP_P_STD = -0.8, 1.2
# the low-res input's corruption: Gaussian noise with a std uniform in [0, this]. The input is the stage below's
# sample, whose leftover noise is a std of 0.01-0.014 (on [-1, 1]); the first 2x stages used 0.25, learned to
# expect far noisier inputs than they get, and drew noise of their own (sr: frame-to-frame difference 0.057 on
# true base-size clips, where a plain resize gives 0.004)
LOWRES_NOISE = 0.04
PRIOR_NLL = 0.1  # weight of the 2x stages' variance-map likelihood (vimi_tiny.LowResPrior)


def log(msg, f=None):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    if f is not None:
        f.write(line + "\n")
        f.flush()


def sample_sigma(n, g, p_mean, p_std, share, sigma_max=SIGMA_MAX):
    """log-normal (p_mean, p_std) with probability 1 - share, else log-uniform over [SIGMA_MIN, sigma_max]."""
    dev = g.device
    ln = torch.randn(n, generator=g, device=dev) * p_std + p_mean
    uni = torch.rand(n, generator=g, device=dev) * (math.log(sigma_max) - math.log(SIGMA_MIN)) + math.log(SIGMA_MIN)
    pick = torch.rand(n, generator=g, device=dev) < share
    return torch.clamp(torch.exp(torch.where(pick, uni, ln)), SIGMA_MIN, sigma_max)


def to_video(frames):
    """float [B, T, H, W, 3] in [0, 1] (numpy) -> [B, 3, T, H, W] in [-1, 1]."""
    t = torch.from_numpy(np.ascontiguousarray(frames, dtype=np.float32))
    return (t * 2.0 - 1.0).permute(0, 4, 1, 2, 3).contiguous()


def quantise(frames):
    """What a clip is once stored as 8-bit: the data the SDK's users and the eval set have."""
    return np.round(np.clip(frames, 0, 1) * 255.0) / 255.0


# ------------------------------------------------------------------------------------------------
# data


class Clips:
    """Training clips rendered on the fly from the captions: a fresh trajectory per draw."""

    def __init__(self, memory=gen.DEFAULT_MEMORY):
        self.specs = [json.loads(l) for l in open(os.path.join(DATA, "train.jsonl"), encoding="utf-8")]
        self.sprites = gen.SpriteCache(memory)

    def draw(self, i, rnd, start_span=1.0):
        """(spec, trajectory, 36x64 clip float [16, 36, 64, 3] in [0, 1]); start_span: gen.trajectory's."""
        spec = self.specs[i]
        traj = gen.trajectory(spec["motion"], spec["speed"], rnd, start_span=start_span)
        clip = quantise(gen.render(spec, self.sprites, vt.BASE_H, vt.BASE_W, trajectory=traj))
        return spec, traj, clip

    def first_frame(self, spec, traj):
        """The 72x128 first frame, uint8 RGB (the predict task's image)."""
        return gen.to_uint8(gen.render(spec, self.sprites, trajectory=traj[:1])[0])


class BaseBatches(torch.utils.data.IterableDataset):
    """Endless training batches of the base stage: (x0 [B, 3, 16, 18, 32], prompt keys, first frames or None).
    Drawn in the training process (workers=0) or in DataLoader worker processes, each with its own seed."""

    def __init__(self, batch, seed, s1_share, tasks, start_span=1.0, start_share=0.0):
        super().__init__()
        # a share of the clips starts their sprite on the side it comes from (gen.trajectory's start_span):
        # where the sprite is in frame t then follows from the motion words, as the background follows from
        # the colour word, instead of from the start the sampler's noise picks
        self.start_span = start_span
        self.start_share = start_share
        self.batch = batch
        self.seed = seed
        self.s1_share = s1_share
        self.tasks = tasks  # prompt key -> task
        self.clips = None

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info is not None else 0
        rnd = random.Random(self.seed * 7919 + wid)
        if self.clips is None:
            self.clips = Clips()
        clips = self.clips
        while True:
            drawn = [clips.draw(rnd.randrange(len(clips.specs)), rnd,
                                self.start_span if rnd.random() < self.start_share else 1.0)
                     for _ in range(self.batch)]
            keys = [mixture_key(spec, rnd, self.s1_share) for spec, _, _ in drawn]
            firsts = [clips.first_frame(spec, traj) if self.tasks[k] == "predict" else None
                      for (spec, traj, _), k in zip(drawn, keys)]
            small = np.stack([half(c) for _, _, c in drawn])  # [B, T, H, W, 3] in [0, 1]
            bgs = np.stack([np.asarray(gen.BACKGROUNDS[spec["background"]], dtype=np.float32) / 255.0
                            for spec, _, _ in drawn]).reshape(-1, 1, 1, 1, 3)
            sprite = (np.abs(small - bgs).sum(-1) > 0.06).astype(np.float32)  # [B, T, H, W]
            yield to_video(small), keys, firsts, torch.from_numpy(sprite).unsqueeze(1)


def half(frames):
    """2x2 mean in space: [..., 2h, 2w, 3] -> [..., h, w, 3]."""
    *lead, h, w, c = frames.shape
    return frames.reshape(*lead, h // 2, 2, w // 2, 2, c).mean(axis=(-4, -2))


class Prompts:
    """The prompts, their MiniLM states (from the SDK) and their images (preprocessed once)."""

    def __init__(self, clips, memory):
        self.clips = clips
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

    def image(self, ref, first_frame=None):
        if ref == "first_frame":
            return vt.preprocess_image(np.asarray(first_frame))  # a DataLoader hands numpy arrays over as tensors
        t = self.images.get(ref)
        if t is None:
            kind, path = ref.split(":", 1)
            base = gen.REPO if kind == "file" else self.memory
            arr = np.asarray(Image.open(os.path.join(base, path)).convert("RGBA" if kind != "file" else "RGB"))
            t = vt.preprocess_image(arr)
            self.images[ref] = t
        return t

    def batch(self, keys, first_frames=None):
        """Everything the encoder needs for a batch: text states per sample, the layout and the images."""
        out = []
        pixels = []
        for j, key in enumerate(keys):
            p = self.by_key[key]
            r = self.index[key]
            st = torch.from_numpy(np.asarray(self.states[r["offset"]:r["offset"] + r["n"]], dtype=np.float32))
            layout = [("t", 0, 1)]  # [CLS]; then ("t", start, count) over st, or ("i", image index in pixels)
            at = 1
            img_i = 0
            for c in r["counts"]:
                if c < 0:
                    ff = first_frames[j] if first_frames is not None else None
                    pixels.append(self.image(p["images"][img_i], ff))
                    layout.append(("i", len(pixels) - 1))
                    img_i += 1
                elif c > 0:
                    layout.append(("t", at, c))
                    at += c
            layout.append(("t", at, 1))  # [SEP]
            assert at + 1 == r["n"], key
            out.append((st, layout))
        return out, (torch.stack(pixels) if pixels else None)

    def encode(self, enc, keys, first_frames=None):
        samples, pixels = self.batch(keys, first_frames)
        dev = next(enc.parameters()).device
        if dev.type != "cpu":
            samples = [(st.to(dev), lay) for st, lay in samples]
            pixels = pixels.to(dev) if pixels is not None else None
        return enc(samples, pixels)


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
        dev = self.fusion.pos.device
        hs = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
        am = torch.zeros(b, n, dtype=torch.long)
        mi = torch.zeros(b, n, dtype=torch.long)
        for i, (s, m) in enumerate(zip(seqs, mods)):
            am[i, :s.shape[0]] = 1
            mi[i, :s.shape[0]] = torch.tensor(m)
        am = am.to(dev)
        c = self.fusion(hs, am, mi.to(dev)) * am.unsqueeze(-1).float()
        cond = torch.zeros(b, length, vt.COND_DIM, device=dev)
        cond[:, :n] = c
        mask = torch.zeros(b, length, device=dev)
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


def load_base(path, raw=False):
    """(encoder, denoiser, config) of a base checkpoint, EMA weights unless raw, in eval mode."""
    ck = vt.load(path, map_location="cpu")
    model = torch.nn.ModuleDict({"encoder": Encoder(), "denoiser": vt.BaseDenoiser(**ck["config"])})
    model.load_state_dict(ck["model"] if raw else ck["ema"])
    cfg = dict(frames=vt.FRAMES, height=vt.BASE_H, width=vt.BASE_W)
    cfg.update(ck["config"])
    return model["encoder"].eval(), model["denoiser"].eval(), cfg


# ------------------------------------------------------------------------------------------------
# base stage


def mixture_key(spec, rnd, s1_share):
    """Stage-1 prompt (retrieval-augmented t2v) or the caption's instruction-tuning task prompt."""
    return ("s1:" if rnd.random() < s1_share else "s2:") + spec["id"]


def train_base(a):
    import quick_eval as qe
    torch.manual_seed(a.seed)
    prompts = Prompts(None, gen.DEFAULT_MEMORY)
    enc = Encoder()
    cfg = dict(BASE_CONFIG)
    if a.frame_mod:
        cfg["frame_mod"] = True
    if a.joint:
        cfg["joint"] = True
    if a.aux > 0:
        cfg["aux"] = True
    if a.smooth:
        cfg["smooth"] = True
    if a.spacetime:
        cfg["spacetime"] = True
    if a.layout > 0:
        cfg["layout"] = True
    if a.layout_pixel:
        if a.layout <= 0:
            raise SystemExit("--layout-pixel needs --layout W (the prior it renders)")
        cfg["layout_pixel"] = True
    if a.layout_look:
        if not a.layout_pixel:
            raise SystemExit("--layout-look needs --layout-pixel (the path it paints through)")
        cfg["layout_look"] = True
    den = vt.BaseDenoiser(**cfg)
    model = torch.nn.ModuleDict({"encoder": enc, "denoiser": den})
    st = np.asarray(prompts.states[::13], dtype=np.float32)
    enc.fusion.in_mean.copy_(torch.from_numpy(st.mean(0)))
    enc.fusion.in_std.copy_(torch.from_numpy(np.maximum(st.std(0), 0.05)))
    dev = torch.device(a.device)
    model.to(dev)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW([{"params": list(den.parameters())}, {"params": list(enc.parameters())}],
                            lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    path = os.path.join(CKPT, "base.pt")
    state = {"step": 0, "clips": 0, "cpu_s": 0.0, "seconds": 0.0}
    rewarm_from = 0  # the step the learning-rate warm-up counts from
    os.makedirs(WORK, exist_ok=True)
    logf = open(os.path.join(WORK, "train_base.log"), "a")
    if os.path.exists(path):
        ck = vt.load(path, map_location=dev)
        old = dict(ck.get("config") or {})
        added = [k for k in ("aux", "smooth", "spacetime", "layout", "layout_pixel", "layout_look") if cfg.get(k) and not old.get(k)]
        if added:
            # parts that join a run under way (new heads or paths that start silent; the rest continues as it was)
            for k in added:
                old[k] = True
            log("adding %s to the run at %d clips" % (", ".join(added), ck["state"]["clips"]), logf)
            model.load_state_dict(ck["model"], strict=False)
            ema.load_state_dict(ck["ema"], strict=False)
            if "aux" in added:
                ema["denoiser"].aux_head.load_state_dict(den.aux_head.state_dict())
            if "smooth" in added:
                ema["denoiser"].smooth.load_state_dict(den.smooth.state_dict())
            if "layout" in added:
                ema["denoiser"].layout_mlp.load_state_dict(den.layout_mlp.state_dict())
                ema["denoiser"].layout_in.data.copy_(den.layout_in.data)
            if "layout_pixel" in added:
                ema["denoiser"].layout_px.data.copy_(den.layout_px.data)
            if "layout_look" in added:
                ema["denoiser"].look_q.data.copy_(den.look_q.data)
                ema["denoiser"].look_out.load_state_dict(den.look_out.state_dict())
            if "spacetime" in added:
                for eb, mb in zip(ema["denoiser"].blocks, den.blocks):
                    eb.st.load_state_dict(mb.st.state_dict())
            fresh = torch.optim.AdamW([{"params": list(den.parameters())}, {"params": list(enc.parameters())}],
                                      lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
            opt = fresh  # the moments of the old parameters restart too (they re-estimate within ~100 steps)
            ck["state"].setdefault("changes", []).append({"clips": ck["state"]["clips"], "change": "+" + "+".join(added)})
        else:
            model.load_state_dict(ck["model"])
            ema.load_state_dict(ck["ema"])
            if "opt" in ck:
                opt.load_state_dict(ck["opt"])
            else:
                # a portable checkpoint (tools/portable_ckpt.py: weights, EMA and progress without the optimizer's
                # moments, small enough to travel): the moments restart and the learning rate warms up again
                rewarm_from = ck["state"]["step"]
                log("no optimizer state in %s: AdamW's moments restart, the learning rate re-warms over %d steps"
                    % (path, a.warmup), logf)
        if old != cfg:
            raise SystemExit("%s was trained with config %s, not %s: move it away to start afresh"
                             % (path, ck.get("config"), cfg))
        state = ck["state"]
    recipe = {k: getattr(a, k) for k in ("batch", "lr", "p_mean", "p_std", "log_uniform", "s1_share", "aux", "encoder_lr",
                                         "encoder_frozen", "ema", "device", "start_span", "start_share", "layout", "layout_pixel", "layout_look")}
    runs = state.setdefault("runs", [])
    if not runs or runs[-1]["recipe"] != recipe:
        runs.append({"clips": state["clips"], "recipe": recipe, "time": time.strftime("%Y-%m-%d %H:%M:%S")})
    log("base: %d params in the denoiser, %d in the encoder; at step %d, %d clips, %.2f CPU-h; this run: %.0f min"
        % (vt.count_params(den), vt.count_params(enc), state["step"], state["clips"], state["cpu_s"] / 3600, a.minutes),
        logf)
    g = torch.Generator(device=dev).manual_seed(a.seed * 1000003 + state["step"])
    b = a.batch
    fps = torch.full((b,), gen.FPS, device=dev)
    res = torch.tensor([[float(cfg["height"]), float(cfg["width"])]] * b, device=dev)
    source = BaseBatches(b, a.seed * 1000003 + state["step"], a.s1_share,
                         {k: p["task"] for k, p in prompts.by_key.items()}, a.start_span, a.start_share)
    loader_args = dict(num_workers=a.workers, persistent_workers=True, prefetch_factor=4) if a.workers > 0 else {}
    batches = iter(torch.utils.data.DataLoader(source, batch_size=None, **loader_args))
    shape = (3, cfg["frames"], cfg["height"], cfg["width"])
    eval_items = qe.pick_items(a.eval_items)
    probe_items = qe.pick_items(80)
    t_end = time.time() + a.minutes * 60.0
    last_eval = time.time()
    losses = []
    t_log = time.time()

    def checkpoint_and_eval(final=False):
        save(path, {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                    "config": cfg})
        t0 = time.time()
        point = {"step": state["step"], "clips": state["clips"], "cpu_h": round(state["cpu_s"] / 3600, 3),
                 "recipe": recipe, "config": cfg,
                 "loss": round(float(np.mean(state.get("recent_losses", [float("nan")]))), 4),
                 "lr": opt.param_groups[0]["lr"], "time": time.strftime("%Y-%m-%d %H:%M:%S")}
        e_enc, e_den = ema["encoder"], ema["denoiser"]
        point.update(qe.probe(e_enc, e_den, prompts, probe_items, shape))
        point["samples"] = qe.samples(e_enc, e_den, prompts, eval_items, shape)
        point["eval_s"] = round(time.time() - t0, 1)
        with open(CURVE, "a") as f:
            f.write(json.dumps(point) + "\n")
        s = point["samples"]
        log("eval @ %d clips (%.2f CPU-h): probe bg %.0f%% motion %.0f%% | samples bg %.0f%% motion %.0f%% id %.0f%% "
            "noise %.3f | %.0f s" % (state["clips"], state["cpu_s"] / 3600, 100 * point["probe_background"],
                                     100 * point["probe_motion"], 100 * s["background"], 100 * s["motion"],
                                     100 * s["identity"], s["border_noise"], point["eval_s"]), logf)
        if "probe_layout_motion" in point:
            log("  layout prior's own motion sign %.0f%%" % (100 * point["probe_layout_motion"]), logf)

    while time.time() < t_end:
        c0 = time.process_time()
        w0 = time.time()
        warm = min(1.0, (state["step"] + 1 - rewarm_from) / a.warmup)
        lr = a.lr * warm
        opt.param_groups[0]["lr"] = lr
        # the encoder (group 1) stays at its random but informative initialisation for the first clips, until
        # the denoiser reads it: trained from the first step, an earlier encoder collapsed to a constant
        opt.param_groups[1]["lr"] = 0.0 if state["clips"] < a.encoder_frozen else lr * a.encoder_lr
        x0, keys, firsts, sprite = next(batches)
        x0 = x0.to(dev, non_blocking=True)
        sprite = sprite.to(dev, non_blocking=True)
        cond, mask = prompts.encode(enc, keys, firsts)
        drop = (torch.rand(b, generator=g, device=dev) < COND_DROP).float().reshape(-1, 1)
        cond = cond * (1 - drop).unsqueeze(-1)
        mask = mask * (1 - drop)
        sigma = sample_sigma(b, g, a.p_mean, a.p_std, a.log_uniform)
        s5 = sigma.reshape(-1, 1, 1, 1, 1)
        xn = x0 + torch.randn(x0.shape, generator=g, device=dev) * s5
        f, aux, layout = den.forward_aux(xn * vt.c_in(s5), vt.c_noise(sigma), cond, mask, fps, res)
        target = (x0 - vt.c_skip(s5) * xn) / vt.c_out(s5)
        loss = (f - target).pow(2).mean()
        total = loss
        if aux is not None:
            # where the sprite is and what it looks like, from the same features (BCE on the mask; the colour
            # error on the sprite's pixels only): weight on the sprite without biasing F's head
            aux_mask = F.binary_cross_entropy_with_logits(aux[:, :1], sprite)
            aux_rgb = ((aux[:, 1:] - x0).pow(2) * sprite).sum() / (3 * sprite.sum() + 1.0)
            total = loss + a.aux * (aux_mask + aux_rgb)
            state["recent_aux"] = (state.get("recent_aux", []) + [float(aux_mask), float(aux_rgb)])[-400:]
        if layout is not None:
            # the layout prior's target: each token's share of sprite pixels in the clean clip (pooled over the
            # token's patch); a prediction from the prompt alone, so it learns E[coverage | prompt]. Rows
            # whose conditioning was dropped learn the unconditional coverage
            cover = F.avg_pool3d(sprite, den.patch_size).flatten(1)  # [B, gt*gh*gw]
            lay = F.binary_cross_entropy_with_logits(layout, cover)
            total = total + a.layout * lay
            state["recent_layout"] = (state.get("recent_layout", []) + [float(lay)])[-200:]
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["clips"] += b
        ema_update(ema, model, min(a.ema, (1 + state["step"]) / (10 + state["step"])))
        state["cpu_s"] += time.process_time() - c0
        state["seconds"] += time.time() - w0
        losses.append(loss.item())
        state["recent_losses"] = (state.get("recent_losses", []) + [loss.item()])[-200:]
        if state["step"] % a.log_every == 0:
            dt = time.time() - t_log
            t_log = time.time()
            aux_txt = ""
            if state.get("recent_aux"):
                ra = state["recent_aux"][-2 * a.log_every:]
                aux_txt = "  aux mask %.4f rgb %.4f" % (float(np.mean(ra[0::2])), float(np.mean(ra[1::2])))
            if state.get("recent_layout"):
                aux_txt += "  layout %.4f" % float(np.mean(state["recent_layout"][-a.log_every:]))
            log("step %d clips %d lr %.2e loss %.4f%s  %.2f s/step  %.2f CPU-h" % (
                state["step"], state["clips"], lr, float(np.mean(losses)), aux_txt, dt / a.log_every,
                state["cpu_s"] / 3600), logf)
            losses = []
        if time.time() - last_eval > a.eval_minutes * 60:
            checkpoint_and_eval()
            last_eval = time.time()
    checkpoint_and_eval(final=True)
    log("base: stopped at step %d, %d clips, %.2f CPU-h" % (state["step"], state["clips"], state["cpu_s"] / 3600), logf)


# ------------------------------------------------------------------------------------------------
# the 2x stages


def train_2x(a, which):
    """sr: 18x32 -> 36x64; upsampler: 36x64 -> 72x128. Unconditional but for the noise level."""
    torch.manual_seed(a.seed + 1)
    clips = Clips()
    config = SR_CONFIG if which == "sr" else UP_CONFIG
    if which == "upsampler" and a.init_bundle:
        bundled = os.path.join(HERE, "bundle", "upsampler.pt")
        if not vt.LowResPrior.in_weights(torch.jit.load(bundled, map_location="cpu").state_dict()):
            config = UP_CONFIG_V1  # the first ViMi-tiny's upsampler, trained further as it is
    net = vt.Upsampler(**config)
    if which == "upsampler" and a.init_bundle:
        vt.load_torchscript_weights(net, bundled)
    ema = copy.deepcopy(net).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, betas=(0.9, 0.99), weight_decay=0.01)
    path = os.path.join(CKPT, which + ".pt")
    state = {"step": 0, "clips": 0, "cpu_s": 0.0, "seconds": 0.0}
    if os.path.exists(path):
        ck = vt.load(path)
        if ck.get("config") != config:
            raise SystemExit("%s was trained with config %s, not %s: move it away to start afresh"
                             % (path, ck.get("config"), config))
        net.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
    logf = open(os.path.join(WORK, "train_%s.log" % which), "a")
    log("%s: %d params; at step %d, %d clips" % (which, vt.count_params(net), state["step"], state["clips"]), logf)
    rnd = random.Random(a.seed * 7 + state["step"])
    g = torch.Generator().manual_seed(a.seed * 7 + state["step"])
    t_end = time.time() + a.minutes * 60.0
    last_save = time.time()
    t_log = time.time()
    def draw_batch():
        """(clean clips, resized corrupted low-res inputs) of one batch."""
        hrs, lows = [], []
        for _ in range(a.batch):
            i = rnd.randrange(len(clips.specs))
            spec, traj, clip = clips.draw(i, rnd)
            if which == "sr":
                hr = to_video(clip[None])
                low = to_video(quantise(half(clip))[None])
                crop = None
            else:
                hr = to_video(quantise(gen.render(spec, clips.sprites, trajectory=traj))[None])
                low = to_video(clip[None])
                crop = (8, 36, 64)  # training crops (the network is convolutional in space and time)
            # the stage below's videos are not the clean clips: they keep some noise and blur, so the stage learns on
            # corrupted low-res inputs (noise conditioning augmentation, as in cascaded diffusion) and cleans them
            low = low + torch.randn(low.shape, generator=g) * rnd.uniform(0.0, LOWRES_NOISE)
            low = F.interpolate(low, size=hr.shape[2:], mode="trilinear", align_corners=False)
            if crop is not None:
                ct, ch, cw = crop
                t0c = rnd.randrange(0, hr.shape[2] - ct + 1)
                y0 = rnd.randrange(0, (hr.shape[3] - ch) // 4 + 1) * 4
                x0 = rnd.randrange(0, (hr.shape[4] - cw) // 4 + 1) * 4
                hr = hr[:, :, t0c:t0c + ct, y0:y0 + ch, x0:x0 + cw]
                low = low[:, :, t0c:t0c + ct, y0:y0 + ch, x0:x0 + cw]
            hrs.append(hr)
            lows.append(low)
        return torch.cat(hrs), torch.cat(lows)

    if a.fit_prior and config.get("prior"):
        # the prior's variance map alone, on its likelihood; its output's offset at the learning rate a log-scale
        # output needs (at the recipe's 1e-3 it moves about 0.001 a step, and the background's s must go from 0.05
        # to ~0.01), its weights at the recipe's (at 3e-2 they overshot within 60 batches)
        prior_params = list(net.low_res_prior.parameters())
        last = net.low_res_prior.log_s2[2].bias
        popt = torch.optim.Adam([{"params": [p for p in prior_params if p is not last], "lr": 1e-3},
                                 {"params": [last], "lr": 3e-2}])
        for k in range(a.fit_prior):
            x0v, lowv = draw_batch()
            nll = net.low_res_prior.nll(x0v, lowv)
            popt.zero_grad(set_to_none=True)
            nll.backward()
            popt.step()
            state["prior_fit_clips"] = state.get("prior_fit_clips", 0) + a.batch
            if (k + 1) % 20 == 0:
                with torch.no_grad():
                    median_s = float(torch.exp(0.5 * net.low_res_prior.log_var(lowv)).median())
                log("%s prior fit %d/%d: nll %.4f, median s %.4f" % (which, k + 1, a.fit_prior, nll.item(), median_s),
                    logf)
        with torch.no_grad():
            for pe, pn in zip(ema.low_res_prior.parameters(), prior_params):
                pe.copy_(pn)
    losses = []
    while time.time() < t_end:
        c0 = time.process_time()
        w0 = time.time()
        lr = a.lr * min(1.0, (state["step"] + 1) / a.warmup)
        for grp in opt.param_groups:
            grp["lr"] = lr
        x0v, lowv = draw_batch()
        sigma = sample_sigma(a.batch, g, UP_P_MEAN, UP_P_STD, 0.25, UP_SIGMA_MAX)
        s5 = sigma.reshape(-1, 1, 1, 1, 1)
        xn = x0v + torch.randn(x0v.shape, generator=g) * s5
        f = net(xn * vt.c_in(s5), lowv, vt.c_noise(sigma))
        target = (x0v - vt.c_skip(s5) * xn) / vt.c_out(s5)
        loss = (f - target).pow(2).mean()
        if config.get("prior"):
            # the prior's s map learns the residual's variance directly (a Gaussian likelihood of clip - low-res
            # input; through the denoising loss alone it had moved from 0.05 to 0.03-0.04 on the flat background
            # after 4k clips, and the sampler drew noise of that std there)
            loss = loss + PRIOR_NLL * net.low_res_prior.nll(x0v, lowv)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["clips"] += a.batch
        ema_update(ema, net, min(a.ema, (1 + state["step"]) / (10 + state["step"])))
        state["cpu_s"] += time.process_time() - c0
        state["seconds"] += time.time() - w0
        losses.append(loss.item())
        if state["step"] % a.log_every == 0:
            dt = time.time() - t_log
            t_log = time.time()
            log("%s step %d clips %d lr %.2e loss %.4f  %.2f s/step  %.2f CPU-h" % (
                which, state["step"], state["clips"], lr, float(np.mean(losses)), dt / a.log_every,
                state["cpu_s"] / 3600), logf)
            losses = []
        if time.time() - last_save > a.save_minutes * 60:
            save(path, {"model": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                        "config": config})
            last_save = time.time()
    save(path, {"model": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "state": state,
                "config": config})
    log("%s: stopped at step %d, %d clips" % (which, state["step"], state["clips"]), logf)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["base", "sr", "upsampler"])
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock time of this run (resumable)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=300, help="steps of linear learning-rate warm-up")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (base: the GPU recipe, gpu/run.sh)")
    ap.add_argument("--workers", type=int, default=0, help="base: processes drawing the clips (0: the training process)")
    ap.add_argument("--s1-share", type=float, default=0.35,
                    help="share of stage-1 prompts (retrieval-augmented t2v) among the instruction-tuning ones")
    ap.add_argument("--encoder-frozen", type=int, default=16000, help="clips before the encoder starts training")
    ap.add_argument("--encoder-lr", type=float, default=0.5, help="the encoder's learning rate relative to the denoiser's")
    ap.add_argument("--p-mean", type=float, default=0.3)
    ap.add_argument("--p-std", type=float, default=1.4)
    ap.add_argument("--log-uniform", type=float, default=0.2,
                    help="share of noise levels drawn log-uniformly over [sigma_min, sigma_max]")
    ap.add_argument("--eval-minutes", type=float, default=15.0, help="base: checkpoint + quick evaluation interval")
    ap.add_argument("--eval-items", type=int, default=14, help="base: evaluation items sampled at each checkpoint")
    ap.add_argument("--joint", action="store_true",
                    help="base: one attention over space and time with 3-D rotary positions (vimi_tiny.JointAttention)")
    ap.add_argument("--aux", type=float, default=0.0,
                    help="base: weight of the training-only sprite head's loss (mask + colours; 0: no such head)")
    ap.add_argument("--smooth", action="store_true", help="base: the wide smoothing path (vimi_tiny.WideSmoothing)")
    ap.add_argument("--layout", type=float, default=0.0,
                    help="base: the layout prior (vimi_tiny.BaseDenoiser) and its loss weight; may join a run")
    ap.add_argument("--layout-pixel", action="store_true",
                    help="base: the layout prior also at full resolution, into the stem's features; may join a run")
    ap.add_argument("--layout-look", action="store_true",
                    help="base: the pixel path paints the subject's look read from C (vimi_tiny.BaseDenoiser)")
    ap.add_argument("--spacetime", action="store_true",
                    help="base: a space-time attention branch in every block (vimi_tiny.DenoiserBlock), may join a run")
    ap.add_argument("--frame-mod", action="store_true", help="base: adaLN per temporal position (vimi_tiny.BaseDenoiser)")
    ap.add_argument("--init-bundle", action="store_true", help="upsampler: start from the committed bundle's weights")
    ap.add_argument("--fit-prior", type=int, default=0,
                    help="sr/upsampler: first fit the low-res prior's variance map alone for this many batches")
    ap.add_argument("--start-span", type=float, default=1.0,
                    help="base: a moving sprite starts within this leading fraction of its possible starts ...")
    ap.add_argument("--start-share", type=float, default=0.0, help="base: ... in this share of the clips")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--save-minutes", type=float, default=4.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(CKPT, exist_ok=True)
    if a.what == "base":
        train_base(a)
    else:
        train_2x(a, a.what)


if __name__ == "__main__":
    main()
