#!/usr/bin/python3
"""Exports the small test denoisers that vimi's backend tests run, and their expected outputs.

The networks have the real ViMi denoiser signature (noisy video [B,C,T,H,W], c_noise or sigma [B],
conditioning [B,L,D] + mask [B,L], fps [B], resolution [B,2]) and a few real layers: 3-D convolutions,
a FiLM embedding of (noise level, fps, resolution), masked multi-head cross-attention to the
conditioning (with an always-visible learned null token, so that an all-zero mask stays finite) and
temporal self-attention. Weights are random with a fixed seed: the graphs are test fixtures, not
trained models.

Run with Debian's python3-torch (1.13) and python3-onnx:

    /usr/bin/python3 models/test-denoiser/export.py            # writes models/test-denoiser/bundle/
    /usr/bin/python3 models/test-denoiser/export.py --known      # the variant that takes conditioning frames
    /usr/bin/python3 models/test-denoiser/export.py --bench DIR  # a larger graph pair for bench/backends

Everything written is deterministic for a given torch build (seeded weights and inputs).
"""

import argparse
import hashlib
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 17


class Core(nn.Module):
    """The shared network body: conv -> FiLM(noise, fps, resolution) -> cross-attn -> temporal attn -> conv."""

    def __init__(self, in_channels: int, out_channels: int, cond_dim: int, width: int = 16, heads: int = 2):
        super().__init__()
        self.heads = heads
        self.width = width
        self.conv_in = nn.Conv3d(in_channels, width, 3, padding=1)
        self.emb = nn.Sequential(nn.Linear(4, width), nn.SiLU(), nn.Linear(width, 2 * width))
        self.norm1 = nn.GroupNorm(4, width)
        self.conv_mid = nn.Conv3d(width, width, 3, padding=1)
        self.norm2 = nn.LayerNorm(width)
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(cond_dim, width)
        self.v = nn.Linear(cond_dim, width)
        self.null_k = nn.Parameter(torch.randn(width) * 0.5)
        self.null_v = nn.Parameter(torch.randn(width) * 0.5)
        self.o = nn.Linear(width, width)
        self.norm3 = nn.LayerNorm(width)
        self.qkv_t = nn.Linear(width, 3 * width)
        self.o_t = nn.Linear(width, width)
        self.conv_out = nn.Conv3d(width, out_channels, 3, padding=1)

    def forward(self, x, c_noise, cond, mask, fps, resolution):
        b = x.shape[0]
        t = x.shape[2]
        hh = x.shape[3]
        ww = x.shape[4]
        w = self.width
        nh = self.heads
        hd = w // nh
        feats = torch.stack(
            [c_noise, torch.log(fps) / 4.0, resolution[:, 0] / 64.0, resolution[:, 1] / 64.0], dim=1)
        ss = self.emb(feats)
        scale = ss[:, :w].reshape(b, w, 1, 1, 1)
        shift = ss[:, w:].reshape(b, w, 1, 1, 1)

        h = self.conv_in(x)
        h = self.norm1(h) * (1.0 + scale) + shift
        h = F.silu(h)
        h = h + self.conv_mid(h)

        # masked cross-attention of every (t, y, x) position to the conditioning tokens
        tokens = h.flatten(2).transpose(1, 2)  # [B, N, W]
        n = tokens.shape[1]
        q = self.q(self.norm2(tokens)).reshape(b, n, nh, hd).transpose(1, 2)  # [B, nh, N, hd]
        k = torch.cat([self.null_k.reshape(1, 1, w).expand(b, 1, w), self.k(cond)], dim=1)  # [B, L+1, W]
        v = torch.cat([self.null_v.reshape(1, 1, w).expand(b, 1, w), self.v(cond)], dim=1)
        lk = k.shape[1]
        k = k.reshape(b, lk, nh, hd).transpose(1, 2)
        v = v.reshape(b, lk, nh, hd).transpose(1, 2)
        full_mask = torch.cat([torch.ones_like(mask[:, :1]), mask], dim=1)  # [B, L+1]
        bias = (full_mask - 1.0).reshape(b, 1, 1, lk) * 1e9
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(float(hd)) + bias, dim=-1)
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, n, w)
        tokens = tokens + self.o(ctx)

        # temporal self-attention at every pixel
        ht = tokens.reshape(b, t, hh * ww, w).transpose(1, 2).reshape(b * hh * ww, t, w)
        qkv = self.qkv_t(self.norm3(ht)).reshape(b * hh * ww, t, 3, nh, hd).permute(2, 0, 3, 1, 4)
        tq = qkv[0]
        tk = qkv[1]
        tv = qkv[2]
        tatt = torch.softmax(torch.matmul(tq, tk.transpose(2, 3)) / math.sqrt(float(hd)), dim=-1)
        tctx = torch.matmul(tatt, tv).transpose(1, 2).reshape(b * hh * ww, t, w)
        ht = ht + self.o_t(tctx)
        h = ht.reshape(b, hh * ww, t, w).transpose(1, 2).reshape(b, t, hh, ww, w).permute(0, 4, 1, 2, 3)

        return self.conv_out(F.silu(h))


