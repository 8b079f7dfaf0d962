#!/usr/bin/env bash
# Reproduces models/default (Show, Attend and Tell, an ensemble of four attention decoders) from
# ../shared (Flickr8k + MobileNetV2) on CPU, as it was made:
#   grid features (~4 min) → four attention decoders, each trained with cross-entropy (seed 42: 10
#   epochs, kept the 8th; seeds 43, 44, 45: 8 epochs, kept the 7th, 6th, 7th) and then fine-tuned
#   self-critically (4 epochs each; kept the 4th, 3rd, 4th, 4th) → the four stored together as float16, with the
#   object classifier and encoders of models/show-and-tell (they belong to the encoder, not the
#   decoder) → concept detectors that score the grid's regions → the grounding setting and the table of
#   things captions name (nameable) → search settings chosen on dev → encoder variants measured on dev
#   → the float trunk's fast form made the bundle's own encoder → the test split scored once at beam
#   1, 3 and 5 on the fast form's grids (recorded in bundle.json).
# Epoch times on the 2-core AMD machine: ~7 min (cross-entropy) and 7-12 min (self-critical) for
# the first decoder, trained before ./captioner preloaded its MKL library (README, Configuration);
# ~2.5-3 and ~3-6 min for the other three, trained with it. The first decoder's runs therefore set
# CAPTIONER_MKL_ANY_CPU=0: on AMD CPUs MKL's other kernels round differently, and the aim is its
# weights as made (on Intel CPUs MKL takes its fast kernels either way). The grid features are the
# same with or without it (oneDNN runs the convolutions).
# The grids are held in memory while training: it needs about 10 GB of Java heap.
# Usage: scripts/train-default.sh [WORK_DIR=runs/default]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${CAPTIONER_SHARED:-$HERE/../shared}"
WORK="${1:-$HERE/runs/default}"
F8K="$SHARED/datasets/flickr8k"
C="$HERE/captioner"
DATA=(--dataset flickr8k --data-dir "$F8K")
export CAPTIONER_JAVA_OPTS="${CAPTIONER_JAVA_OPTS:--Xmx10g}"
OLD="$HERE/models/show-and-tell"

# The float trunk's whole 7x7 grid per image (float16 on disk), into $WORK/features/<fingerprint>-grid49.
"$C" features "${DATA[@]}" --preprocess squash --batch-size 8 --grid \
  --encoder "$OLD/mobilenet_v2_features.pt" --out "$WORK/features"
GRID="$(ls -d "$WORK"/features/*-grid49)"

# One attention decoder per seed: cross-entropy, then self-critical fine-tuning as for the Show-and-Tell
# members (CIDEr-D reward, 5 samples, each baselined by the others' mean); each run keeps its best
# epoch by greedy dev CIDEr.
member() {  # SEED CROSS_ENTROPY_EPOCHS NAME
  "$C" train "${DATA[@]}" --features "$GRID" --out "$WORK/$3" --attention 512 \
    --epochs "$2" --lr 4e-4 --lr-decay 0.8 --lr-decay-every 3 --dropout 0.5 --seed "$1"
  "$C" train "${DATA[@]}" --features "$GRID" --out "$WORK/$3-scst" --init-from "$WORK/$3" \
    --objective self-critical --samples 5 --batch-size 50 --lr 1e-5 --lr-decay 1 --epochs 4 --seed "$1"
}
CAPTIONER_MKL_ANY_CPU=0 member 42 10 att
member 43 8 att-b
member 44 8 att-c
member 45 8 att-d
"$C" ensemble --float16 --out "$WORK/bundle" "$WORK/att-scst" "$WORK/att-b-scst" "$WORK/att-c-scst" "$WORK/att-d-scst"
for f in objects.json imagenet_head.pt imagenet-words.tsv concepts.json mobilenet_v2_features.pt ENCODER-LICENSE.md; do
  cp "$OLD/$f" "$WORK/bundle/"
done
# Grounding chosen on dev and the COCO sample (model card): threshold 0.7, weight 4 (two decoders: 0.7, 3;
# Show-and-Tell: 0.4, 2).
sed -i 's/"threshold" : 0.4,/"threshold" : 0.7,/; s/"weight" : 2.0/"weight" : 4.0/' "$WORK/bundle/objects.json"
grep -q '"threshold" : 0.7,' "$WORK/bundle/objects.json"
grep -q '"weight" : 4.0' "$WORK/bundle/objects.json"
# Concept detectors that score each of the 49 regions (multiple-instance learning, ~5 min) replace the
# pooled ones copied above: on the COCO sample they hold more people back at the same dev scores.
"$C" concepts --model "$WORK/bundle" "${DATA[@]}" --features "$GRID" --regions
# A caption must name what ImageNet sees with evidence 0.7 or more, of the things Flickr8k's training
# captions name where it sees them (chosen on dev and the COCO sample; model card, "Required words").
# Below 0.5 a concept detector's words (person, skis, ...) are ruled out (model card, "Ruled out" and
# "Four decoders").
# A photo with no one in it (person below 0.5) and nothing nameable seen must name its best-seen thing
# with evidence 0.5 or more all the same (model card, "Photos with no one in them").
sed -i 's/"weight" : 4.0$/"weight" : 4.0,\n    "require" : 0.7,\n    "ruleOut" : 0.5,\n    "alone" : 0.5/' "$WORK/bundle/objects.json"
grep -q '"require" : 0.7' "$WORK/bundle/objects.json"
grep -q '"ruleOut" : 0.5' "$WORK/bundle/objects.json"
grep -q '"alone" : 0.5' "$WORK/bundle/objects.json"
"$C" nameable --model "$WORK/bundle" "${DATA[@]}" --features "$GRID"

