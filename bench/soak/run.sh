#!/usr/bin/env bash
# Soak harness of issue 15: THREADS threads generate with one shared pipeline for MINUTES minutes; RSS,
# committed and used heap, non-heap and direct buffers are recorded every SAMPLE seconds and after close().
# A harness run by hand, not a test. See README.md.
#
#   bench/soak/run.sh [THREADS=8] [MINUTES=10] [SAMPLE=30] [STEPS=0 (the model's)]
#
# Environment: HEAP (default 1g: -Xms and -Xmx), NICE (default 15), OUT (default bench/work/soak/soak-<date>.csv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
THREADS="${1:-8}"
MINUTES="${2:-10}"
SAMPLE="${3:-30}"
STEPS="${4:-0}"
HEAP="${HEAP:-1g}"
NICE="${NICE:-15}"
mkdir -p "$ROOT/bench/work/soak"
OUT="${OUT:-$ROOT/bench/work/soak/soak-$(date +%Y%m%d-%H%M).csv}"
JAVA="${JAVA:-$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -1)}"
APP="$ROOT/samples/cli/target"
if [ ! -f "$APP/vimi-cli.jar" ]; then
  (cd "$ROOT" && nice -n "$NICE" mvn -q -B -ntp -T1 -DskipTests package -pl samples/cli -am)
fi
echo "threads=$THREADS minutes=$MINUTES sample=${SAMPLE}s steps=$STEPS heap=$HEAP load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec nice -n "$NICE" "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED -Dvimi.home="$ROOT" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$APP/vimi-cli.jar:$APP/lib/*" dev.vimi.cli.Soak "$THREADS" "$MINUTES" "$SAMPLE" "$OUT" "$STEPS"
