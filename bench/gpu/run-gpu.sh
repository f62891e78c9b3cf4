#!/usr/bin/env bash
# The GPU kit's run script (bench/gpu/README.md). On the GPU machine (no JDK there, no network; PyTorch in
# python3), from the repository root, with the carry that bench/gpu/build-carry.sh built:
#
#   bench/gpu/run-gpu.sh            # 1. ldd -r of DJL's JNI library against this machine's torch/lib
#                                   # 2. ViMi-tiny's base stage through the SDK (pytorch backend) on cuda:0
#                                   # 3. the same TorchScript in PyTorch on cuda:0, and the comparison
#   DRY_RUN=1 bench/gpu/run-gpu.sh  # here, without a GPU: the same steps on the CPU (see the README)
#
# Environment: CARRY (default bench/work/gpu-carry), OUT (results; default $OUT, else bench/work/gpu-out),
# PYTHON (default python3), DEVICE (default cuda:0), PYTORCH_FLAVOR (default cu128), STEPS (default: the
# bundle's), REPEAT (timed generations per side, default 3), SDK_TIMEOUT (seconds, default 600),
# REBUILD_JNI (1, default: when the JNI library does not link and the carry has jni/, rebuild it there: plan B),
# JNI_BUILD_TIMEOUT (seconds, default 300).
# Dry run only: M2_REPO (a Maven repository holding pytorch-native-cpu and pytorch-jni, default ~/.m2/repository).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CARRY="${CARRY:-$ROOT/bench/work/gpu-carry}"
OUT="${OUT:-$ROOT/bench/work/gpu-out}"
PY="${PYTHON:-python3}"
DRY="${DRY_RUN:-0}"
REPEAT="${REPEAT:-3}"
BUNDLE="$ROOT/models/vimi-tiny/bundle"
CASE="$ROOT/models/vimi-tiny/reference"
if [ "$DRY" = 1 ]; then DEVICE="${DEVICE:-cpu}"; FLAVOR="${PYTORCH_FLAVOR:-cpu}"; else DEVICE="${DEVICE:-cuda:0}"; FLAVOR="${PYTORCH_FLAVOR:-cu128}"; fi
STEP_ARGS=()
[ -n "${STEPS:-}" ] && STEP_ARGS=(--steps "$STEPS")
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }
[ -f "$CARRY/kit.jar" ] && [ -f "$CARRY/runtime.tar.xz" ] || { echo "no carry at $CARRY: run bench/gpu/build-carry.sh first" >&2; exit 2; }

# --- 0. the machine -----------------------------------------------------------------------------------------
say "== machine: $(uname -srm), $(nproc) cores; dry run: $DRY; device $DEVICE, JNI flavor $FLAVOR"
command -v nvidia-smi >/dev/null && nvidia-smi -L 2>&1 | tee -a "$SUMMARY"
TORCH_INFO=$("$PY" -c 'import os, torch; print(torch.__version__, torch.version.cuda, os.path.join(os.path.dirname(torch.__file__), "lib"), torch.cuda.is_available())' 2>&1) \
  || { say "python cannot import torch: $TORCH_INFO"; exit 3; }
read -r TORCH_VERSION TORCH_CUDA TORCH_LIB CUDA_OK <<< "$TORCH_INFO"
say "== PyTorch $TORCH_VERSION (CUDA $TORCH_CUDA, available: $CUDA_OK), torch/lib: $TORCH_LIB"
SITE="$(dirname "$(dirname "$TORCH_LIB")")"
# the CUDA runtime DJL counts GPUs with (through JNA, by the name libcudart.so*): pip's nvidia packages or a toolkit
CUDART_DIRS=$(find "$SITE/nvidia" /usr/local/cuda/lib64 /usr/lib/x86_64-linux-gnu -maxdepth 3 -name 'libcudart.so*' 2>/dev/null \
  | xargs -r -n1 dirname | sort -u | tr '\n' ':')

