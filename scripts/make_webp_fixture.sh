#!/usr/bin/env bash
# Writes captioner-core/src/test/resources/fixtures/kitten.webp, the WebP photo PhotoReaderTest reads:
# samples/kitten.jpg scaled to 96x72, lossy, quality 80. Needs cwebp (Debian: apt-get install webp).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
cwebp -quiet -q 80 -resize 96 72 -metadata none "$HERE/samples/kitten.jpg" \
  -o "$HERE/captioner-core/src/test/resources/fixtures/kitten.webp"
