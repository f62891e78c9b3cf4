#!/usr/bin/python3
"""work/data/text_states.{f16,jsonl} without Java: what tools/TextStates.java writes (MiniLM's token states of
every prompt in work/data/prompts.jsonl, laid out as the mllm plugin lays them out), computed by minilm.py's
PyTorch interpreter of the same int8 ONNX graph, on a GPU when there is one.

    python3 models/vimi-tiny/gpu/states.py PACK.pt [--device cuda] [--batch 256]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import minilm  # noqa: E402

DATA = os.path.join(os.environ.get("VIMI_TINY_WORK", os.path.join(HERE, "..", "work")), "data")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pack")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=256)
    a = ap.parse_args()
    t0 = time.time()
    m = minilm.MiniLM(a.pack, a.device)
    prompts = [json.loads(l) for l in open(os.path.join(DATA, "prompts.jsonl"), encoding="utf-8")]
    laid = [minilm.layout(m.tok, p["pieces"]) for p in prompts]
    offsets = np.cumsum([0] + [len(ids) for ids, _ in laid])
    out = np.lib.format.open_memmap(os.path.join(DATA, "text_states.npy.tmp"), mode="w+", dtype=np.float16,
                                    shape=(int(offsets[-1]), minilm_dim()))
    # padded batches, sorted by length; minilm's per-sample quantization makes each row what one call per
    # prompt (as the SDK makes them) computes
    order = sorted(range(len(laid)), key=lambda i: len(laid[i][0]))
    for s in range(0, len(order), a.batch):
        part = order[s:s + a.batch]
        for i, st in zip(part, m.states([laid[i][0] for i in part])):
            out[offsets[i]:offsets[i + 1]] = st.float().cpu().numpy().astype(np.float16)
        if (s // a.batch) % 20 == 0:
            print("%d/%d prompts, %.0f s" % (s + len(part), len(prompts), time.time() - t0), flush=True)
    out.flush()
    del out
    # the raw file TextStates.java writes: little-endian float16 rows, no header
    arr = np.load(os.path.join(DATA, "text_states.npy.tmp"), mmap_mode="r")
    arr.tofile(os.path.join(DATA, "text_states.f16"))
    os.remove(os.path.join(DATA, "text_states.npy.tmp"))
    with open(os.path.join(DATA, "text_states.jsonl"), "w", encoding="utf-8") as f:
        for i, p in enumerate(prompts):
            f.write(json.dumps({"key": p["key"], "offset": int(offsets[i]), "n": len(laid[i][0]),
                                "counts": laid[i][1]}) + "\n")
    print("%d prompts, %d token states in %.0f s on %s" % (len(prompts), offsets[-1], time.time() - t0, a.device))


def minilm_dim():
    return 384


if __name__ == "__main__":
    main()
