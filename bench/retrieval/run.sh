#!/usr/bin/env bash
# Retrieval benchmark: vimi's Lucene memory vs raw Lucene (the same version, a hand-written query on
# vimi's index) vs Anserini 0.39.0, same corpus, same queries, one run.
# A harness run by hand, not a test. See README.md.
#
#   bench/retrieval/run.sh CORPUS.tsv QUERIES.tsv
#
# Environment: WORK (scratch folder, default bench/work/retrieval, git-ignored), REPEAT (default 3),
# INGEST_REPEAT (timed ingest rounds, default REPEAT; 0 = only build the search indexes), PASSES (timed
# passes over the queries, default 5), K (default 3), K1/B (default 0.9/0.4), RAM_MB (indexing buffer of
# both, default 256), HEAP (default 4g), NICE (default -10; all sides alike), REUSE (1 = keep search
# indexes of an earlier run in WORK), SKIP_BUILD (1 = use the runners an earlier run built), MVN_ARGS (extra Maven arguments, e.g. -Dmaven.repo.local=DIR to
# install vimi into a private repository instead of ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/retrieval"
CORPUS="$(realpath "${1:?usage: run.sh CORPUS.tsv QUERIES.tsv}")"
QUERIES="$(realpath "${2:?usage: run.sh CORPUS.tsv QUERIES.tsv}")"
WORK="${WORK:-$ROOT/bench/work/retrieval}"
REPEAT="${REPEAT:-3}"
INGEST_REPEAT="${INGEST_REPEAT:-$REPEAT}"
REUSE="${REUSE:-0}"
read -r -a MVN_EXTRA <<< "${MVN_ARGS:-}"
PASSES="${PASSES:-5}"
K="${K:-3}"
K1="${K1:-0.9}"
B="${B:-0.4}"
RAM_MB="${RAM_MB:-256}"
HEAP="${HEAP:-4g}"
NICE="${NICE:--10}"

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
JAVA=""
for c in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  if [ -n "$c" ] && [ -x "$c" ] && [ "$(java_major "$c")" -ge 21 ] 2>/dev/null; then JAVA="$c"; break; fi
done
[ -n "$JAVA" ] || { echo "needs a Java >= 21" >&2; exit 2; }

mkdir -p "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
log "building vimi (retriever-lucene and what it needs) and the three runners"
(cd "$ROOT" && mvn -q -B -ntp "${MVN_EXTRA[@]}" install -DskipTests -pl plugins/retriever-lucene -am)
(cd "$HERE/vimi-runner" && mvn -q -B -ntp "${MVN_EXTRA[@]}" package dependency:build-classpath -Dmdep.outputFile="$WORK/vimi.cp")
(cd "$HERE/lucene-runner" && mvn -q -B -ntp "${MVN_EXTRA[@]}" package dependency:build-classpath -Dmdep.outputFile="$WORK/lucene.cp")
(cd "$HERE/anserini-runner" && mvn -q -B -ntp "${MVN_EXTRA[@]}" package dependency:build-classpath -Dmdep.outputFile="$WORK/anserini.cp")
fi
VCP="$HERE/vimi-runner/target/classes:$(cat "$WORK/vimi.cp")"
LCP="$HERE/lucene-runner/target/classes:$(cat "$WORK/lucene.cp")"
ACP="$HERE/anserini-runner/target/classes:$(cat "$WORK/anserini.cp")"
JVM=(-Xms"$HEAP" -Xmx"$HEAP" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
run() { nice -n "$NICE" "$JAVA" "${JVM[@]}" "$@" 2>>"$WORK/stderr.log" | grep '^{' | tee -a "$RESULTS"; }
vimi() { run -cp "$VCP" dev.vimi.bench.retrieval.VimiBench "$@"; }
lucene() { run -cp "$LCP" dev.vimi.bench.lucene.LuceneBench "$@"; }
anserini() { run -cp "$ACP" dev.vimi.bench.anserini.AnseriniBench "$@"; }

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/machine.txt" >&2

log "preparing Anserini's JsonCollection input (not timed)"
for T in 1 2; do
  [ "$REUSE" = 1 ] && [ -d "$WORK/json-$T" ] && continue
  rm -rf "$WORK/json-$T"
  nice -n "$NICE" "$JAVA" -cp "$ACP" dev.vimi.bench.anserini.AnseriniBench prepare "$CORPUS" "$WORK/json-$T" "$T"
done

for rep in $(seq "$INGEST_REPEAT"); do
  for T in 1 2; do
    log "ingest, $T thread(s), round $rep"
    rm -rf "$WORK/vimi-$T" "$WORK/anserini-$T"
    vimi ingest "$CORPUS" "$WORK/vimi-$T" "$T" ram.buffer.mb="$RAM_MB"
    anserini ingest "$WORK/json-$T" "$WORK/anserini-$T" "$T" "$RAM_MB" false
  done
done

log "search indexes: one thread, merged to one segment (the deployment of a read-mostly memory)"
if [ "$REUSE" = 1 ] && [ -d "$WORK/vimi-opt" ] && [ -d "$WORK/anserini-opt" ]; then
  log "reusing $WORK/vimi-opt and $WORK/anserini-opt"
else
  rm -rf "$WORK/vimi-opt" "$WORK/anserini-opt"
  vimi ingest "$CORPUS" "$WORK/vimi-opt" 1 ram.buffer.mb="$RAM_MB" optimize=true > /dev/null
  anserini ingest "$WORK/json-1" "$WORK/anserini-opt" 1 "$RAM_MB" true > /dev/null
fi

# raw Lucene searches vimi's index: the same postings and norms, only the query path differs
for rep in $(seq "$REPEAT"); do
  for T in 1 2; do
    log "top-$K search, $T thread(s), round $rep"
    vimi search "$WORK/vimi-opt" "$QUERIES" "$K" "$T" "$PASSES" "$WORK/hits-vimi.tsv" k1="$K1" b="$B"
    lucene search "$WORK/vimi-opt" "$QUERIES" "$K" "$T" "$PASSES" "$WORK/hits-lucene.tsv" k1="$K1" b="$B"
    anserini search "$WORK/anserini-opt" "$QUERIES" "$K" "$T" "$PASSES" "$WORK/hits-anserini.tsv" "$K1" "$B"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt" >&2

"$JAVA" -cp "$VCP" dev.vimi.bench.retrieval.VimiBench report "$RESULTS" "$WORK/hits-vimi.tsv" "$WORK/hits-anserini.tsv" \
  "$WORK/hits-lucene.tsv" | tee "$WORK/table.md"
