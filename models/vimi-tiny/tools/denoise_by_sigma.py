#!/usr/bin/python3
"""How well the base denoiser (EMA weights of work/ckpt/base.pt) denoises, noise level by noise level, and
how much it uses the prompt: the mean squared error of D(x0 + sigma n; sigma) against x0 on training
clips, with the clip's own conditioning, with the empty conditioning, and with the conditioning of
another clip in the batch. "identity" is sigma^2, the error of returning the noisy input.

    /usr/bin/python3 models/vimi-tiny/tools/denoise_by_sigma.py [--stage s1|s2] [--batch 16]
"""

import argparse
import json
import os
import random
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "data"))
import generate as gen  # noqa: E402
import train as tr  # noqa: E402
import vimi_tiny as vt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(tr.CKPT, "base.pt"))
    ap.add_argument("--stage", default="s2", choices=["s1", "s2"], help="prompts of stage 1 or stage 2")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--sigmas", default="0.02,0.1,0.3,1,3,10,40,80")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    specs = [json.loads(line) for line in open(os.path.join(tr.DATA, "train.jsonl"), encoding="utf-8")]
    videos = np.load(os.path.join(tr.DATA, "train_base.npy"), mmap_mode="r")
    prompts = tr.Prompts(specs, gen.DEFAULT_MEMORY)
    ck = torch.load(a.ckpt)
    enc = tr.Encoder()
    den = vt.BaseDenoiser(**ck["config"])
    torch.nn.ModuleDict({"encoder": enc, "denoiser": den}).load_state_dict(ck["ema"])
    enc.eval()
    den.eval()
    rnd = random.Random(5)
    g = torch.Generator().manual_seed(3)
    b = a.batch
    idx = [rnd.randrange(len(specs)) for _ in range(b)]
    x0 = tr.to_video(np.stack([videos[i] for i in idx]))
    fps = torch.full((b,), gen.FPS)
    res = torch.tensor([[float(vt.BASE_H), float(vt.BASE_W)]] * b)
    print("step %d, %d %s prompts" % (ck["state"]["step"], b, a.stage))
    print("%8s %10s %10s %10s %10s" % ("sigma", "identity", "prompt", "empty", "other"))
    with torch.no_grad():
        cond, mask = enc(*prompts.batch([a.stage + ":" + specs[i]["id"] for i in idx]))
        other = torch.roll(torch.arange(b), 1)
        for sig in [float(s) for s in a.sigmas.split(",")]:
            sigma = torch.full((b,), sig)
            s5 = sigma.reshape(-1, 1, 1, 1, 1)
            xn = x0 + torch.randn(x0.shape, generator=g) * s5
            errs = []
            for c, m in ((cond, mask), (cond * 0, mask * 0), (cond[other], mask[other])):
                f = den(xn * vt.c_in(s5), vt.c_noise(sigma), c, m, fps, res)
                d = vt.c_skip(s5) * xn + vt.c_out(s5) * f
                errs.append(float((d - x0).pow(2).mean()))
            print("%8g %10.4f %10.4f %10.4f %10.4f" % (sig, sig * sig, *errs))


if __name__ == "__main__":
    main()
