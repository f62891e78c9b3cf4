#!/bin/sh
# Prints a class path with the SDK modules ViMi-tiny's tools use (engine, mllm encoder, Lucene
# retriever, both backends, video-io, image-io) and their dependencies, from a built checkout:
#   mvn -q -B install -DskipTests -pl vimi-spi,compat-tests,vimi-api,plugins/encoder-mllm,plugins/retriever-lucene,backends/onnx,backends/pytorch,plugins/video-io,plugins/image-io -am
# Usage: CP=$(models/vimi-tiny/tools/classpath.sh)
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/models/vimi-tiny/work/classpath
mkdir -p "$OUT"
MODS="vimi-spi vimi-api plugins/encoder-mllm plugins/retriever-lucene backends/denoiser-support backends/onnx backends/pytorch plugins/video-io plugins/image-io"
JARS=""
for m in $MODS; do
  f="$OUT/$(echo "$m" | tr / _).txt"
  if [ ! -s "$f" ]; then
    (cd "$ROOT" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$f" -Dmdep.includeScope=runtime -pl "$m" >/dev/null)
  fi
  jar=$(ls "$ROOT/$m"/target/vimi-*-0.1.0-SNAPSHOT.jar 2>/dev/null | grep -v -e sources -e tests | head -1)
  JARS="$JARS:$jar"
done
DEPS=$(cat "$OUT"/*.txt | tr ':' '\n' | grep -v slf4j-simple | sort -u | tr '\n' ':')
SIMPLE=$(find "$HOME/.m2/repository/org/slf4j/slf4j-simple" -name 'slf4j-simple-*.jar' | head -1)
echo "${JARS#:}:$DEPS$SIMPLE"
