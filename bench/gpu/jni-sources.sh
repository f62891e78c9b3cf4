#!/usr/bin/env bash
# Plan B of the GPU kit (README.md, "Plan B"): assembles, here, what it takes to rebuild DJL's PyTorch JNI library
# against the GPU machine's own libtorch there (bench/gpu/build-jni.sh), into the carry:
#   $CARRY/jni/src/       the C++ of DJL's pytorch-native at the tag of the DJL version the SDK uses
#   $CARRY/jni/include/   the JNI header javac -h writes for ai.djl.pytorch.jni.PyTorchLibrary, djl/utils.h,
#                         and jni.h / jni_md.h of the JDK used here
# Nothing of DJL is committed to this repository: the sources come from a DJL checkout given here.
#
#   bench/gpu/jni-sources.sh DJL_CHECKOUT          # a git clone of deepjavalibrary/djl (any branch: the tag is read)
#
# Environment: CARRY (default bench/work/gpu-carry), DJL_TAG (default v + the DJL version in the root pom.xml),
# JAVA_HOME (a JDK >= 21; default: the newest under /usr/lib/jvm).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARRY="${CARRY:-$ROOT/bench/work/gpu-carry}"
DJL="${1:?usage: bench/gpu/jni-sources.sh DJL_CHECKOUT}"
[ -d "$DJL/.git" ] || [ -f "$DJL/HEAD" ] || { echo "$DJL is not a git checkout of deepjavalibrary/djl" >&2; exit 2; }
TAG="${DJL_TAG:-v$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$ROOT/pom.xml" | head -1)}"
jdk="${JAVA_HOME:-$(ls -d /usr/lib/jvm/* | sort -rV | head -1)}"
[ -x "$jdk/bin/javac" ] || { echo "needs a JDK (set JAVA_HOME)" >&2; exit 2; }
git -C "$DJL" rev-parse -q --verify "$TAG^{commit}" >/dev/null || { echo "$DJL has no tag $TAG" >&2; exit 2; }
OUTD="$CARRY/jni"
rm -rf "$OUTD" && mkdir -p "$OUTD/src" "$OUTD/include/djl" "$OUTD/java"
NATIVE=engines/pytorch/pytorch-native/src/main/native
for f in $(git -C "$DJL" ls-tree --name-only "$TAG" "$NATIVE/"); do
  git -C "$DJL" show "$TAG:$f" > "$OUTD/src/$(basename "$f")"
done
git -C "$DJL" show "$TAG:api/src/main/native/djl/utils.h" > "$OUTD/include/djl/utils.h"
# the JNI header: javac -h over PyTorchLibrary.java and what it references, from the same tag
git -C "$DJL" archive "$TAG" engines/pytorch/pytorch-engine/src/main/java api/src/main/java | tar -x -C "$OUTD/java"
"$jdk/bin/javac" -nowarn -h "$OUTD/include" -d "$OUTD/java/classes" \
  -sourcepath "$OUTD/java/engines/pytorch/pytorch-engine/src/main/java:$OUTD/java/api/src/main/java" \
  "$OUTD/java/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" 2>&1 | grep -v '^Note:' || true
rm -rf "$OUTD/java"
[ -f "$OUTD/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || { echo "javac -h wrote no header" >&2; exit 3; }
cp "$jdk/include/jni.h" "$jdk/include/linux/jni_md.h" "$OUTD/include/"
echo "$TAG $(git -C "$DJL" rev-parse "$TAG^{commit}")" > "$OUTD/DJL_TAG"
echo "[jni-sources] $(ls "$OUTD/src" | wc -l) source files of DJL $TAG, $(du -sh "$OUTD" | cut -f1) in $OUTD" >&2
