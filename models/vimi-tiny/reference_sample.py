#!/usr/bin/python3
"""The Python reference sampler of ViMi-tiny: the SDK's EDM cascade written out in numpy + PyTorch, to
check that the Java SDK produces the same video for the same seed and inputs.

It follows dev.vimi.api.VimiPipeline step by step:
  - noise: NoiseSource.of(seed, 2 * stage) (SplitMix64 + Box-Muller), x = sigma_max * noise, float64;
  - schedule: Karras et al. (2022) eq. 5, n levels then 0 (SigmaSchedule.karras);
  - sampler: deterministic Heun (EdmSampler; Euler on the last step, whose target is 0);
  - denoiser: D = c_skip x + c_out F(c_in x, c_noise, C, mask, fps, resolution), network in float32;
  - guidance: D = D_u + w_t (D_c - D_u), both branches in one batch of two (as the SDK does when the
    graph takes a batch), skipped when every w_t is 1;
  - after each stage the video is clamped to [-1, 1]; the next stage gets it resized trilinearly with
    half-pixel centres (VideoResize), in float64.

The conditioning C is an input (a case folder written by tools/SdkGenerate.java holds the one the SDK's
encoder computed); the networks are the bundle's TorchScript files (the same weights as its ONNX
graphs), or with --eager the PyTorch modules of vimi_tiny.py holding the same weights (read from the
TorchScript files, so only committed files are needed).

    /usr/bin/python3 models/vimi-tiny/reference_sample.py CASE_DIR [--bundle DIR] [--write] [--eager]

With --write the reference videos are written into CASE_DIR (expected_base.f32, expected.f32); without
it they are compared with the SDK's (sdk_base.f32, sdk.f32) if present.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vimi_tiny as vt  # noqa: E402


def c_skip(sigma, sd):
    sd2 = sd * sd
    return sd2 / (sigma * sigma + sd2)


def c_out(sigma, sd):
    return sigma * sd / math.sqrt(sigma * sigma + sd * sd)


def c_in(sigma, sd):
    return 1.0 / math.sqrt(sigma * sigma + sd * sd)


def resize_axis(src, outer, n, inner, m):
    """VideoResize.axis (trilinear): the middle axis of [outer, n, inner] to length m."""
    if n == m:
        return src
    a = src.reshape(outer, n, inner)
    dst = np.empty((outer, m, inner), dtype=np.float64)
    scale = n / m
    for i in range(m):
        pos = max((i + 0.5) * scale - 0.5, 0.0)
        i0 = min(int(math.floor(pos)), n - 1)
        i1 = min(i0 + 1, n - 1)
        f = pos - i0
        dst[:, i, :] = a[:, i0, :] * (1 - f) + a[:, i1, :] * f
    return dst.reshape(-1)


def resize(src, c, t, h, w, t2, h2, w2):
    a = resize_axis(src, c, t, h * w, t2)
    b = resize_axis(a, c * t2, h, w, h2)
    return resize_axis(b, c * t2 * h2, w, 1, w2)


class Stage:
    def __init__(self, spec, net, takes_conditioning):
        self.spec = spec
        self.net = net
        self.takes_conditioning = takes_conditioning
        self.shape = (1, spec["channels"], spec["frames"], spec["height"], spec["width"])


def denoise(stage, x, sigma, cond, mask, uncond, umask, scales, fps, low_res):
    sd = stage.spec["sigma_data"]
    cs, co, ci = c_skip(sigma, sd), c_out(sigma, sd), c_in(sigma, sd)
    cn = np.float32(math.log(sigma) / 4.0)
    xin = torch.from_numpy((x * ci).astype(np.float32).reshape(stage.shape))
    identity = all(s == 1.0 for s in scales)
    b = 1 if identity else 2
    xb = xin if b == 1 else torch.cat([xin, xin])
    cnb = torch.full((b,), float(cn))
    with torch.no_grad():
        if stage.takes_conditioning:
            ctx = cond if b == 1 else torch.cat([cond, uncond])
            m = mask if b == 1 else torch.cat([mask, umask])
            out = stage.net(xb, cnb, ctx, m, torch.full((b,), float(fps)),
                            torch.tensor([[float(stage.spec["height"]), float(stage.spec["width"])]] * b))
        else:
            lr = torch.from_numpy(low_res.astype(np.float32).reshape(stage.shape))
            out = stage.net(xb, lr if b == 1 else torch.cat([lr, lr]), cnb)
    f = out.numpy().astype(np.float64).reshape(b, -1)
    dc = cs * x + co * f[0]
    if identity:
        return dc
    du = cs * x + co * f[1]
    t = stage.spec["frames"]
    plane = stage.spec["height"] * stage.spec["width"]
    w = np.repeat(np.tile(np.asarray(scales, dtype=np.float64), stage.spec["channels"]), plane)
    return du + w * (dc - du)


def guidance_scales(g, frames):
    if g["type"] == "constant":
        return [g["scale"]] * frames
    return [g["max"] if frames <= 1 else g["min"] + (g["max"] - g["min"]) * t / (frames - 1.0) for t in range(frames)]


def sample(stages, cond, mask, seed, steps, guidance=None, fps=24.0, on_step=None):
    """The cascade; returns the list of stage videos (float64, flat [C*T*H*W])."""
    uncond = torch.zeros_like(cond)
    umask = torch.zeros_like(mask)
    videos = []
    prev = None
    prev_spec = None
    for s, st in enumerate(stages):
        sp = st.spec
        n_steps = steps[s] if steps else sp["steps"]
        g = guidance if guidance is not None and st.takes_conditioning else sp["guidance"]
        if guidance is not None and not st.takes_conditioning:
            g = {"type": "constant", "scale": guidance["scale"]}
        scales = guidance_scales(g, sp["frames"])
        low = None
        if prev is not None:
            low = resize(prev, prev_spec["channels"], prev_spec["frames"], prev_spec["height"], prev_spec["width"],
                         sp["frames"], sp["height"], sp["width"])
        sigmas = vt.karras(n_steps, sp["sigma_min"], sp["sigma_max"], sp["rho"])
        n = int(np.prod(st.shape))
        x = vt.noise(seed, 2 * s, n) * sigmas[0]
        for i in range(n_steps):
            sigma, nxt = sigmas[i], sigmas[i + 1]
            den = denoise(st, x, sigma, cond, mask, uncond, umask, scales, fps, low)
            h = nxt - sigma
            slope = (x - den) / sigma
            x_next = x + h * slope
            if nxt != 0:
                den2 = denoise(st, x_next, nxt, cond, mask, uncond, umask, scales, fps, low)
                slope2 = (x_next - den2) / nxt
                x_next = x + h * 0.5 * (slope + slope2)
            x = x_next
            if on_step:
                on_step(s, i + 1)
        x = np.clip(x, -1.0, 1.0)
        videos.append(x)
        prev, prev_spec = x, sp
    return videos


def _count(sd, prefix):
    return len({k.split(".")[1] for k in sd if k.startswith(prefix + ".")})


def _example(sp, takes_conditioning, b=2):
    g = torch.Generator().manual_seed(5)
    shape = (b, sp["channels"], sp["frames"], sp["height"], sp["width"])
    x = torch.randn(shape, generator=g) * 0.5
    cn = torch.tensor([0.3, -0.9][:b])
    if not takes_conditioning:
        return x, torch.clamp(torch.randn(shape, generator=g) * 0.5, -1, 1), cn
    L, D = sp["conditioning"]["length"], sp["conditioning"]["dim"]
    mask = torch.cat([torch.ones(b, 40), torch.zeros(b, L - 40)], dim=1)
    mask[1:] = 0.0  # one empty conditioning, as the unconditional branch
    return (x, cn, torch.randn(b, L, D, generator=g), mask, torch.full((b,), float(sp["fps"])),
            torch.tensor([[float(sp["height"]), float(sp["width"])]] * b))


def eager_module(sp, traced, takes_conditioning):
    """The nn.Module (vimi_tiny.py) of a stage, with the weights of the bundle's TorchScript file `traced`.

    The architecture's hyper-parameters are read off the weights' shapes; the attention heads, which no shape
    shows, are the recipe's 4 (other divisors of d are tried if 4 does not reproduce the graph). The module
    must reproduce the TorchScript graph on a batch of two (max |diff| <= 1e-4), else this fails: the eager
    loop of bench/vimi-tiny then runs exactly the bundle's network, from committed files only."""
    sd = traced.state_dict()
    if takes_conditioning:
        d = sd["pos_t"].shape[1]
        patch = tuple(sd["patch.weight"].shape[2:])
        grid = (sd["pos_t"].shape[0], sd["pos_h"].shape[0], sd["pos_w"].shape[0])
        cfg = dict(d=d, depth=_count(sd, "blocks"), e=sd["mod_out.weight"].shape[1],
                   mlp=sd["blocks.0.mlp.0.weight"].shape[0] // d, c=sd["stem.0.weight"].shape[0], patch=patch,
                   cond_dim=sd["ctx.1.weight"].shape[1], frames=grid[0] * patch[0], height=grid[1] * patch[1],
                   width=grid[2] * patch[2], pool=sd["pool_q"].shape[0] if "pool_q" in sd else 0,
                   frame_mod="time_emb" in sd, joint="blocks.0.joint.qkv.weight" in sd,
                   smooth=any(k.startswith("smooth.") for k in sd), layout="layout_mlp.0.weight" in sd,
                   layout_pixel="layout_px" in sd, layout_look="look_q" in sd, spacetime=any(k.startswith("blocks.0.st.") for k in sd),
                   aux="aux_head.weight" in sd)
        if (cfg["frames"], cfg["height"], cfg["width"]) != (sp["frames"], sp["height"], sp["width"]):
            raise SystemExit("%s: the weights are for %s frames x %sx%s, the manifest's stage '%s' for %sx%sx%s"
                             % (sp["name"], cfg["frames"], cfg["height"], cfg["width"], sp["name"], sp["frames"],
                                sp["height"], sp["width"]))
        heads = [4] + [h for h in (1, 2, 8, 16, 32) if d % h == 0]
        make = [lambda h=h: vt.BaseDenoiser(heads=h, **cfg) for h in heads]
    else:
        cin = sd["inp.weight"].shape[1]
        s2d = int(round(math.sqrt(cin / 6)))
        cfg = dict(width=sd["inp.weight"].shape[0], depth=_count(sd, "blocks"), e=sd["emb.0.weight"].shape[0],
                   s2d=s2d, c=sd["stem.0.weight"].shape[0], prior=vt.LowResPrior.in_weights(sd))
        make = [lambda: vt.Upsampler(**cfg)]
    ex = _example(sp, takes_conditioning)
    with torch.no_grad():
        want = traced(*ex)
        worst = None
        for m in make:
            net = m().eval()
            missing, unexpected = net.load_state_dict(sd, strict=False)
            own_buffers = {k for k, _ in net.named_buffers()}
            if missing or [k for k in unexpected if k not in own_buffers]:
                raise SystemExit("%s: the bundle's weights do not fit vimi_tiny.py (missing %s, unexpected %s)"
                                 % (sp["name"], missing[:5], unexpected[:5]))
            diff = (net(*ex) - want).abs().max().item()
            if diff <= 1e-4:
                return net
            worst = diff if worst is None else min(worst, diff)
    raise SystemExit("%s: no nn.Module of vimi_tiny.py reproduces the bundle's TorchScript graph (max |diff| %.3g)"
                     % (sp["name"], worst))


