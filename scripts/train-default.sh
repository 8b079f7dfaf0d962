#!/usr/bin/env bash
# Reproduces models/default from ../shared (Flickr8k + MobileNetV2), on CPU:
#   features (~3 min) → train (~20-25 min on 2 cores) → choose search settings on dev → score test.
# Usage: scripts/train-default.sh [WORK_DIR=runs/default]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${CAPTIONER_SHARED:-$HERE/../shared}"
WORK="${1:-$HERE/runs/default}"
F8K="$SHARED/datasets/flickr8k"
C="$HERE/captioner"

"$C" features --dataset flickr8k --data-dir "$F8K" --preprocess squash --batch-size 8 \
  --encoder "$SHARED/models/encoders/mobilenet_v2_features.pt" --out "$WORK/features"

"$C" train --dataset flickr8k --data-dir "$F8K" --features "$WORK/features" --out "$WORK/bundle" \
  ${TRAIN_ARGS:---epochs 12 --lr 4e-4 --lr-decay 0.8 --lr-decay-every 3 --dropout 0.5 --seed 42}

# Search settings are chosen on dev only; the winner becomes the bundle's default.
for beam in 1 3 5; do
  "$C" evaluate --model "$WORK/bundle" --dataset flickr8k --data-dir "$F8K" --features "$WORK/features" \
    --split dev --beam "$beam" --out "$WORK/dev-beam$beam" | grep CIDEr
done
"$C" evaluate --model "$WORK/bundle" --dataset flickr8k --data-dir "$F8K" --features "$WORK/features" \
  --split dev --beam "${BEAM:-3}" --length-penalty "${ALPHA:-0}" --adopt --out "$WORK/dev-chosen"

# The test split, scored once per shipped model, at beam 1, 3 and 5.
for beam in 1 3 5; do
  "$C" evaluate --model "$WORK/bundle" --dataset flickr8k --data-dir "$F8K" --features "$WORK/features" \
    --split test --beam "$beam" --record --out "$WORK/test-beam$beam"
done