class BaseDenoiser(nn.Module):
    """Base stage: inputs (x, c_noise, context, context_mask, fps, resolution)."""

    def __init__(self, channels: int, cond_dim: int, width: int = 16):
        super().__init__()
        self.core = Core(channels, channels, cond_dim, width)

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        return self.core(x, c_noise, context, context_mask, fps, resolution)


class UpsamplerDenoiser(nn.Module):
    """Upsampler stage: inputs (x, low_res, sigma, context, context_mask, fps, resolution); takes sigma
    instead of c_noise and computes c_noise = ln(sigma)/4 itself."""

    def __init__(self, channels: int, cond_dim: int, width: int = 16):
        super().__init__()
        self.core = Core(2 * channels, channels, cond_dim, width)

    def forward(self, x, low_res, sigma, context, context_mask, fps, resolution):
        c_noise = torch.log(sigma) / 4.0
        return self.core(torch.cat([x, low_res], dim=1), c_noise, context, context_mask, fps, resolution)


class KnownBaseDenoiser(nn.Module):
    """Base stage that takes conditioning frames: inputs (x, c_noise, context, context_mask, fps,
    resolution, known_frames, known_mask). The known frames (zeroed where the mask is 0) and the mask,
    broadcast to a channel, are concatenated with x on the channel axis."""

    def __init__(self, channels: int, cond_dim: int, width: int = 16):
        super().__init__()
        self.core = Core(2 * channels + 1, channels, cond_dim, width)

    def forward(self, x, c_noise, context, context_mask, fps, resolution, known_frames, known_mask):
        m = known_mask.reshape(known_mask.shape[0], 1, known_mask.shape[1], 1, 1).expand(
            x.shape[0], 1, x.shape[2], x.shape[3], x.shape[4])
        return self.core(torch.cat([x, known_frames * m, m], dim=1), c_noise, context, context_mask, fps, resolution)


class KnownUpsamplerDenoiser(nn.Module):
    """Upsampler that takes conditioning frames: inputs (x, low_res, sigma, context, context_mask, fps,
    resolution, known_frames, known_mask)."""

    def __init__(self, channels: int, cond_dim: int, width: int = 16):
        super().__init__()
        self.core = Core(3 * channels + 1, channels, cond_dim, width)

    def forward(self, x, low_res, sigma, context, context_mask, fps, resolution, known_frames, known_mask):
        c_noise = torch.log(sigma) / 4.0
        m = known_mask.reshape(known_mask.shape[0], 1, known_mask.shape[1], 1, 1).expand(
            x.shape[0], 1, x.shape[2], x.shape[3], x.shape[4])
        return self.core(torch.cat([x, low_res, known_frames * m, m], dim=1), c_noise, context, context_mask, fps,
                         resolution)


class HalfIO(nn.Module):
    """fp16 inputs and output around an fp32 body whose weights were rounded to fp16. ONNX Runtime's
    CPU provider has no fp16 Conv/MatMul kernels, so the arithmetic stays fp32 inside the graph; on
    CUDA a fully fp16 graph is bound the same way (the backend only sees fp16 inputs and outputs)."""

    def __init__(self, body: nn.Module):
        super().__init__()
        self.body = body

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        out = self.body(x.float(), c_noise.float(), context.float(), context_mask.float(), fps.float(),
                        resolution.float())
        return out.half()


