#!/usr/bin/env bash
# Ingest throughput of vimi's Lucene memory under two commit cadences, alternately, same corpus, same
# JVM settings: "before" (commit every 60 s or 2,000,000 pairs, the old default) and "after" (the
# current default: every 10 s or 1,000,000 pairs). A harness run by hand, not a test. See README.md.
#
#   bench/retrieval/cadence.sh CORPUS.tsv
#
# Environment: WORK (default bench/work/retrieval), REPEAT (3), THREADS (1), HEAP (2g), NICE (15), VIMI_CP (a
# class path of vimi-spi, memory-formats, retriever-lucene and their dependencies; skips the build).
# Builds with `mvn package` in the reactor (never `install`) and compiles the runner with javac.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/retrieval"
CORPUS="$(realpath "${1:?usage: cadence.sh CORPUS.tsv}")"
WORK="${WORK:-$ROOT/bench/work/retrieval}"
REPEAT="${REPEAT:-3}"
THREADS="${THREADS:-1}"
HEAP="${HEAP:-2g}"
NICE="${NICE:-15}"
JAVA="${JAVA:-$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -1)}"
mkdir -p "$WORK/classes"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

if [ -z "${VIMI_CP:-}" ]; then
  log "building retriever-lucene and what it needs (package, not install)"
  (cd "$ROOT" && nice -n "$NICE" mvn -q -B -ntp -T1 package dependency:build-classpath -DskipTests -pl plugins/retriever-lucene -am \
    -Dmdep.outputFile="$WORK/lucene.cp" -Dmdep.includeScope=runtime)
  VIMI_CP="$ROOT/vimi-spi/target/classes:$ROOT/plugins/memory-formats/target/classes:$ROOT/plugins/retriever-lucene/target/classes:$(cat "$WORK/lucene.cp")"
fi
CP="$VIMI_CP"
"$(dirname "$JAVA")/javac" -d "$WORK/classes" -cp "$CP" "$HERE"/vimi-runner/src/main/java/dev/vimi/bench/retrieval/*.java "$HERE"/shared/dev/vimi/bench/shared/Queries.java
CP="$CP:$WORK/classes"
OUT="$WORK/cadence.jsonl"
: > "$OUT"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for rep in $(seq "$REPEAT"); do
  for cadence in before after; do
    extra=()
    [ "$cadence" = before ] && extra=(commit.interval.seconds=60 commit.every=2000000)
    rm -rf "$WORK/cadence-memory"
    log "$cadence, round $rep"
    nice -n "$NICE" "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -cp "$CP" dev.vimi.bench.retrieval.VimiBench ingest "$CORPUS" "$WORK/cadence-memory" "$THREADS" "${extra[@]}" \
      2>>"$WORK/cadence-stderr.log" | grep '^{' | sed "s/^{/{\"cadence\":\"$cadence\",/" | tee -a "$OUT"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for key in ("docs_per_s", "docs_per_cpu_s"):
    med = {c: statistics.median(r[key] for r in rows if r["cadence"] == c) for c in ("before", "after")}
    print(f"{key}: before {med['before']:,.0f}, after {med['after']:,.0f}, after/before {med['after'] / med['before']:.3f}")
PY
