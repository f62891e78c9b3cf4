#!/bin/sh
# Builds, here, what the GPU recipe (gpu/run.sh) needs beside the working tree: the carry, 26 MB in
# models/vimi-tiny/work/gpu/ (git-ignored; pass it as the device tool's carry):
#   minilm.pt            MiniLM's int8 ONNX graph and vocabulary as plain tensors (gpu/minilm.py pack)
#   augmented.jsonl.xz   the SDK's BM25 retrieval for the training captions (tools/Augment.java), with
#                        the repository root written as @REPO@
#   base.pt              checkpoints/base.pt in portable form (tools/portable_ckpt.py strip), resumed there
# Needs a built SDK (tools/classpath.sh) and work/data/augmented.jsonl (README.md, "Training").
set -e
M=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$M/../.." && pwd)
mkdir -p "$M/work/gpu"
/usr/bin/python3 "$M/gpu/minilm.py" pack "$M/work/gpu/minilm.pt"
sed "s#$ROOT#@REPO@#g" "$M/work/data/augmented.jsonl" | xz -T1 -9 > "$M/work/gpu/augmented.jsonl.xz"
/usr/bin/python3 "$M/gpu/minilm.py" check "$M/work/gpu/minilm.pt" 40 || true
# the committed checkpoint to resume from, without AdamW's moments (half the size; train.py re-warms)
if [ -f "$M/checkpoints/base.pt" ]; then
  /usr/bin/python3 "$M/tools/portable_ckpt.py" strip "$M/checkpoints/base.pt" "$M/work/gpu/base.pt"
fi
du -ch "$M/work/gpu"/* | tail -1