# the JNI library of the flavor, out of the carried (stripped) pytorch-jni jar; python instead of unzip
extract_jni() { # JAR FLAVOR DEST
  "$PY" - "$1" "$2" "$3" <<'PY'
import sys, zipfile
jar, flavor, dest = sys.argv[1:]
with zipfile.ZipFile(jar) as z, open(dest, "wb") as f:
    f.write(z.read("jnilib/linux-x86_64/%s/libdjl_torch.so" % flavor))
PY
}
JNI_JAR=$(ls "$CARRY"/lib/pytorch-jni-*.jar)
mkdir -p "$TMP/jni"
extract_jni "$JNI_JAR" cu128 "$TMP/jni/libdjl_torch.so" || { say "cannot read the cu128 JNI library from $JNI_JAR"; exit 4; }

# --- 1. does DJL's JNI library link against this machine's libtorch? (seconds, no JVM) --------------------
say "== 1. ldd -r of pytorch-jni's linux-x86_64/cu128/libdjl_torch.so against $TORCH_LIB"
LD_LIBRARY_PATH="$TORCH_LIB:$CUDART_DIRS${LD_LIBRARY_PATH:-}" ldd -r "$TMP/jni/libdjl_torch.so" > "$OUT/ldd.txt" 2>&1
grep -o 'undefined symbol: [^[:space:]]*' "$OUT/ldd.txt" | sed 's/undefined symbol: //; s/,$//' | sort -u > "$OUT/missing-symbols.mangled.txt"
if command -v c++filt >/dev/null; then c++filt < "$OUT/missing-symbols.mangled.txt" > "$OUT/missing-symbols.txt"; else cp "$OUT/missing-symbols.mangled.txt" "$OUT/missing-symbols.txt"; fi
MISSING=$(wc -l < "$OUT/missing-symbols.txt")
NOTFOUND=$(grep -c 'not found' "$OUT/ldd.txt" || true)
say "   $MISSING undefined symbols, $NOTFOUND libraries not found (full lists: ldd.txt, missing-symbols.txt)"
grep 'not found' "$OUT/ldd.txt" | sed 's/^/   /' | tee -a "$SUMMARY"
head -15 "$OUT/missing-symbols.txt" | sed 's/^/   missing: /' | tee -a "$SUMMARY"

