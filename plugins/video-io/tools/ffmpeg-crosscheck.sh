#!/usr/bin/env bash
# Cross-checks the writers with an independent decoder (FFmpeg; Debian: apt-get install ffmpeg).
# Not part of the build. Run from the repository root after `mvn -pl plugins/video-io package`:
#   plugins/video-io/tools/ffmpeg-crosscheck.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
java=${JAVA:-$(ls -d /usr/lib/jvm/temurin-2*-jdk-amd64/bin/java 2>/dev/null | tail -1)}
out=$(mktemp -d)
mvn -B -q -o dependency:build-classpath -f "$module/pom.xml" -Dmdep.outputFile="$out/cp" >/dev/null 2>&1
cp="$module/target/classes:$(cat "$out/cp")"
"$java" -cp "$cp" "$here/CrossCheckWrite.java" "$out" 2>/dev/null
for f in x1.mp4 x4.mp4 x1.gif; do
  ffprobe -v error -count_frames -show_entries \
    stream=codec_name,profile,level,width,height,pix_fmt,color_range,color_space,color_primaries,color_transfer,r_frame_rate,nb_read_frames,duration \
    -of compact "$out/$f"
done
ffmpeg -v error -y -i "$out/x1.mp4" -f rawvideo -pix_fmt rgb24 "$out/x1.mp4.rgb"
ffmpeg -v error -y -i "$out/x4.mp4" -f rawvideo -pix_fmt rgb24 "$out/x4.mp4.rgb"
ffmpeg -v error -y -i "$out/x1.gif" -f rawvideo -pix_fmt rgb24 "$out/x1.gif.rgb"
"$java" -cp "$cp" "$here/CrossCheckCompare.java" "$out/x1.mp4.rgb" 1
"$java" -cp "$cp" "$here/CrossCheckCompare.java" "$out/x4.mp4.rgb" 4
"$java" -cp "$cp" "$here/CrossCheckCompare.java" "$out/x1.gif.rgb" 1
rm -rf "$out"
