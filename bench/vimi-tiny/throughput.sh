#!/bin/sh
# ViMi-tiny throughput and per-step profile of the SDK (VimiPipeline.generate on the committed bundle), see
# bench/vimi-tiny/README.md:
#   bench/vimi-tiny/throughput.sh [throughput] [Throughput.java options]  # videos/min for 1, 2, 4 requests in flight + count 4
#   bench/vimi-tiny/throughput.sh profile [Profile.java options]          # where one generation's time goes
# e.g. bench/vimi-tiny/throughput.sh throughput --seconds 120 --set threads=2
#      bench/vimi-tiny/throughput.sh profile --runs 10 --per-step
# From a fresh clone: needs Maven (the first run builds the SDK modules, see models/vimi-tiny/tools/classpath.sh;
# MVN_OPTS=-o for an offline build) and JDK 25 (JAVA=...); nothing outside the repository. Run it on an idle
# machine: the table prints the load average before and after each row, check it.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
MAIN=Throughput
case "$1" in
  throughput) shift ;;
  profile) MAIN=Profile; shift ;;
esac
CP=$(models/vimi-tiny/tools/classpath.sh)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $($JAVA -version 2>&1 | head -1)"
# the SDK logs through SLF4J's simple binding: warnings only, so that the tables stay readable
exec $JAVA -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" bench/vimi-tiny/$MAIN.java "$@"
