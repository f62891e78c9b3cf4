#!/usr/bin/python3
"""ViMi-tiny speed: the same weights, steps, guidance and conditioning in the Python PyTorch loop and in
the SDK on ONNX Runtime, one after the other on the same machine.

  Python eager:   models/vimi-tiny/reference_sample.py's cascade with the nn.Modules (work/ckpt EMA weights,
                  the weights the bundle was exported from), torch.set_num_threads(THREADS)
  Python jit:     the same loop with the bundle's TorchScript graphs
  SDK (ONNX):     models/vimi-tiny/tools/SdkGenerate.java --repeat N: VimiPipeline.generate on ONNX Runtime
                  (one warm-up, then N timed runs; encoder time included, retrieval off)

    bench/vimi-tiny/run.sh            # both, printing a table; see README.md
    /usr/bin/python3 bench/vimi-tiny/bench.py CASE_DIR [--repeat 3] [--threads 2]

CASE_DIR is a case written by SdkGenerate.java (its conditioning, seed, steps, guidance).
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "models", "vimi-tiny")
sys.path.insert(0, MODEL)
import reference_sample as rs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--bundle", default=os.path.join(MODEL, "bundle"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--modes", default="eager,jit")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.case, "case.json")) as f:
        case = json.load(f)
    results = {}
    for mode in a.modes.split(","):
        stages, manifest = rs.load_stages(a.bundle, eager=(mode == "eager"))
        L = manifest["stages"][0]["conditioning"]["length"]
        D = manifest["stages"][0]["conditioning"]["dim"]
        cond = torch.from_numpy(rs.read_f32(os.path.join(a.case, "conditioning.f32"), (1, L, D)).copy())
        mask = torch.from_numpy(rs.read_f32(os.path.join(a.case, "conditioning_mask.f32"), (1, L)).copy())
        guidance = {"type": "constant", "scale": case["guidance"]} if case.get("guidance") is not None else None
        steps = case.get("steps")
        rs.sample(stages, cond, mask, case["seed"], [1] * len(stages), guidance)  # warm-up
        times = []
        for _ in range(a.repeat):
            t0 = time.time()
            rs.sample(stages, cond, mask, case["seed"], steps, guidance)
            times.append(time.time() - t0)
        results[mode] = times
        print("python %-5s: %d runs, median %.2f s, min %.2f s, max %.2f s (steps %s, guidance %s, threads %d)"
              % (mode, a.repeat, statistics.median(times), min(times), max(times),
                 steps or [s["steps"] for s in manifest["stages"]], case.get("guidance"), a.threads), flush=True)


if __name__ == "__main__":
    main()
