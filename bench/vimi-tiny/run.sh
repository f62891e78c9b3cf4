#!/bin/sh
# ViMi-tiny speed, side by side on this machine: the SDK (VimiPipeline.generate on ONNX Runtime) vs the Python
# PyTorch loop (eager nn.Modules and TorchScript), same weights (the committed bundle's), steps, guidance (the
# bundle's defaults), seed and conditioning (a t2v prompt, retrieval off so both sides do the same work),
# alternating run by run (bench.py).
#   bench/vimi-tiny/run.sh [ROUNDS (default 5)] [bench.py options, e.g. --sdk 'threads1=--set threads=1']
# From a fresh clone: needs Maven (the first run builds the SDK modules, see models/vimi-tiny/tools/classpath.sh),
# JDK 25 (JAVA=...) and Debian's python3-torch (1.13) + python3-numpy; nothing outside the repository.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
export JAVA
ROUNDS=${1:-5}
[ $# -gt 0 ] && shift
CASE=$ROOT/bench/work/vimi-tiny-case
mkdir -p "$CASE"
CP=$(models/vimi-tiny/tools/classpath.sh)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# the case: the SDK's conditioning for the prompt and its video, for the Python side
$JAVA -cp "$CP" models/vimi-tiny/tools/SdkGenerate.java --bundle models/vimi-tiny/bundle --out "$CASE" \
  --task t2v --prompt "A dog moves right quickly on a blue background" --seed 3 2>/dev/null | grep -e "^SDK" -e "^wrote"
/usr/bin/python3 bench/vimi-tiny/bench.py "$CASE" --classpath "$CP" --rounds "$ROUNDS" --threads 2 "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
