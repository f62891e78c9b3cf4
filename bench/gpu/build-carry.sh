#!/usr/bin/env bash
# Builds, on this machine, what the GPU kit carries to a GPU machine that has no JDK and no network:
# a jlink runtime of only the modules the pytorch path needs (.tar.xz), the few jars it needs, and the
# kit's program. No libtorch: the GPU machine's PyTorch provides it. See bench/gpu/README.md.
#
#   bench/gpu/build-carry.sh            # writes bench/work/gpu-carry/ (git-ignored) and checks its size
#
# Environment: CARRY (output folder, default bench/work/gpu-carry), MVN_ARGS (extra Maven arguments, e.g.
# -Dmaven.repo.local=DIR), JAVA_HOME (a JDK >= 21 with jlink; default: the newest under /usr/lib/jvm),
# LIMIT_MIB (default 64: the most the GPU machine takes besides the working tree), DJL_CHECKOUT (a git clone of
# deepjavalibrary/djl: its JNI sources at the SDK's DJL tag join the carry, for plan B; see jni-sources.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARRY="${CARRY:-$ROOT/bench/work/gpu-carry}"
LIMIT_MIB="${LIMIT_MIB:-64}"
read -r -a MVN_EXTRA <<< "${MVN_ARGS:-}"
log() { echo "[build-carry] $*" >&2; }

jdk=""
for c in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
  if [ -n "$c" ] && [ -x "$c/bin/jlink" ] && [ -x "$c/bin/javac" ]; then
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [ "${v:-0}" -ge 21 ]; then jdk="$c"; break; fi
  fi
done
[ -n "$jdk" ] || { echo "needs a JDK >= 21 with jlink (set JAVA_HOME)" >&2; exit 2; }
log "JDK: $jdk"

STAGE="$CARRY.staging"
rm -rf "$CARRY" "$STAGE"
mkdir -p "$CARRY/lib" "$STAGE/deps" "$STAGE/classes"

log "building vimi-spi, vimi-api, denoiser-support, backend-pytorch and copying their runtime dependencies"
(cd "$ROOT" && mvn -q -B -ntp "${MVN_EXTRA[@]}" package dependency:copy-dependencies -DskipTests \
  -pl vimi-api,backends/pytorch -am -DincludeScope=runtime -DoutputDirectory="$STAGE/deps" \
  -DexcludeArtifactIds=pytorch-native-cpu,vimi-spi,vimi-api,vimi-backend-support)
SLF4J=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' "$ROOT/pom.xml")
(cd "$ROOT" && mvn -q -B -ntp "${MVN_EXTRA[@]}" dependency:copy -Dartifact="org.slf4j:slf4j-simple:$SLF4J" \
  -DoutputDirectory="$STAGE/deps" -N)
for m in vimi-spi vimi-api backends/denoiser-support backends/pytorch; do
  # the module's own jar, not its -sources/-tests/-javadoc jars (a -sources jar sorts first and holds no classes)
  cp "$(ls "$ROOT/$m"/target/*.jar | grep -v -e '-tests.jar' -e '-sources.jar' -e '-javadoc.jar' | head -1)" "$CARRY/lib/"
done

# rewrites a jar without the entries whose names match DROP (a Python regular expression)
strip_jar() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys, zipfile
src, dst, drop = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
    for e in zin.infolist():
        if not drop.match(e.filename):
            zout.writestr(e, zin.read(e.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
PY
}

# the third-party jars the pytorch path needs, the JNI jar stripped to linux-x86_64/cu128 and JNA to its
# linux-x86-64 dispatch library (DJL loads cudart through JNA to count GPUs)
# -am builds the modules' own dependencies too (compat-tests, backends/onnx for tests): only these are carried
KEEP='^(api|pytorch-engine|pytorch-jni|jna|gson|slf4j-api|slf4j-simple|jackson-core|jackson-databind|jackson-annotations)-[0-9]'
for j in "$STAGE"/deps/*.jar; do
  name=$(basename "$j")
  [[ "$name" =~ $KEEP ]] || continue
  case "$name" in
    pytorch-jni-*) strip_jar "$j" "$CARRY/lib/$name" '^(jnilib/(?!pytorch\.properties$|linux-x86_64/$|linux-x86_64/cu128/).+|META-INF/native-image/.*)' ;;
    jna-[0-9]*) strip_jar "$j" "$CARRY/lib/$name" '^com/sun/jna/(?!linux-x86-64/)[a-z0-9-]+/[^/]*jnidispatch[^/]*$' ;;
    *) cp "$j" "$CARRY/lib/" ;;
  esac
done

log "compiling the kit's program"
"$jdk/bin/javac" --release 21 -nowarn -cp "$CARRY/lib/*" -d "$STAGE/classes" $(find "$ROOT/bench/gpu/src" -name '*.java')
"$jdk/bin/jar" --create --file "$CARRY/kit.jar" -C "$STAGE/classes" .

# The JDK modules the class-path jars touch on the pytorch path (jdeps cannot resolve these modular and
# multi-release jars together; the dry run of run-gpu.sh checks the list by running the whole path):
# java.logging (JNA), java.management (DJL), java.sql (Jackson's optional java.sql types), jdk.unsupported
# (sun.misc.Unsafe: JNA, Jackson). Not java.desktop: DJL needs it for images only, the kit passes none.
MODS="${MODULES:-java.base,java.logging,java.management,java.sql,jdk.unsupported}"
log "modules: $MODS"
# uncompressed modules (zip-0): xz compresses the image far better than jlink's own zip compression
"$jdk/bin/jlink" --add-modules "$MODS" --strip-debug --no-man-pages --no-header-files --compress zip-0 \
  --output "$STAGE/runtime"
tar -C "$STAGE" -cf - runtime | xz -9 -T1 > "$CARRY/runtime.tar.xz"
"$STAGE/runtime/bin/java" -version 2>&1 | head -1 > "$CARRY/runtime.version"
echo "$MODS" > "$CARRY/runtime.modules"

rm -rf "$STAGE"
# plan B's inputs (README.md): DJL's JNI sources, to rebuild its library against the GPU machine's libtorch there
if [ -n "${DJL_CHECKOUT:-}" ]; then
  CARRY="$CARRY" JAVA_HOME="$jdk" "$ROOT/bench/gpu/jni-sources.sh" "$DJL_CHECKOUT"
else
  log "no DJL_CHECKOUT: the carry holds no JNI sources, so run-gpu.sh cannot rebuild the JNI library (plan B)"
fi

(cd "$CARRY" && find . -type f ! -name MANIFEST.txt -printf '%s\t%p\n' | sort -k2 > MANIFEST.txt \
  && sha256sum runtime.tar.xz kit.jar lib/*.jar >> MANIFEST.txt)
bytes=$(du -sb "$CARRY" | cut -f1)
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
log "carry: $CARRY, $mib MiB in $(find "$CARRY" -type f | wc -l) files (runtime.tar.xz $(du -h "$CARRY/runtime.tar.xz" | cut -f1))"
if [ "$bytes" -gt $((LIMIT_MIB * 1048576)) ]; then
  echo "the carry is $mib MiB, over the limit of $LIMIT_MIB MiB" >&2
  exit 1
fi
echo "$mib"
