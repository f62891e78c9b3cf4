"""Portable form of a base checkpoint, and back: what travels to and from a GPU machine.

    python3 tools/portable_ckpt.py strip IN.pt OUT.pt          # weights + EMA + progress, no AdamW moments
    python3 tools/portable_ckpt.py split IN.pt DIR [MiB]       # IN.pt as DIR/IN.pt.partNN of at most MiB each
    python3 tools/portable_ckpt.py join DIR/IN.pt.part00 OUT.pt  # the parts back into one file, checked

A full checkpoint (train.py base) holds the model, its EMA and AdamW's two moments: four copies of the weights,
45 MB for the v3 base. `strip` keeps the model, the EMA, the config and the training state (clips seen, CPU time,
recipe history), about half the size; train.py resumes from it with fresh moments and a new learning-rate
warm-up. `split`/`join` cut a file into parts below a per-file limit (the device tool returns files of at most
16 MiB) and rebuild it, checking the SHA-256 written beside the parts.
"""
import glob
import hashlib
import json
import os
import sys

import torch


def strip(src, dst):
    ck = torch.load(src, map_location="cpu", weights_only=False)
    missing = [k for k in ("model", "ema", "state", "config") if k not in ck]
    if missing:
        raise SystemExit("%s is not a base checkpoint of train.py (missing %s)" % (src, ", ".join(missing)))
    out = {k: ck[k] for k in ("model", "ema", "state", "config")}
    out["state"] = dict(out["state"])
    out["state"].setdefault("changes", []).append({"clips": out["state"]["clips"], "change": "optimizer moments dropped"})
    tmp = dst + ".tmp"
    torch.save(out, tmp)
    os.replace(tmp, dst)
    print("%s: %d -> %d bytes (clips %d, step %d)" % (dst, os.path.getsize(src), os.path.getsize(dst),
                                                     ck["state"]["clips"], ck["state"]["step"]))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def split(src, folder, mib=15):
    os.makedirs(folder, exist_ok=True)
    size = int(float(mib) * (1 << 20))
    base = os.path.join(folder, os.path.basename(src))
    n = 0
    with open(src, "rb") as f:
        while True:
            chunk = f.read(size)
            if not chunk:
                break
            with open("%s.part%02d" % (base, n), "wb") as out:
                out.write(chunk)
            n += 1
    with open(base + ".parts.json", "w") as f:
        json.dump({"parts": n, "bytes": os.path.getsize(src), "sha256": sha256(src)}, f)
    print("%s: %d parts of at most %s MiB" % (src, n, mib))


def join(first, dst):
    base = first[: first.rindex(".part")]
    parts = sorted(glob.glob(base + ".part[0-9][0-9]"))
    meta_path = base + ".parts.json"
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else None
    if meta and len(parts) != meta["parts"]:
        raise SystemExit("%s: %d parts found, %d written" % (base, len(parts), meta["parts"]))
    tmp = dst + ".tmp"
    with open(tmp, "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                out.write(f.read())
    if meta and sha256(tmp) != meta["sha256"]:
        os.remove(tmp)
        raise SystemExit("%s: the joined parts do not match the SHA-256 written with them" % base)
    os.replace(tmp, dst)
    print("%s: %d parts joined, %d bytes%s" % (dst, len(parts), os.path.getsize(dst), ", SHA-256 checked" if meta else ""))


if __name__ == "__main__":
    cmds = {"strip": strip, "split": split, "join": join}
    if len(sys.argv) < 4 or sys.argv[1] not in cmds:
        raise SystemExit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
