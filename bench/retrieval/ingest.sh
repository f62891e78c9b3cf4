#!/usr/bin/env bash
# Ingest throughput only: vimi's Lucene memory vs Anserini 0.39.0, alternately, same texts, same JVM settings,
# vimi with its default settings (commits every 10 s or 1,000,000 pairs). A harness run by hand, not a test.
# See README.md ("Ingest, issue 18").
#
#   bench/retrieval/ingest.sh CORPUS.tsv
#
# Environment: WORK (default bench/work/retrieval), LIMIT (ingest only the first LIMIT lines of the corpus; 0 = all,
# the default), REPEAT (rounds, default 3), THREADS (default "1"; e.g. "1 2"), RAM_MB (indexing buffer of both, 256),
# HEAP (4g), NICE (15), VIMI_EXTRA (extra vimi settings, key=value ...), DEFERRED (1 = also measure vimi with
# ingest.merges=deferred, as "vimi-deferred"), BASE_CP (a class path of an older vimi build, measured as "vimi-base"),
# PARALLEL (1 = run the systems of a round at the same time instead of one after the other: on a machine where other
# work holds the cores, each gets its own small share and the CPU-normalised figures stay comparable), JFR (1 = record
# each ingest with Java Flight Recorder into WORK/jfr/), VIMI_CP (a class path of vimi-spi, memory-formats,
# retriever-lucene and their dependencies; skips the build), ANSERINI_CP (the Anserini fatjar; default: resolved by
# Maven from bench/retrieval/anserini-runner).
# Builds vimi with `mvn package` in the reactor (never `install`) and compiles both runners with javac.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/retrieval"
CORPUS="$(realpath "${1:?usage: ingest.sh CORPUS.tsv}")"
WORK="${WORK:-$ROOT/bench/work/retrieval}"
LIMIT="${LIMIT:-0}"
REPEAT="${REPEAT:-3}"
THREADS="${THREADS:-1}"
RAM_MB="${RAM_MB:-256}"
HEAP="${HEAP:-4g}"
NICE="${NICE:-15}"
read -r -a VIMI_EXTRA <<< "${VIMI_EXTRA:-}"
JAVA="${JAVA:-$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -1)}"
JAVAC="$(dirname "$JAVA")/javac"
mkdir -p "$WORK/classes-vimi" "$WORK/classes-anserini" "$WORK/jfr"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

if [ -z "${VIMI_CP:-}" ]; then
  log "building retriever-lucene and memory-formats (package, not install)"
  (cd "$ROOT" && nice -n "$NICE" mvn -q -B -ntp -T1 package dependency:build-classpath -DskipTests \
    -pl plugins/retriever-lucene,plugins/memory-formats -am -Dmdep.outputFile="$WORK/ingest-vimi.cp" -Dmdep.includeScope=runtime)
  VIMI_CP="$ROOT/vimi-spi/target/classes:$ROOT/plugins/memory-formats/target/classes:$ROOT/plugins/retriever-lucene/target/classes:$(cat "$WORK/ingest-vimi.cp")"
