#!/usr/bin/env bash
# Reproduces models/show-and-tell (the default until 2026-11-26) from ../shared (Flickr8k + MobileNetV2) on CPU, as it was made:
#   features (~3 min) → three decoders (~15-20 min each on 2 cores) → self-critical fine-tuning
#   (~5-7 min each) → ensemble (weights stored as float16) → search settings
#   chosen on dev → the test split scored at beam 1, 3 and 5 (recorded in bundle.json).
# Usage: scripts/train-show-and-tell.sh [WORK_DIR=runs/show-and-tell]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${CAPTIONER_SHARED:-$HERE/../shared}"
WORK="${1:-$HERE/runs/show-and-tell}"
F8K="$SHARED/datasets/flickr8k"
C="$HERE/captioner"
DATA=(--dataset flickr8k --data-dir "$F8K")

"$C" features "${DATA[@]}" --preprocess squash --batch-size 8 \
  --encoder "$SHARED/models/encoders/mobilenet_v2_features.pt" --out "$WORK/features"

"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/a" \
  --epochs 12 --lr 4e-4 --lr-decay 0.8 --lr-decay-every 3 --dropout 0.5 --seed 42
"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/b" \
  --epochs 10 --lr 1e-3 --lr-decay 0.7 --lr-decay-every 2 --label-smoothing 0.1 --dropout 0.5 --seed 7
"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/c" \
  --epochs 9 --lr 8e-4 --lr-decay 0.75 --lr-decay-every 2 --label-smoothing 0.1 --dropout 0.5 --seed 11
# Self-critical fine-tuning of each member: CIDEr-D of its own samples as the reward, a low
# learning rate (5e-5 and 1e-4 wrecked the language model within an epoch), best epoch by dev CIDEr.
"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/a-scst" --init-from "$WORK/a" \
  --objective self-critical --samples 5 --batch-size 50 --lr 1e-5 --lr-decay 1 --epochs 3 --seed 42
"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/b-scst" --init-from "$WORK/b" \
  --objective self-critical --samples 5 --batch-size 50 --lr 1e-5 --lr-decay 1 --epochs 4 --seed 7
"$C" train "${DATA[@]}" --features "$WORK/features" --out "$WORK/c-scst" --init-from "$WORK/c" \
  --objective self-critical --samples 5 --batch-size 50 --lr 1e-5 --lr-decay 1 --epochs 4 --seed 11
"$C" ensemble --float16 --out "$WORK/bundle" "$WORK/a-scst" "$WORK/b-scst" "$WORK/c-scst"

# Search settings are chosen on dev only; the chosen ones become the bundle's defaults.
for cfg in "1 0" "3 0" "3 0.5" "5 0.5"; do
  set -- $cfg
  echo "dev: beam $1, length penalty $2"
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$WORK/features" --split dev \
    --beam "$1" --length-penalty "$2" --out "$WORK/dev-beam$1-lp$2" | grep -E "Bleu_4|CIDEr"
done
# For the shipped SCST ensemble beam 5, α 0.5 was best on dev (CIDEr 0.479 vs 0.472 at beam 3).
"$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$WORK/features" --split dev \
  --beam 5 --length-penalty 0.5 --adopt --out "$WORK/dev-chosen"

# The test split, scored once for the shipped model, at beam 1, 3 and 5 (same length penalty).
for beam in 1 3 5; do
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$WORK/features" --split test \
    --beam "$beam" --length-penalty 0.5 --record --out "$WORK/test-beam$beam"
done
echo "bundle: $WORK/bundle (models/show-and-tell holds it, with its grounding files, encoder and encoder variants)"
