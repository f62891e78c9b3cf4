#!/usr/bin/env python3
"""The PyTorch side of the GPU kit (bench/gpu/README.md), and the comparison with the SDK's run.

ViMi-tiny's base stage in Python: models/vimi-tiny/reference_sample.py's sampler (the SDK's EDM Heun loop
with guidance, same noise, same schedule, float64 state), the network being the bundle's TorchScript file
(the same file the SDK loads) on DEVICE: every call moves its inputs to the device and the output back, as
the SDK's pytorch backend does. One warm-up generation, then REPEAT timed ones; per-step times from the
sampler's step callback (after a synchronize).

    python3 bench/gpu/torch_side.py --bundle models/vimi-tiny/bundle --case models/vimi-tiny/reference \\
        --out OUT [--device cuda:0] [--steps N] [--guidance 3] [--seed 7] [--repeat 3] [--compare OUT/sdk_base.f32]

Writes OUT/torch_base.f32 and OUT/torch.json; with --compare, prints and writes (OUT/compare.json) the
largest |SDK - PyTorch| over the base video and the step times of both sides.
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "vimi-tiny")
sys.path.insert(0, MODEL)
import reference_sample as rs  # noqa: E402


class OnDevice:
    """Calls a TorchScript module on a device with CPU tensors in and out (what the SDK's backend does)."""

    def __init__(self, net, device):
        self.net = net
        self.device = device

    def __call__(self, *args):
        out = self.net(*[a.to(self.device) for a in args])
        return out.cpu()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda:0")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    ap.add_argument("--compare")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    device = torch.device(a.device)
    with open(os.path.join(a.bundle, "vimi-model.json")) as f:
        manifest = json.load(f)
    sp = manifest["stages"][0]
    net = torch.jit.load(os.path.join(a.bundle, sp["graphs"]["pytorch"]["file"]), map_location=device).eval()
    roles = [i["role"] for i in sp["graphs"]["pytorch"]["inputs"]]
    stage = rs.Stage(sp, OnDevice(net, device), "conditioning" in roles)
    L, D = sp["conditioning"]["length"], sp["conditioning"]["dim"]
    cond = torch.from_numpy(rs.read_f32(os.path.join(a.case, "conditioning.f32"), (1, L, D)).copy())
    mask = torch.from_numpy(rs.read_f32(os.path.join(a.case, "conditioning_mask.f32"), (1, L)).copy())
    steps = a.steps or sp["steps"]
    guidance = {"type": "constant", "scale": a.guidance}
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    print("torch %s (CUDA %s) on %s%s: stage '%s' [%d, %d, %d, %d], %d steps, guidance %s, seed %d" % (
        torch.__version__, torch.version.cuda, a.device,
        " (" + torch.cuda.get_device_name(device) + ")" if device.type == "cuda" else "",
        sp["name"], sp["channels"], sp["frames"], sp["height"], sp["width"], steps, a.guidance, a.seed), flush=True)

    t0 = time.perf_counter()
    rs.sample([stage], cond, mask, a.seed, [steps], guidance)
    sync()
    warmup = time.perf_counter() - t0
    totals, step_ms = [], []
    video = None
    for _ in range(a.repeat):
        marks = []

        def on_step(_s, _i):
            sync()
            marks.append(time.perf_counter())

        start = time.perf_counter()
        video = rs.sample([stage], cond, mask, a.seed, [steps], guidance, on_step=on_step)[0]
        sync()
        totals.append(time.perf_counter() - start)
        step_ms += [1000 * (b - c) for c, b in zip(marks, marks[1:])]
    rs.write_f32(os.path.join(a.out, "torch_base.f32"), video)
    result = {"side": "torch", "device": a.device, "torch": torch.__version__, "cuda": torch.version.cuda,
              "steps": steps, "guidance": a.guidance, "seed": a.seed, "warmup_s": warmup, "total_s": totals,
              "step_ms_median": statistics.median(step_ms) if step_ms else None}
    with open(os.path.join(a.out, "torch.json"), "w") as f:
        json.dump(result, f)
    print("torch: warm-up %.2f s; %d timed runs, median %.3f s per base video, median step %.2f ms" % (
        warmup, a.repeat, statistics.median(totals), result["step_ms_median"] or float("nan")), flush=True)

    if a.compare:
        sdk = rs.read_f32(a.compare).astype(np.float64)
        ours = np.asarray(video, dtype=np.float32).astype(np.float64)
        if sdk.shape != ours.shape:
            print("compare: the SDK's video has %d values, PyTorch's %d" % (sdk.size, ours.size))
            sys.exit(3)
        diff = float(np.max(np.abs(sdk - ours)))
        sdk_json = {}
        sdk_path = os.path.join(os.path.dirname(a.compare), "sdk.json")
        if os.path.exists(sdk_path):
            with open(sdk_path) as f:
                sdk_json = json.load(f)
        cmp = {"max_abs_diff": diff, "values": int(sdk.size),
               "sdk_step_ms_median": sdk_json.get("step_ms_median"), "torch_step_ms_median": result["step_ms_median"],
               "sdk_total_s": sdk_json.get("total_s"), "torch_total_s": totals}
        with open(os.path.join(a.out, "compare.json"), "w") as f:
            json.dump(cmp, f)
        print("compare: max |SDK - PyTorch| over the base video = %.3g (%d values in [-1, 1]); median step: SDK %s ms,"
              " PyTorch %.2f ms" % (diff, sdk.size, sdk_json.get("step_ms_median"), result["step_ms_median"]))


if __name__ == "__main__":
    main()
