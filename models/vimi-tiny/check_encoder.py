#!/usr/bin/python3
"""Encoder parity: the conditioning the SDK's `mllm` encoder computed for a case (tools/SdkGenerate.java)
against the training recipe's composition of the same prompt -- MiniLM states from the SDK
(tools/TextStates.java), then the PyTorch vision tower, projector and fusion network (the weights the
bundle was exported from) spliced and fused as in train.Encoder.

    /usr/bin/python3 models/vimi-tiny/check_encoder.py CASE_DIR
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import export as ex  # noqa: E402
import vimi_tiny as vt  # noqa: E402


def main():
    case_dir = sys.argv[1]
    case = json.load(open(os.path.join(case_dir, "case.json")))
    text = case["prompt_text"]
    parts = text.split("<image>")
    pieces = []
    for i, p in enumerate(parts):
        if p.strip():
            pieces.append(p.strip())
        if i < len(parts) - 1:
            pieces.append(None)
    images = [os.path.join(REPO, p) for p in case["images"]]
    if case.get("first_frame"):
        images.append(os.path.join(REPO, case["first_frame"]))
    if case.get("retrieved"):
        sys.exit("cases with retrieved pairs are not supported here (their images are in the memory)")
    tmp = tempfile.mkdtemp()
    with open(os.path.join(tmp, "p.jsonl"), "w") as f:
        f.write(json.dumps({"key": "case", "pieces": pieces}) + "\n")
    java = os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    cp = subprocess.check_output([os.path.join(HERE, "tools", "classpath.sh")], text=True).strip()
    ident = os.path.join(HERE, "work", "identity_fusion.onnx")
    if not os.path.exists(ident):
        subprocess.check_call(["/usr/bin/python3", os.path.join(HERE, "tools", "identity_fusion.py"), ident])
    subprocess.check_call([java, "-cp", cp, os.path.join(HERE, "tools", "TextStates.java"), ident,
                           os.path.join(tmp, "p.jsonl"), os.path.join(tmp, "s"), "1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    idx = json.loads(open(os.path.join(tmp, "s.jsonl")).readline())
    states = torch.from_numpy(np.fromfile(os.path.join(tmp, "s.f16"), dtype="<f2").astype(np.float32).reshape(-1, vt.LM_DIM))
    enc, _, _, _, _ = ex.load()
    layout = [("t", 0, 1)]
    at = 1
    pixels = []
    img_i = 0
    for c in idx["counts"]:
        if c < 0:
            arr = np.asarray(Image.open(images[img_i]).convert("RGBA"))
            pixels.append(vt.preprocess_image(arr))
            layout.append(("i", len(pixels) - 1))
            img_i += 1
        elif c > 0:
            layout.append(("t", at, c))
            at += c
    layout.append(("t", at, 1))
    with torch.no_grad():
        cond, mask = enc([(states, layout)], torch.stack(pixels) if pixels else None)
    L, D = vt.COND_LEN, vt.COND_DIM
    sdk = np.fromfile(os.path.join(case_dir, "conditioning.f32"), dtype="<f4").reshape(L, D)
    sdk_mask = np.fromfile(os.path.join(case_dir, "conditioning_mask.f32"), dtype="<f4")
    n = int(mask.sum())
    print("positions: SDK %d, recipe %d" % (int(sdk_mask.sum()), n))
    d = np.abs(sdk - cond[0].numpy())
    print("conditioning: max |SDK - recipe| = %.3g, mean = %.3g, max |C| = %.3g" % (d.max(), d.mean(), np.abs(sdk).max()))


if __name__ == "__main__":
    main()