# The caption matcher that reranks the beam's captions (model card, "Reranking the beam's captions"):
# three seeds of scripts/derive_matching.py (Python with torch, about 11 minutes each), averaged and
# stored as float16.
for seed in 0 1 2; do
  /usr/bin/python3 "$HERE/scripts/derive_matching.py" --features "$GRID/vectors" --data-dir "$F8K" \
    --vocabulary "$WORK/bundle/vocabulary.json" --seed "$seed" --out "$WORK/matching-$seed.pt"
done
/usr/bin/python3 "$HERE/scripts/derive_matching.py" --combine "$WORK"/matching-0.pt "$WORK"/matching-1.pt \
  "$WORK"/matching-2.pt --out "$WORK/bundle/matching.pt"

# Search settings are chosen on dev only; the chosen ones become the bundle's defaults.
for cfg in "3 0.5" "5 0.5" "5 1.0"; do
  set -- $cfg
  echo "dev: beam $1, length penalty $2"
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$GRID" --split dev --no-attention-maps \
    --beam "$1" --length-penalty "$2" --out "$WORK/dev-beam$1-lp$2" | grep -E "Bleu_4|CIDEr"
done
"$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$GRID" --split dev --no-attention-maps \
  --beam 5 --length-penalty 0.5 --rerank off --adopt --out "$WORK/dev-chosen"
# The reranking weight, chosen on dev and the COCO sample (6 and 8 level on dev; 6 for BLEU-4 and COCO).
for w in 4 6 8; do
  echo "dev: rerank $w"
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$GRID" --split dev --no-attention-maps \
    --rerank "$w" --out "$WORK/dev-rerank$w" | grep -E "Bleu_4|CIDEr"
done
"$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$GRID" --split dev --no-attention-maps \
  --beam 5 --length-penalty 0.5 --rerank 6 --adopt --out "$WORK/dev-chosen-rerank"
grep -q '"rerank" : 6.0' "$WORK/bundle/bundle.json"

# Everyday photos outside Flickr8k (142 COCO photos, encoded on the way).
"$C" evaluate --model "$WORK/bundle" --dataset coco --data-dir "$SHARED/eval/coco-sample" --no-attention-maps \
  --out "$WORK/coco-sample" | grep -E "CIDEr|CHAIRs"

# Encoder variants: the decoder measured on each variant's own dev grids, then declared in the bundle.
for v in "int8 mobilenet_v2_int8_features.pt" "onnx mobilenet_v2_features.onnx"; do
  set -- $v
  "$C" features "${DATA[@]}" --preprocess squash --batch-size 8 --grid --splits dev \
    --encoder "$OLD/$2" --out "$WORK/features-$1"
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$(ls -d "$WORK/features-$1"/*-grid49)" --split dev \
    --no-attention-maps --encoder "$OLD/$2" --add-encoder "$1" --out "$WORK/dev-$1"
done

# The float trunk's fast form (batch norms folded, channels last; scripts/derive_fast_encoder.py, Python
# with torch and torchvision) becomes the bundle's own encoder, measured on its own dev grids; the float
# trunk the decoders were trained on stays as variant "float".
/usr/bin/python3 "$HERE/scripts/derive_fast_encoder.py" --trunk "$OLD/mobilenet_v2_features.pt" \
  --out "$WORK/mobilenet_v2_features_fast.pt"
"$C" features "${DATA[@]}" --preprocess squash --batch-size 8 --grid --splits dev,test \
  --encoder "$WORK/mobilenet_v2_features_fast.pt" --out "$WORK/features-fast"
FAST_GRID="$(ls -d "$WORK"/features-fast/*-grid49)"
"$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$FAST_GRID" --split dev --no-attention-maps \
  --encoder "$WORK/mobilenet_v2_features_fast.pt" --add-encoder fast --make-own float --out "$WORK/dev-fast"
# The licence notice that also lists the fast form (models/show-and-tell's predates it).
cp "$HERE/models/default/ENCODER-LICENSE.md" "$WORK/bundle/"

# The test split, scored once for the shipped model, at beam 1, 3 and 5 (same length penalty).
for beam in 1 3 5; do
  "$C" evaluate --model "$WORK/bundle" "${DATA[@]}" --features "$FAST_GRID" --split test --no-attention-maps \
    --beam "$beam" --length-penalty 0.5 --record --out "$WORK/test-beam$beam"
done
echo "bundle: $WORK/bundle (copy it to models/default)"
