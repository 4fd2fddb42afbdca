#!/usr/bin/env bash
# Regenerates samples/sample.mp4: 4 s of ffmpeg's test pattern and a 440 Hz tone, H.264 High + AAC,
# faststart MP4, 110 KB. Bit-exact flags keep the output stable across runs of the same ffmpeg.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -y -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=320x180:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 4 \
  -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -b:v 150k \
  -c:a aac -b:a 64k -ac 2 -movflags +faststart \
  -metadata title="vidmeta sample" -metadata creation_time=2026-01-01T00:00:00Z \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact sample.mp4
