#!/bin/sh
# From trained checkpoints (work/ckpt) to the committed artefacts: the bundle, the reference case the
# Java parity tests check, and the SDK-vs-Python comparison on it.
#   models/vimi-tiny/tools/bundle.sh
# Needs a built checkout (see tools/classpath.sh) and Debian's python3-torch + python3-onnx.
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
M=models/vimi-tiny
/usr/bin/python3 $M/export.py
CP=$($M/tools/classpath.sh)
# the reference case: the paper's subject task with a sprite from the memory, seed 7, 8 + 2 + 2 steps, guidance 3
# (8 base steps, not 4: with 4 the discrete sampler itself amplifies rounding, so that moving the starting noise by
# 1e-6 moved arm E's base video by up to 1.8e-3 in Python alone, and the parity check measured that, not the SDK;
# --sensitivity below prints this figure for every new bundle)
$JAVA -cp "$CP" $M/tools/SdkGenerate.java --bundle $M/bundle --out $M/reference --task subject \
  --prompt "A <image> moves left on a red background" \
  --image memories/emoji/src/main/resources/dev/vimi/memory/emoji/images/1f40c.png \
  --seed 7 --steps 8,2,2 --guidance 3 2>/dev/null
/usr/bin/python3 $M/reference_sample.py $M/reference --write --sensitivity
# the SDK's own outputs were only needed for the comparison printed above
rm -f $M/reference/sdk_base.f32 $M/reference/sdk.f32
du -sh $M/bundle
