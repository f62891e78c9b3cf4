#!/usr/bin/python3
"""ViMi-tiny speed: the same weights, steps, guidance, seed and conditioning in the Python PyTorch loop and in
the SDK, alternating run by run in one process tree, so that every side sees the same machine load:

  python eager:  models/vimi-tiny/reference_sample.py's cascade over vimi_tiny.py's nn.Modules, holding the
                 bundle's weights (read from its TorchScript files, checked against them on load),
                 torch.set_num_threads(T) for each T of --threads
  python jit:    the same loop over the bundle's TorchScript graphs
  sdk[...]:      bench/vimi-tiny/SdkLoop.java, a warm VimiPipeline.generate on the chosen backend and
                 settings (ONNX Runtime by default; --sdk LABEL=ARGS adds variants, e.g.
                 --sdk 'threads1=--set threads=1'); the encoder's answer for the case's prompt is in its LRU
                 cache after the warm-up, so neither side pays for encoding (see bench/vimi-tiny/README.md)

Each round runs every side once, in an order that rotates from round to round. The speed-up of an SDK
variant is the eager loop's time over the SDK's, taken per round (one round = runs under the same load); the
median and range of those ratios are printed.

    bench/vimi-tiny/run.sh                 # builds what it needs and runs this; see README.md
    /usr/bin/python3 bench/vimi-tiny/bench.py CASE_DIR --classpath CP [--rounds 5] [--threads 1,2]
        [--modes eager,jit,sdk] [--sdk LABEL=ARGS]...

CASE_DIR is a case written by models/vimi-tiny/tools/SdkGenerate.java (its conditioning, seed, steps,
guidance; sdk.f32, the SDK's video, to check that the Python loop computes the same video).
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MODEL = os.path.join(ROOT, "models", "vimi-tiny")
sys.path.insert(0, MODEL)
import reference_sample as rs  # noqa: E402

JAVA = os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class PythonSide:
    def __init__(self, mode, threads, bundle, case_dir, case):
        self.name = "python %s, %d thread%s" % (mode, threads, "s" if threads > 1 else "")
        self.threads = threads
        torch.set_num_threads(threads)
        self.stages, manifest = rs.load_stages(bundle, eager=(mode == "eager"))
        L = manifest["stages"][0]["conditioning"]["length"]
        D = manifest["stages"][0]["conditioning"]["dim"]
        self.cond = torch.from_numpy(rs.read_f32(os.path.join(case_dir, "conditioning.f32"), (1, L, D)).copy())
        self.mask = torch.from_numpy(rs.read_f32(os.path.join(case_dir, "conditioning_mask.f32"), (1, L)).copy())
        self.guidance = {"type": "constant", "scale": case["guidance"]} if case.get("guidance") is not None else None
        self.steps = case.get("steps")
        self.seed = case["seed"]
        self.fps = case.get("fps", 24.0)
        self.steps_label = self.steps or [s["steps"] for s in manifest["stages"]]
        videos = self.sample()  # warm-up, and the check that both sides compute the same video
        sdk = os.path.join(case_dir, "sdk.f32")
        self.diff = float(np.abs(rs.read_f32(sdk) - videos[-1]).max()) if os.path.exists(sdk) else float("nan")
        self.sample()

    def sample(self):
        return rs.sample(self.stages, self.cond, self.mask, self.seed, self.steps, self.guidance, self.fps)

    def run(self):
        torch.set_num_threads(self.threads)
        c0 = time.process_time()
        t0 = time.perf_counter()
        self.sample()
        return time.perf_counter() - t0, time.process_time() - c0

    def close(self):
        pass


class SdkSide:
    def __init__(self, label, args, case_dir, classpath):
        self.name = "sdk " + label
        cmd = [JAVA, "-cp", classpath, os.path.join(HERE, "SdkLoop.java"), case_dir] + shlex.split(args)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("%s: SdkLoop.java ended before it was ready (run it by hand to see why: %s)"
                                 % (self.name, " ".join(shlex.quote(c) for c in cmd)))
            if line.startswith("ready"):
                self.settings = line.split(" ", 1)[1].strip()
                break
        self.diff = float("nan")

    def run(self):
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "time":
            raise SystemExit("%s: unexpected answer %s" % (self.name, line))
        return float(line[1]), float(line[2])

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--bundle", default=os.path.join(MODEL, "bundle"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="2", help="torch threads of the Python loops; a list (1,2) runs each")
    ap.add_argument("--modes", default="eager,jit,sdk")
    ap.add_argument("--sdk", action="append", default=[],
                    help="LABEL=ARGS: an SDK variant, ARGS passed to SdkLoop.java (default: onnx=, the bundle's defaults)")
    ap.add_argument("--classpath", default=os.environ.get("CP"))
    a = ap.parse_args()
    case_dir = os.path.abspath(a.case)
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    modes = a.modes.split(",")
    sides = []
    for mode in modes:
        if mode in ("eager", "jit"):
            for t in a.threads.split(","):
                sides.append(PythonSide(mode, int(t), a.bundle, case_dir, case))
        elif mode == "sdk":
            if not a.classpath:
                raise SystemExit("the SDK side needs --classpath (models/vimi-tiny/tools/classpath.sh)")
            for spec in a.sdk or ["onnx="]:
                label, args = spec.split("=", 1)
                sides.append(SdkSide(label, args, case_dir, a.classpath))
        else:
            raise SystemExit("unknown mode " + mode)
    times = {s.name: [] for s in sides}
    cpus = {s.name: [] for s in sides}
    loads = []
    for r in range(a.rounds):
        loads.append(load())
        k = r % len(sides)
        for s in sides[k:] + sides[:k]:
            t, c = s.run()
            times[s.name].append(t)
            cpus[s.name].append(c)
        loads.append(load())
    for s in sides:
        s.close()
    py = next((s for s in sides if isinstance(s, PythonSide)), None)
    print("%d rounds, each side once per round in rotating order; %d cores, load average %.1f-%.1f during the runs; "
          "steps %s, guidance %s"
          % (a.rounds, os.cpu_count(), min(loads), max(loads), py.steps_label if py else case.get("steps"),
             case.get("guidance")))
    print()
    print("| loop | median s (min-max) | CPU s per video (cores busy) | max abs diff vs the SDK's video |")
    print("| --- | ---: | ---: | ---: |")
    for s in sides:
        t, c = times[s.name], cpus[s.name]
        med = statistics.median(t)
        print("| %s | %.2f (%.2f-%.2f) | %.2f (%.2f) | %s |" % (
            s.name + (" " + s.settings if isinstance(s, SdkSide) else ""), med, min(t), max(t),
            statistics.median(c), statistics.median(c) / med, "%.2g" % s.diff if s.diff == s.diff else ""))
    print()
    for ref in [s for s in sides if isinstance(s, PythonSide)]:
        for s in [s for s in sides if isinstance(s, SdkSide)]:
            ratios = [p / q for p, q in zip(times[ref.name], times[s.name])]
            print("%s over %s, per round: median %.2fx (%.2f-%.2f)" % (
                ref.name, s.name, statistics.median(ratios), min(ratios), max(ratios)))
    sdks = [s for s in sides if isinstance(s, SdkSide)]
    for s in sdks[1:]:
        ratios = [p / q for p, q in zip(times[sdks[0].name], times[s.name])]
        print("%s over %s, per round: median %.2fx (%.2f-%.2f)" % (
            sdks[0].name, s.name, statistics.median(ratios), min(ratios), max(ratios)))


if __name__ == "__main__":
    main()
