#!/bin/sh
# ViMi-tiny's base stage on a GPU machine (PyTorch with CUDA, no JDK, no network), in one run:
#   data (data/generate.py), prompts (prompts.py over the carried SDK retrieval), MiniLM states
#   (gpu/states.py: the same int8 graph the SDK runs, on the GPU), then train.py base at batch 256 with
#   clips drawn by worker processes, checkpointed and evaluated (quick_eval) every few minutes.
# Everything it writes lands in $OUT (or work/gpu-out): ckpt/base.pt (resumable here: copy it to work/ckpt/;
# with SPLIT_MIB=15 it comes back as parts: tools/portable_ckpt.py join), curve.jsonl, the logs.
#   device tool: carry models/vimi-tiny/work/gpu (gpu/pack.sh builds it), then
#   sh models/vimi-tiny/gpu/run.sh     [MINUTES=9 BATCH=256 LR=2e-3 WORKERS=12 DEVICE=cuda CAPTIONS=30000 EVAL_ITEMS=80 SPLIT_MIB= TRAIN_FLAGS=]
# Dry run here (CPU, a few captions): DEVICE=cpu CAPTIONS=100 BATCH=4 WORKERS=1 MINUTES=0.5 EVAL_MINUTES=0.3 sh ...
set -e
M=$(cd "$(dirname "$0")/.." && pwd); export M
ROOT=$(cd "$M/../.." && pwd)
OUT=${OUT:-$M/work/gpu-out}
PY=${PY:-python3}
export VIMI_TINY_WORK=${VIMI_TINY_WORK:-$M/work/gpu-run}
mkdir -p "$OUT" "$VIMI_TINY_WORK/data"
T0=$(date +%s)
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')" | tee "$OUT/device.txt"
$PY "$M/data/generate.py" --out "$VIMI_TINY_WORK/data" --train "${CAPTIONS:-30000}"
$PY -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$M/work/gpu/augmented.jsonl.xz" \
  | sed "s#@REPO@#$ROOT#g" > "$VIMI_TINY_WORK/data/augmented.jsonl"
$PY "$M/prompts.py"
$PY "$M/gpu/states.py" "$M/work/gpu/minilm.pt" --device "${DEVICE:-cuda}" 2>&1 | tail -2 | tee "$OUT/states.txt"
echo "data ready after $(( $(date +%s) - T0 )) s" | tee -a "$OUT/states.txt"
# checkpoints and the curve are written straight into $OUT, so that a run stopped at the device tool's limit
# still returns its last checkpoint; resume from a carried checkpoint when there is one (gpu/pack.sh puts the
# committed one there in portable form: tools/portable_ckpt.py strip)
mkdir -p "$OUT/ckpt"
rm -rf "$VIMI_TINY_WORK/ckpt"; ln -s "$OUT/ckpt" "$VIMI_TINY_WORK/ckpt"
rm -f "$VIMI_TINY_WORK/curve.jsonl"; touch "$OUT/curve.jsonl"; ln -s "$OUT/curve.jsonl" "$VIMI_TINY_WORK/curve.jsonl"
if [ -f "$M/work/gpu/base.pt" ]; then cp "$M/work/gpu/base.pt" "$OUT/ckpt/base.pt"; fi
# the optional parts the resumed checkpoint was trained with (train.py refuses a config that differs)
EXTRA=$($PY - "$OUT/ckpt/base.pt" <<'PY'
import os, sys
sys.path.insert(0, os.environ["M"])
if os.path.exists(sys.argv[1]):
    import vimi_tiny as vt
    cfg = vt.load(sys.argv[1], map_location="cpu").get("config") or {}
    print(" ".join(f for k, f in (("layout_look", "--layout-look"), ("spacetime", "--spacetime"), ("frame_mod", "--frame-mod")) if cfg.get(k)))
PY
)
echo "resuming with extra flags: ${EXTRA:-none} ${TRAIN_FLAGS:-}" | tee -a "$OUT/states.txt"
$PY "$M/train.py" base --device "${DEVICE:-cuda}" --batch "${BATCH:-256}" --lr "${LR:-2e-3}" --warmup 100 \
  --workers "${WORKERS:-12}" --threads 4 --minutes "${MINUTES:-9}" --eval-minutes "${EVAL_MINUTES:-3}" \
  --eval-items "${EVAL_ITEMS:-80}" --encoder-frozen 50000 --log-every 20 --aux 0.5 --p-mean 1.0 --p-std 1.2 --smooth \
  --start-span 0.3 --start-share 0.8 --layout 1.0 --layout-pixel $EXTRA ${TRAIN_FLAGS:-} 2>&1 | tee "$OUT/train.out" | grep -v Warning || true
cp "$VIMI_TINY_WORK/train_base.log" "$OUT/" 2>/dev/null || true
# the device tool returns files of at most 16 MiB: the checkpoint comes back in parts (portable_ckpt.py join)
if [ -n "${SPLIT_MIB:-}" ] && [ -f "$OUT/ckpt/base.pt" ]; then
  $PY "$M/tools/portable_ckpt.py" split "$OUT/ckpt/base.pt" "$OUT/ckpt" "$SPLIT_MIB" && rm -f "$OUT/ckpt/base.pt"
fi
echo "done after $(( $(date +%s) - T0 )) s; outputs in $OUT" | tee -a "$OUT/states.txt"