fi
if [ -z "${ANSERINI_CP:-}" ]; then
  (cd "$HERE/anserini-runner" && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$WORK/anserini.cp")
  ANSERINI_CP="$(cat "$WORK/anserini.cp")"
fi
"$JAVAC" --release 21 -d "$WORK/classes-vimi" -cp "$VIMI_CP" "$HERE"/vimi-runner/src/main/java/dev/vimi/bench/retrieval/*.java \
  "$HERE"/shared/dev/vimi/bench/shared/Queries.java
"$JAVAC" --release 21 -d "$WORK/classes-anserini" -cp "$ANSERINI_CP" "$HERE"/anserini-runner/src/main/java/dev/vimi/bench/anserini/*.java \
  "$HERE"/shared/dev/vimi/bench/shared/Queries.java
ACP="$ANSERINI_CP:$WORK/classes-anserini"

TEXTS="$CORPUS"
if [ "$LIMIT" != 0 ]; then
  TEXTS="$WORK/ingest-corpus-$LIMIT.tsv"
  head -n "$LIMIT" "$CORPUS" > "$TEXTS"
fi
JVM=(-Xms"$HEAP" -Xmx"$HEAP" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
OUT="$WORK/ingest.jsonl"
: > "$OUT"
: > "$WORK/ingest-segments.txt"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "texts: $(wc -l < "$TEXTS") lines of $CORPUS"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/ingest-machine.txt" >&2

log "preparing Anserini's JsonCollection input (not timed)"
for T in $THREADS; do
  rm -rf "$WORK/ingest-json-$T"
  nice -n "$NICE" "$JAVA" -cp "$ACP" dev.vimi.bench.anserini.AnseriniBench prepare "$TEXTS" "$WORK/ingest-json-$T" "$T"
done

jfr() { [ "${JFR:-0}" = 1 ] && echo "-XX:StartFlightRecording=filename=$WORK/jfr/$1.jfr,settings=profile" || true; }
# one measurement: LABEL ROUND THREADS java-arguments...; its JSON line gets the round and the label as "system"
one() {
  local label="$1" round="$2" t="$3"; shift 3
  nice -n "$NICE" "$JAVA" "${JVM[@]}" $(jfr "$label-$t-$round") "$@" 2>>"$WORK/ingest-stderr.log" | grep '^{' \
    | sed -e "s/^{/{\"round\":$round,/" -e "s/\"system\":\"[a-z]*\"/\"system\":\"$label\"/" | tee -a "$OUT"
}
for rep in $(seq "$REPEAT"); do
  for T in $THREADS; do
    log "ingest, $T thread(s), round $rep"
    runs=("vimi|$VIMI_CP|${VIMI_EXTRA[*]}")
    [ "${DEFERRED:-0}" = 1 ] && runs+=("vimi-deferred|$VIMI_CP|${VIMI_EXTRA[*]} ingest.merges=deferred")
    [ -n "${BASE_CP:-}" ] && runs+=("vimi-base|$BASE_CP|${VIMI_EXTRA[*]}")
    runs+=("anserini||")
    pids=()
    for r in "${runs[@]}"; do
      IFS='|' read -r label cp extra <<< "$r"
      dir="$WORK/ingest-$label-$T"
      rm -rf "$dir"
      if [ "$label" = anserini ]; then
        cmd=(-cp "$ACP" dev.vimi.bench.anserini.AnseriniBench ingest "$WORK/ingest-json-$T" "$dir" "$T" "$RAM_MB" false)
      else
        read -r -a ex <<< "$extra"
        cmd=(-cp "$cp:$WORK/classes-vimi" dev.vimi.bench.retrieval.VimiBench ingest "$TEXTS" "$dir" "$T" ram.buffer.mb="$RAM_MB" "${ex[@]}")
      fi
      if [ "${PARALLEL:-0}" = 1 ]; then
        one "$label" "$rep" "$T" "${cmd[@]}" & pids+=($!)
      else
        one "$label" "$rep" "$T" "${cmd[@]}"
      fi
    done
    for p in "${pids[@]}"; do wait "$p"; done
    for r in "${runs[@]}"; do
      label="${r%%|*}"
      [ "$label" = anserini ] && dir="$WORK/ingest-$label-$T" || dir="$WORK/ingest-$label-$T/lucene"
      echo "segments $label $T $rep: $(ls "$dir" | grep -c '\.si$')" | tee -a "$WORK/ingest-segments.txt" >&2
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/ingest-machine.txt" >&2

python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
systems = [s for s in ("vimi", "vimi-deferred", "vimi-base") if any(r["system"] == s for r in rows)]
for t in sorted({r["threads"] for r in rows}):
    print(f"threads {t}")
    by = {(r["system"], r["round"]): r for r in rows if r["threads"] == t}
    for rnd in sorted({k[1] for k in by}):
        a = by.get(("anserini", rnd))
        for s in systems + ["anserini"]:
            v = by.get((s, rnd))
            if v:
                ratio = f"; vs anserini: wall {v['docs_per_s'] / a['docs_per_s']:.2f}x, CPU {v['docs_per_cpu_s'] / a['docs_per_cpu_s']:.2f}x" if a and s != "anserini" else ""
                print(f"  round {rnd} {s:14s} {v['docs_per_s']:9,.0f} docs/s wall, {v['docs_per_cpu_s']:9,.0f} docs/CPU s"
                      f" ({v['seconds']:.1f} s, {v['cpu_seconds']:.2f} CPU s){ratio}")
    for key in ("docs_per_s", "docs_per_cpu_s"):
        med = {s: statistics.median(r[key] for r in rows if r["threads"] == t and r["system"] == s) for s in systems + ["anserini"]}
        print(f"  median {key}: " + ", ".join(f"{s} {med[s]:,.0f} ({med[s] / med['anserini']:.2f}x)" for s in systems + ["anserini"]))
PY