def load_stages(bundle, eager=False):
    """The stages of a bundle: its TorchScript graphs, or with eager=True the same weights in vimi_tiny.py's
    nn.Modules (eager_module), both from the bundle's committed files."""
    with open(os.path.join(bundle, "vimi-model.json")) as f:
        manifest = json.load(f)
    specs = manifest["stages"]
    nets = [torch.jit.load(os.path.join(bundle, sp["graphs"]["pytorch"]["file"])).eval() for sp in specs]
    if eager:
        nets = [eager_module(sp, net, any(i["role"] == "conditioning" for i in sp["graphs"]["pytorch"]["inputs"]))
                for sp, net in zip(specs, nets)]
    out = []
    for sp, net in zip(specs, nets):
        roles = [i["role"] for i in sp["graphs"]["pytorch"]["inputs"]]
        out.append(Stage(sp, net, "conditioning" in roles))
    return out, manifest


def read_f32(path, shape=None):
    a = np.fromfile(path, dtype="<f4")
    return a if shape is None else a.reshape(shape)


def write_f32(path, arr):
    np.asarray(arr, dtype="<f4").tofile(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--bundle", default=os.path.join(HERE, "bundle"))
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--eager", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sensitivity", action="store_true",
                    help="also sample again from the starting noise moved by 1e-6 and print how far the videos move: "
                         "what float32 rounding alone can do to this case (a case for a parity check should keep it "
                         "well below the tests' tolerance)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.case, "case.json")) as f:
        case = json.load(f)
    stages, manifest = load_stages(a.bundle, a.eager)
    L, D = manifest["stages"][0]["conditioning"]["length"], manifest["stages"][0]["conditioning"]["dim"]
    cond = torch.from_numpy(read_f32(os.path.join(a.case, "conditioning.f32"), (1, L, D)).copy())
    mask = torch.from_numpy(read_f32(os.path.join(a.case, "conditioning_mask.f32"), (1, L)).copy())
    guidance = {"type": "constant", "scale": case["guidance"]} if case.get("guidance") is not None else None
    t0 = time.time()
    videos = sample(stages, cond, mask, case["seed"], case.get("steps"), guidance, case.get("fps", 24.0))
    print("reference cascade in %.1f s" % (time.time() - t0))
    if a.write:
        write_f32(os.path.join(a.case, "expected_base.f32"), videos[0])
        write_f32(os.path.join(a.case, "expected.f32"), videos[-1])
        print("wrote expected_base.f32, expected.f32")
    if a.sensitivity:
        plain = vt.noise
        vt.noise = lambda seed, stream, n: plain(seed, stream, n) + 1e-6 * np.sin(np.arange(n))
        try:
            moved = sample(stages, cond, mask, case["seed"], case.get("steps"), guidance, case.get("fps", 24.0))
        finally:
            vt.noise = plain
        print("sensitivity: starting noise moved by 1e-6 -> base moves by up to %.3g, final by up to %.3g"
              % (np.abs(moved[0] - videos[0]).max(), np.abs(moved[-1] - videos[-1]).max()))
    for name, v in (("sdk_base.f32", videos[0]), ("sdk.f32", videos[-1])):
        p = os.path.join(a.case, name)
        if os.path.exists(p):
            s = read_f32(p)
            print("%s: max |SDK - Python| = %.3g, mean = %.3g" % (name, np.abs(s - v).max(), np.abs(s - v).mean()))


if __name__ == "__main__":
    main()
