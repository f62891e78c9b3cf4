#!/bin/sh
# ViMi-tiny speed, side by side on this machine: the SDK on ONNX Runtime vs the Python PyTorch loop, same
# weights, steps, guidance (the bundle's defaults), seed and conditioning (a t2v prompt, retrieval off so both
# sides do the same work).
#   bench/vimi-tiny/run.sh [STEPS (default: the bundle's)] [REPEAT (default 3)]
# Needs a built checkout (see models/vimi-tiny/README.md) and, for the eager loop, models/vimi-tiny/work/ckpt.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
STEPS=${1:-}
REPEAT=${2:-3}
CASE=$ROOT/bench/work/vimi-tiny-case
mkdir -p "$CASE"
CP=$(models/vimi-tiny/tools/classpath.sh)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
STEP_ARGS=""
[ -n "$STEPS" ] && STEP_ARGS="--steps $STEPS"
$JAVA -cp "$CP" models/vimi-tiny/tools/SdkGenerate.java --bundle models/vimi-tiny/bundle --out "$CASE" \
  --task t2v --prompt "A dog moves right quickly on a blue background" --seed 3 $STEP_ARGS \
  --repeat "$REPEAT" 2>/dev/null | grep SDK
/usr/bin/python3 bench/vimi-tiny/bench.py "$CASE" --repeat "$REPEAT" --threads 2 2>/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