class BadShape(nn.Module):
    """Returns one frame fewer than it was given: a graph whose output shape differs from its input."""

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        s = (c_noise.sum() + context.sum() + context_mask.sum() + fps.sum() + resolution.sum()) * 0.0
        return x[:, :, 1:] + s


class BadShapeDataDependent(nn.Module):
    """Drops the first frame too, but picks the frames with NonZero, so that no shape inference can
    know the output's frame count before the graph runs."""

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        s = (c_noise.sum() + context.sum() + context_mask.sum() + resolution.sum()) * 0.0
        first = (fps[0] > 0).long()
        keep = torch.nonzero(torch.arange(x.shape[2]) >= first).squeeze(1)
        return torch.index_select(x, 2, keep) + s


class NaNWhereNegative(nn.Module):
    """Returns sqrt(x): NaN exactly where the input is negative, so the first bad index is known."""

    def forward(self, x, c_noise, context, context_mask, fps, resolution):
        s = (c_noise.sum() + context.sum() + context_mask.sum() + fps.sum() + resolution.sum()) * 0.0
        return torch.sqrt(x) + s


BASE_INPUTS = [("x", "noisy_video"), ("c_noise", "c_noise"), ("context", "conditioning"),
               ("context_mask", "conditioning_mask"), ("fps", "fps"), ("resolution", "resolution")]
UP_INPUTS = [("x", "noisy_video"), ("low_res", "low_res_video"), ("sigma", "sigma"), ("context", "conditioning"),
             ("context_mask", "conditioning_mask"), ("fps", "fps"), ("resolution", "resolution")]
OUTPUT = "out"
KNOWN = [("known_frames", "known_frames"), ("known_mask", "known_mask")]
KNOWN_BASE_INPUTS = BASE_INPUTS + KNOWN
KNOWN_UP_INPUTS = UP_INPUTS + KNOWN


def round_weights_to_half(module: nn.Module) -> nn.Module:
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.half().float())
    return module


def make_inputs(gen, b, c, t, h, w, l, d, fps, sigmas, low_res=False):
    """Inputs as the sampler would build them: x = c_in * (data + sigma * noise) for EDM."""
    sigma = torch.tensor(sigmas, dtype=torch.float32)
    c_in = 1.0 / torch.sqrt(sigma ** 2 + 0.25)
    data = torch.randn(b, c, t, h, w, generator=gen) * 0.5
    noise = torch.randn(b, c, t, h, w, generator=gen)
    x = (data + sigma.reshape(b, 1, 1, 1, 1) * noise) * c_in.reshape(b, 1, 1, 1, 1)
    context = torch.randn(b, l, d, generator=gen)
    mask = torch.zeros(b, l)
    for i in range(b):
        valid = 1 + (i * 3 + 2) % l  # different prefix lengths per element
        mask[i, :valid] = 1.0
    context = context * mask.unsqueeze(-1)
    inputs = {
        "noisy_video": x,
        "sigma": sigma,
        "c_noise": (torch.log(sigma) / 4.0).float(),
        "conditioning": context,
        "conditioning_mask": mask,
        "fps": torch.full((b,), float(fps)),
        "resolution": torch.tensor([[float(h), float(w)]] * b),
    }
    if low_res:
        inputs["low_res_video"] = torch.clamp(torch.randn(b, c, t, h, w, generator=gen) * 0.5, -1.0, 1.0)
    return inputs


def add_known(gen, inputs, patterns):
    """known_frames (pixels in [-1, 1] where the mask is 1, zeros elsewhere) and known_mask [B, T]."""
    x = inputs["noisy_video"]
    b, c, t, h, w = x.shape
    mask = torch.tensor(patterns, dtype=torch.float32)
    frames = torch.clamp(torch.randn(b, c, t, h, w, generator=gen) * 0.5, -1.0, 1.0)
    inputs["known_mask"] = mask
    inputs["known_frames"] = frames * mask.reshape(b, 1, t, 1, 1)
    return inputs


def args_for(spec, inputs):
    return tuple(inputs[role] for _, role in spec)


def write_f32(path, tensor):
    flat = tensor.detach().float().contiguous().reshape(-1).tolist()
    with open(path, "wb") as f:
        f.write(struct.pack("<%df" % len(flat), *flat))


