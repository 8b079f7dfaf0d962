#!/usr/bin/env bash
# Spark local[2] against the CLI on the same 1,000 Flickr8k test images, same model and beam, one
# after the other, twice; wall time includes JVM start and model load on both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs
D=runs/f8k-test-images; mkdir -p $D
head -n 1000 ../shared/datasets/flickr8k/Flickr_8k.testImages.txt | while read f; do [ -e $D/$f ] || cp ../shared/datasets/flickr8k/images/$f $D/; done
rm -rf runs/spark-bench-out runs/cli-bench.jsonl
for rep in 1 2; do
  s=$(date +%s.%N); ./captioner caption --format jsonl --output runs/cli-bench.jsonl $D 2> runs/cli-bench.err; e=$(date +%s.%N)
  echo "cli rep $rep: $(wc -l < runs/cli-bench.jsonl) images in $(echo "$e - $s" | bc) s (wall, incl. JVM start and model load)"
  rm -rf runs/spark-bench-out
  s=$(date +%s.%N); ./captioner spark-caption --master 'local[2]' --format jsonl --output runs/spark-bench-out $D 2> runs/spark-bench.err; e=$(date +%s.%N)
  echo "spark local[2] rep $rep: $(cat runs/spark-bench-out/part-*.json | wc -l) images in $(echo "$e - $s" | bc) s (wall, incl. JVM start, Spark start and model load)"
  tail -1 runs/spark-bench.err
done
