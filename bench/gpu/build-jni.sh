#!/usr/bin/env bash
# Plan B of the GPU kit: rebuilds DJL's PyTorch JNI library (libdjl_torch.so) against a given libtorch, with the
# sources bench/gpu/jni-sources.sh put in the carry. Runs where the libtorch is (the GPU machine, whose PyTorch
# wheel ships the C++ headers): no CMake, one g++ per source file in parallel, then one link.
#
#   bench/gpu/build-jni.sh TORCH_DIR OUT_SO      # TORCH_DIR: the torch package folder (has include/ and lib/)
#
# Environment: CARRY (default bench/work/gpu-carry), USE_CUDA (1: the CUDA parts, needs libtorch_cuda; default:
# 1 when TORCH_DIR/lib has libtorch_cuda.so), PT_VERSION (a DJL compile switch, e.g. V1_13_X for libtorch 1.13 to
# 2.1), CXX (default g++), JOBS (default nproc), OPT (default -O2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARRY="${CARRY:-$ROOT/bench/work/gpu-carry}"
TORCH="${1:?usage: build-jni.sh TORCH_DIR OUT_SO}"
OUT_SO="${2:?usage: build-jni.sh TORCH_DIR OUT_SO}"
SRC="$CARRY/jni"
[ -d "$SRC/src" ] || { echo "no JNI sources in $SRC: run bench/gpu/jni-sources.sh here first" >&2; exit 2; }
CXX="${CXX:-g++}"
command -v "$CXX" >/dev/null || { echo "no C++ compiler ($CXX) on this machine" >&2; exit 2; }
INC="$TORCH/include"
[ -d "$INC/torch/csrc/api/include" ] || INC=/usr/include  # Debian's libtorch-dev puts the headers there
CUDA="${USE_CUDA:-}"
[ -z "$CUDA" ] && { [ -f "$TORCH/lib/libtorch_cuda.so" ] && CUDA=1 || CUDA=0; }
DEFS=(-D_GLIBCXX_USE_CXX11_ABI="$(python3 -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))' 2>/dev/null || echo 1)")
[ -n "${PT_VERSION:-}" ] && DEFS+=(-D"$PT_VERSION")
LIBS=(-ltorch -ltorch_cpu -lc10)
EXTRA_INC=()
if [ "$CUDA" = 1 ]; then
  DEFS+=(-DUSE_CUDA)
  LIBS+=(-ltorch_cuda -lc10_cuda)
  # cuda_runtime_api.h, which c10/cuda includes: the toolkit's or pip's nvidia packages'
  for d in /usr/local/cuda/include $(find "$(dirname "$TORCH")/nvidia" -maxdepth 4 -name cuda_runtime_api.h -printf '%h\n' 2>/dev/null); do
    [ -f "$d/cuda_runtime_api.h" ] && { EXTRA_INC+=(-I"$d"); break; }
  done
fi
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
FLAGS=(-std=c++17 -fPIC "${OPT:--O2}" -w "${DEFS[@]}" -I"$SRC/include" -I"$SRC/src" -I"$INC"
       -I"$INC/torch/csrc/api/include" "${EXTRA_INC[@]}")
echo "[build-jni] $CXX $($CXX -dumpversion), libtorch at $TORCH, CUDA $CUDA, ${DEFS[*]}" >&2
START=$(date +%s)
export CXX BUILD
printf '%s\n' "$SRC"/src/*.cc | xargs -P "${JOBS:-$(nproc)}" -I{} sh -c \
  '"$CXX" "$@" -c "{}" -o "$BUILD/$(basename "{}" .cc).o" 2> "$BUILD/$(basename "{}" .cc).err" || { echo "FAILED: {}"; head -c 3000 "$BUILD/$(basename "{}" .cc).err"; exit 1; }' \
  sh "${FLAGS[@]}" || { echo "[build-jni] compilation failed after $(( $(date +%s) - START )) s" >&2; exit 4; }
mkdir -p "$(dirname "$OUT_SO")"
"$CXX" -shared -o "$OUT_SO" "$BUILD"/*.o -L"$TORCH/lib" "${LIBS[@]}" -Wl,-rpath,"$TORCH/lib" \
  || { echo "[build-jni] link failed" >&2; exit 5; }
echo "[build-jni] $OUT_SO ($(du -h "$OUT_SO" | cut -f1)) in $(( $(date +%s) - START )) s" >&2