def write_case(out_dir, case, graph_key, inputs, expected, roles):
    """A case: one raw little-endian float32 file per input role and one for the expected output,
    and case.json that lists their shapes. The Java tests read these and compare."""
    cdir = os.path.join(out_dir, "cases", case)
    os.makedirs(cdir, exist_ok=True)
    meta = {"graph": graph_key, "inputs": {}, "expected": {}}
    for role in roles:
        t = inputs[role]
        write_f32(os.path.join(cdir, role + ".f32"), t)
        meta["inputs"][role] = {"file": role + ".f32", "shape": list(t.shape)}
    write_f32(os.path.join(cdir, "expected.f32"), expected)
    meta["expected"] = {"file": "expected.f32", "shape": list(expected.shape)}
    with open(os.path.join(cdir, "case.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")


def export_onnx(module, example, names, path, dynamic_batch=True, dynamic_output=False):
    dyn = {n: {0: "batch"} for n in names} if dynamic_batch else None
    if dyn is not None:
        dyn[OUTPUT] = {0: "batch", 1: "c", 2: "t", 3: "h", 4: "w"} if dynamic_output else {0: "batch"}
    torch.onnx.export(module, example, path, input_names=list(names), output_names=[OUTPUT],
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)
    got = [i.name for i in model.graph.input]
    if got != list(names):
        raise SystemExit("ONNX export of %s kept inputs %s, expected %s" % (path, got, names))


def export_torchscript(module, path):
    scripted = torch.jit.script(module)
    scripted.save(path)
    return scripted


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def export_bundle(out_dir):
    torch.manual_seed(20240611)
    c, t, l, d = 3, 4, 6, 16
    base_h, base_w = 8, 8
    up_h, up_w = 16, 16
    os.makedirs(out_dir, exist_ok=True)

    base = BaseDenoiser(c, d).eval()
    up = UpsamplerDenoiser(c, d).eval()
    base_names = [n for n, _ in BASE_INPUTS]
    up_names = [n for n, _ in UP_INPUTS]

    gen = torch.Generator().manual_seed(7)
    base_in = make_inputs(gen, 2, c, t, base_h, base_w, l, d, 24.0, [2.5, 0.05])
    up_in = make_inputs(gen, 2, c, t, up_h, up_w, l, d, 24.0, [1.2, 0.02], low_res=True)

    with torch.no_grad():
        base_args = args_for(BASE_INPUTS, base_in)
        up_args = args_for(UP_INPUTS, up_in)
        export_onnx(base, base_args, base_names, os.path.join(out_dir, "base.onnx"))
        export_onnx(up, up_args, up_names, os.path.join(out_dir, "upsampler.onnx"))
        export_torchscript(base, os.path.join(out_dir, "base.pt"))
        export_torchscript(up, os.path.join(out_dir, "upsampler.pt"))
        base_out = base(*base_args)
        up_out = up(*up_args)

        # fp16 variant of the base stage: fixed batch of one, fp16 inputs and output
        body = BaseDenoiser(c, d).eval()
        body.load_state_dict(base.state_dict())
        half = HalfIO(round_weights_to_half(body)).eval()
        half_in = {k: v[:1].half() for k, v in base_in.items()}
        half_args = args_for(BASE_INPUTS, half_in)
        export_onnx(half, half_args, base_names, os.path.join(out_dir, "base-fp16.onnx"), dynamic_batch=False)
        export_torchscript(half, os.path.join(out_dir, "base-fp16.pt"))
        half_out = half(*half_args)

        # broken graphs for the bad-input tests (same signature as the base stage)
        for name, module in (("bad-shape", BadShape()), ("nan", NaNWhereNegative())):
            export_onnx(module, base_args, base_names, os.path.join(out_dir, name + ".onnx"))
            export_torchscript(module, os.path.join(out_dir, name + ".pt"))
        # the same wrong shape hidden behind symbolic output dimensions: only a call can reveal it
        export_onnx(BadShapeDataDependent(), base_args, base_names, os.path.join(out_dir, "bad-shape-dynamic.onnx"),
                    dynamic_output=True)

    roles_base = [r for _, r in BASE_INPUTS] + ["sigma"]
    roles_up = [r for _, r in UP_INPUTS] + ["c_noise"]
    write_case(out_dir, "base", "base", base_in, base_out, roles_base)
    write_case(out_dir, "upsampler", "upsampler", up_in, up_out, roles_up)
    write_case(out_dir, "base-fp16", "base-fp16", {k: v.float() for k, v in half_in.items()}, half_out.float(),
               roles_base)

    write_manifest(out_dir, c, t, l, d, (base_h, base_w), (up_h, up_w))
    for case, out in (("base", base_out), ("upsampler", up_out), ("base-fp16", half_out)):
        print("%-10s output %s max|out| %.4f" % (case, tuple(out.shape), out.abs().max().item()))


def graph_entry(file, inputs, dynamic_batch=True, precision="fp32"):
    return {
        "file": file,
        "inputs": [{"name": n, "role": r} for n, r in inputs],
        "output": OUTPUT,
        "dynamic_batch": dynamic_batch,
        "precision": precision,
    }


def write_manifest(out_dir, c, t, l, d, base_hw, up_hw):
    stages = [
        {
            "name": "base",
            "channels": c, "frames": t, "height": base_hw[0], "width": base_hw[1],
            "fps": 24,
            "output_kind": "edm",
            "sigma_data": 0.5, "sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0,
            "steps": 8,
            "guidance": {"type": "constant", "scale": 3.0},
            "conditioning": {"length": l, "dim": d},
            "graphs": {
                "onnx": graph_entry("base.onnx", BASE_INPUTS),
                "pytorch": graph_entry("base.pt", BASE_INPUTS),
            },
        },
        {
            "name": "upsampler",
            "channels": c, "frames": t, "height": up_hw[0], "width": up_hw[1],
            "fps": 24,
            "output_kind": "edm",
            "sigma_data": 0.5, "sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0,
            "steps": 4,
            "guidance": {"type": "linear_ramp", "min": 1.0, "max": 2.0},
            "low_res_resize": "trilinear",
            "conditioning": {"length": l, "dim": d},
            "graphs": {
                "onnx": graph_entry("upsampler.onnx", UP_INPUTS),
                "pytorch": graph_entry("upsampler.pt", UP_INPUTS),
            },
        },
    ]
    files = sorted(f for f in os.listdir(out_dir) if f.endswith(".onnx") or f.endswith(".pt"))
    manifest = {
        "schema_version": 1,
        "name": "vimi-test-denoiser",
        "description": "Random-weight test denoisers with the ViMi signature (models/test-denoiser/export.py).",
        "stages": stages,
        "encoder": {"provider": "hashing", "settings": {"length": l, "dim": d}},
        "files": {f: sha256(os.path.join(out_dir, f)) for f in files},
    }
    with open(os.path.join(out_dir, "vimi-model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def export_known_bundle(out_dir):
    """The variant whose stages take conditioning frames (known_frames, known_mask): base T=4 at 8x8,
    upsampler T=8 at 16x16 (a temporal upsampler too, so frame indices map between stages)."""
    torch.manual_seed(20240612)
    c, l, d = 3, 6, 16
    base_t, base_h, base_w = 4, 8, 8
    up_t, up_h, up_w = 8, 16, 16
    os.makedirs(out_dir, exist_ok=True)
    base = KnownBaseDenoiser(c, d).eval()
    up = KnownUpsamplerDenoiser(c, d).eval()
    gen = torch.Generator().manual_seed(11)
    base_in = add_known(gen, make_inputs(gen, 2, c, base_t, base_h, base_w, l, d, 24.0, [2.5, 0.05]),
                        [[1, 0, 0, 0], [1, 0, 0, 1]])
    up_in = add_known(gen, make_inputs(gen, 2, c, up_t, up_h, up_w, l, d, 24.0, [1.2, 0.02], low_res=True),
                      [[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]])
    with torch.no_grad():
        base_args = args_for(KNOWN_BASE_INPUTS, base_in)
        up_args = args_for(KNOWN_UP_INPUTS, up_in)
        export_onnx(base, base_args, [n for n, _ in KNOWN_BASE_INPUTS], os.path.join(out_dir, "base.onnx"))
        export_onnx(up, up_args, [n for n, _ in KNOWN_UP_INPUTS], os.path.join(out_dir, "upsampler.onnx"))
        export_torchscript(base, os.path.join(out_dir, "base.pt"))
        export_torchscript(up, os.path.join(out_dir, "upsampler.pt"))
        base_out = base(*base_args)
        up_out = up(*up_args)
    write_case(out_dir, "base", "base", base_in, base_out, [r for _, r in KNOWN_BASE_INPUTS] + ["sigma"])
    write_case(out_dir, "upsampler", "upsampler", up_in, up_out, [r for _, r in KNOWN_UP_INPUTS] + ["c_noise"])
    stages = [
        {
            "name": "base",
            "channels": c, "frames": base_t, "height": base_h, "width": base_w,
            "fps": 24, "output_kind": "edm",
            "sigma_data": 0.5, "sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0,
            "steps": 8,
            "guidance": {"type": "constant", "scale": 3.0},
            "conditioning": {"length": l, "dim": d},
            "graphs": {
                "onnx": graph_entry("base.onnx", KNOWN_BASE_INPUTS),
                "pytorch": graph_entry("base.pt", KNOWN_BASE_INPUTS),
            },
        },
        {
            "name": "upsampler",
            "channels": c, "frames": up_t, "height": up_h, "width": up_w,
            "fps": 24, "output_kind": "edm",
            "sigma_data": 0.5, "sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0,
            "steps": 4,
            "guidance": {"type": "linear_ramp", "min": 1.0, "max": 2.0},
            "low_res_resize": "trilinear",
            "conditioning": {"length": l, "dim": d},
            "graphs": {
                "onnx": graph_entry("upsampler.onnx", KNOWN_UP_INPUTS),
                "pytorch": graph_entry("upsampler.pt", KNOWN_UP_INPUTS),
            },
        },
    ]
    files = sorted(f for f in os.listdir(out_dir) if f.endswith(".onnx") or f.endswith(".pt"))
    manifest = {
        "schema_version": 1,
        "name": "vimi-test-denoiser-known",
        "description": "Random-weight test denoisers that take conditioning frames (models/test-denoiser/export.py --known).",
        "stages": stages,
        # truncate: the task instructions alone are longer than 6 tokens (the CLI runs this bundle as is)
        "encoder": {"provider": "hashing", "settings": {"length": l, "dim": d, "truncate": True}},
        "files": {f: sha256(os.path.join(out_dir, f)) for f in files},
    }
    with open(os.path.join(out_dir, "vimi-model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    for case, out in (("base", base_out), ("upsampler", up_out)):
        print("known %-10s output %s max|out| %.4f" % (case, tuple(out.shape), out.abs().max().item()))


def export_bench(out_dir, width, h, w, t):
    """A larger graph pair (same architecture, wider, bigger video) for the JMH overhead benchmark."""
    torch.manual_seed(1)
    c, l, d = 3, 16, 64
    os.makedirs(out_dir, exist_ok=True)
    base = BaseDenoiser(c, d, width).eval()
    gen = torch.Generator().manual_seed(3)
    inputs = make_inputs(gen, 1, c, t, h, w, l, d, 24.0, [1.0])
    names = [n for n, _ in BASE_INPUTS]
    with torch.no_grad():
        export_onnx(base, args_for(BASE_INPUTS, inputs), names, os.path.join(out_dir, "bench.onnx"))
        export_torchscript(base, os.path.join(out_dir, "bench.pt"))
    info = {"channels": c, "frames": t, "height": h, "width": w, "conditioning_length": l, "conditioning_dim": d,
            "inputs": [{"name": n, "role": r} for n, r in BASE_INPUTS], "output": OUTPUT}
    with open(os.path.join(out_dir, "bench.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print("bench graphs written to", out_dir)


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes class constants in set order; a fixed hash seed makes the .pt bytes reproducible
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(here, "bundle"), help="bundle folder to write")
    p.add_argument("--bench", metavar="DIR", help="write the larger benchmark graphs to DIR instead")
    p.add_argument("--known", action="store_true",
                   help="write the variant that takes conditioning frames (to bundle-known/ unless --out says)")
    p.add_argument("--bench-width", type=int, default=32)
    p.add_argument("--bench-size", type=int, nargs=3, default=[8, 16, 16], metavar=("T", "H", "W"))
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.bench:
        t, h, w = a.bench_size
        export_bench(a.bench, a.bench_width, h, w, t)
    elif a.known:
        out = a.out if a.out != os.path.join(here, "bundle") else os.path.join(here, "bundle-known")
        export_known_bundle(out)
    else:
        export_bundle(a.out)


if __name__ == "__main__":
    sys.exit(main())
