#!/bin/sh
# Prints a class path with the SDK modules ViMi-tiny's tools and bench/vimi-tiny use (engine, dataset builder, mllm encoder,
# Lucene retriever and the embedded emoji memory, both backends, video-io, image-io) and their dependencies,
# all taken from this checkout: the modules' own jars (target/), never a vimi jar from ~/.m2, so nothing needs
# `mvn install` and a stale installed snapshot cannot shadow the checkout.
#
# The first call (or any call with VIMI_BUILD=1, or after a module's jar went missing) builds them in one
# Maven session: `mvn package dependency:build-classpath -DskipTests` on these modules and what they need
# (MVN_OPTS, e.g. "-o", is passed on). Later calls reuse target/ as it is: after editing a module's sources,
# run with VIMI_BUILD=1.
# Usage: CP=$(models/vimi-tiny/tools/classpath.sh)
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
MODS="vimi-spi vimi-api vimi-augment plugins/memory-formats plugins/encoder-mllm plugins/retriever-lucene memories/emoji backends/denoiser-support backends/onnx backends/pytorch plugins/video-io plugins/image-io"
CPFILE=target/runtime-classpath.txt
need=${VIMI_BUILD:-0}
for m in $MODS; do
  if [ ! -s "$ROOT/$m/$CPFILE" ] || ! ls "$ROOT/$m"/target/vimi-*-0.1.0-SNAPSHOT.jar >/dev/null 2>&1; then
    need=1
  fi
done
if [ "$need" = 1 ]; then
  echo "classpath.sh: building $(echo $MODS | wc -w) modules (mvn package -DskipTests), a few minutes the first time ..." >&2
  (cd "$ROOT" && nice -n 10 mvn -q -B -ntp -T1 $MVN_OPTS package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=$CPFILE -Dmdep.includeScope=runtime -pl "$(echo $MODS | tr ' ' ',')" -am >&2)
fi
JARS=""
for m in $MODS; do
  jar=$(ls "$ROOT/$m"/target/vimi-*-0.1.0-SNAPSHOT.jar | grep -v -e sources -e tests | head -1)
  JARS="$JARS:$jar"
done
# third-party dependencies only: a module of this checkout comes from its own jar above (in-session, Maven
# resolves siblings to their target/ jars; an installed dev/vimi snapshot is never taken)
DEPS=$(for m in $MODS; do cat "$ROOT/$m/$CPFILE"; echo; done | tr ':' '\n' | grep -v -e '^$' -e "^$ROOT/" -e '/dev/vimi/' \
  -e slf4j-simple -e junit -e opentest4j -e apiguardian -e assertj -e byte-buddy | sort -u | tr '\n' ':')
# SLF4J's simple binding (a test dependency of the modules, so Maven fetched it) for the tools' log lines
SIMPLE=$(for m in $MODS; do cat "$ROOT/$m/$CPFILE"; echo; done | tr ':' '\n' | grep slf4j-simple | head -1)
echo "${JARS#:}:$DEPS$SIMPLE"