# --- 1b. plan B: when it does not link, rebuild it against this machine's libtorch (README.md, "Plan B") ----
JNI_VERSION=$(basename "$JNI_JAR" .jar); JNI_VERSION=${JNI_VERSION#pytorch-jni-}   # 2.7.1-0.35.1
REBUILT=""
if [ "$DRY" != 1 ] && [ "$MISSING" != 0 ] && [ -d "$CARRY/jni/src" ] && [ "${REBUILD_JNI:-1}" = 1 ]; then
  say "== 1b. rebuilding DJL's JNI library ($(cat "$CARRY/jni/DJL_TAG" 2>/dev/null | cut -d' ' -f1)) against $TORCH_LIB"
  DEST="$TMP/djl/pytorch/${JNI_VERSION%%-*}-$FLAVOR-linux-x86_64/${JNI_VERSION#*-}-libdjl_torch.so"
  B_START=$(date +%s)
  if timeout "${JNI_BUILD_TIMEOUT:-300}" "$ROOT/bench/gpu/build-jni.sh" "$(dirname "$TORCH_LIB")" "$DEST" > "$OUT/build-jni.log" 2>&1; then
    REBUILT="$DEST"
    LD_LIBRARY_PATH="$TORCH_LIB:$CUDART_DIRS${LD_LIBRARY_PATH:-}" ldd -r "$DEST" 2>&1 | grep -c 'undefined symbol' > "$TMP/undef" || true
    say "   built in $(( $(date +%s) - B_START )) s; undefined symbols now: $(cat "$TMP/undef") (log: build-jni.log)"
  else
    say "   the rebuild failed after $(( $(date +%s) - B_START )) s; first errors:"
    grep -m 8 -E 'error|FAILED' "$OUT/build-jni.log" | cut -c1-300 | sed 's/^/   /' | tee -a "$SUMMARY"
  fi
fi

# --- 2. the SDK, pytorch backend, on DEVICE -------------------------------------------------------------
if [ "$DRY" = 1 ]; then
  # here: the CPU libtorch of pytorch-native-cpu and the CPU JNI (neither is in the carry), so that the
  # carried runtime, jars and program run the whole SDK path
  M2="${M2_REPO:-$HOME/.m2/repository}"
  mkdir -p "$TMP/libtorch" && (cd "$TMP/libtorch" && unzip -q -j \
    "$(ls "$M2"/ai/djl/pytorch/pytorch-native-cpu/*/pytorch-native-cpu-*-linux-x86_64.jar | head -1)" 'pytorch/cpu/linux-x86_64/*')
  SDK_TORCH_LIB="$TMP/libtorch"
  FULL_JNI=$(ls "$M2"/ai/djl/pytorch/pytorch-jni/*/pytorch-jni-*.jar | head -1)
  mkdir -p "$TMP/djl/pytorch/${JNI_VERSION%%-*}-$FLAVOR-linux-x86_64"
  extract_jni "$FULL_JNI" "$FLAVOR" "$TMP/djl/pytorch/${JNI_VERSION%%-*}-$FLAVOR-linux-x86_64/${JNI_VERSION#*-}-libdjl_torch.so"
else
  SDK_TORCH_LIB="$TORCH_LIB"
fi
say "== 2. SDK (pytorch backend) on $DEVICE, libtorch from $SDK_TORCH_LIB, PYTORCH_FLAVOR=$FLAVOR"
"$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$CARRY/runtime.tar.xz" "$TMP" \
  || { say "cannot unpack the runtime"; exit 5; }
JAVA="$TMP/runtime/bin/java"
say "   runtime: $("$JAVA" -version 2>&1 | head -1)"
mkdir -p "$OUT/sdk"
SDK_START=$(date +%s)
env PYTORCH_LIBRARY_PATH="$SDK_TORCH_LIB" PYTORCH_FLAVOR="$FLAVOR" ENGINE_CACHE_DIR="$TMP/djl" \
  LD_LIBRARY_PATH="$SDK_TORCH_LIB:$CUDART_DIRS${LD_LIBRARY_PATH:-}" \
  timeout "${SDK_TIMEOUT:-600}" "$JAVA" -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
  -Dorg.slf4j.simpleLogger.logFile=System.out --enable-native-access=ALL-UNNAMED \
  -cp "$CARRY/kit.jar:$CARRY/lib/*" dev.vimi.bench.gpu.GpuCheck --bundle "$BUNDLE" --case "$CASE" --device "$DEVICE" \
  --repeat "$REPEAT" --out "$OUT/sdk" "${STEP_ARGS[@]}" > "$OUT/sdk.log" 2>&1
SDK_RC=$?
grep -E '^SDK:|Exception|Error|error:' "$OUT/sdk.log" | head -20 | sed 's/^/   /' | tee -a "$SUMMARY"
say "   exit $SDK_RC after $(( $(date +%s) - SDK_START )) s (log: sdk.log)"

# --- 3. the same TorchScript in PyTorch on DEVICE, and the comparison -------------------------------------
say "== 3. PyTorch $TORCH_VERSION on $DEVICE, the bundle's TorchScript, the same sampler loop"
CMP=()
[ "$SDK_RC" = 0 ] && CMP=(--compare "$OUT/sdk/sdk_base.f32")
"$PY" "$ROOT/bench/gpu/torch_side.py" --bundle "$BUNDLE" --case "$CASE" --out "$OUT/torch" --device "$DEVICE" \
  --repeat "$REPEAT" "${STEP_ARGS[@]}" "${CMP[@]}" > "$OUT/torch.log" 2>&1
PY_RC=$?
sed 's/^/   /' "$OUT/torch.log" | tail -6 | tee -a "$SUMMARY"
say "   exit $PY_RC"
if [ "$SDK_RC" != 0 ] && [ "$MISSING" != 0 ]; then
  say "== the JNI library does not link against this libtorch: see plan B in bench/gpu/README.md"
fi
[ "$SDK_RC" = 0 ] && [ "$PY_RC" = 0 ]
