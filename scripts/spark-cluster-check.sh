#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Maven jars (no Spark download exists
# here): a master and two workers as separate JVMs on 127.0.0.1. Submits the caption job over N
# Flickr8k test images, SIGKILLs one worker (and its executor) while the job runs, and checks the
# output: every image captioned exactly once, none lost, none duplicated. Stops everything it
# started, by PID, and gives up after a time limit.
#
#   scripts/spark-cluster-check.sh [N=600] [KILL_AFTER_SECONDS=35]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-600}"
KILL_AFTER="${2:-35}"
WORK="$ROOT/runs/spark-cluster"
SHARED="${CAPTIONER_SHARED:-$ROOT/../shared}"
IMAGES_SRC="$SHARED/datasets/flickr8k/images"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 -- "-$p" 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

(cd "$ROOT" && mvn -q -B -DskipTests -pl captioner-spark -am package 2>&1) | sed 's/\x1b\[0m//g' >&2
JOB_JAR="$ROOT/captioner-spark/target/captioner-spark-job.jar"

rm -rf "$WORK" && mkdir -p "$WORK/images" "$WORK/spark-home/jars" "$WORK/logs"
head -n "$N" "$SHARED/datasets/flickr8k/Flickr_8k.testImages.txt" | while read -r f; do
  cp "$IMAGES_SRC/$f" "$WORK/images/"
done
# A Spark home the launcher accepts: every jar of Spark's class path, an empty RELEASE file.
{ tr ':' '\n' < "$ROOT/captioner-spark/target/spark-classpath.txt"; echo; } | while read -r j; do
  [ -n "$j" ] || continue
  ln -sf "$j" "$WORK/spark-home/jars/"
done
touch "$WORK/spark-home/RELEASE"
export SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.12
# Spark on Java 17 needs its JavaModuleOptions; the list is kept in one file.
mapfile -t OPENS < "$ROOT/captioner-spark/java17-options.txt"
CP="$SPARK_HOME/jars/*"
PORT=$((17000 + RANDOM % 1000))

setsid java -cp "$CP" "${OPENS[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" \
  --webui-port $((PORT + 1000)) > "$WORK/logs/master.log" 2>&1 &
PIDS+=($!)
for w in 1 2; do
  setsid java -cp "$CP" "${OPENS[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 3g \
    --webui-port $((PORT + 1000 + w)) --work-dir "$WORK/work$w" "spark://127.0.0.1:$PORT" > "$WORK/logs/worker$w.log" 2>&1 &
  PIDS+=($!)
  eval "WORKER$w=$!"
done
for i in $(seq 1 60); do
  [ "$(grep -c 'Registering worker' "$WORK/logs/master.log" 2>/dev/null)" -ge 2 ] && break
  sleep 1
done
echo "cluster: master spark://127.0.0.1:$PORT, 2 workers (1 core each)" >&2

begin=$(date +%s)
setsid java -cp "$JOB_JAR:$CP" "${OPENS[@]}" org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$PORT" \
  --conf spark.executor.memory=2g --conf "spark.executor.extraJavaOptions=${OPENS[*]}" \
  --conf spark.task.maxFailures=4 --class org.captioner.spark.SparkCaptionMain "$JOB_JAR" \
  --model "$ROOT/models/default" --format jsonl --partitions 24 --output "$WORK/out" "$WORK/images" \
  > "$WORK/logs/job.out" 2> "$WORK/logs/job.err" &
JOB=$!
PIDS+=($JOB)
sleep "$KILL_AFTER"
if kill -0 "$JOB" 2>/dev/null; then
  echo "killing worker 1 and its executor (SIGKILL) after ${KILL_AFTER}s" >&2
  kill -9 -- "-$WORKER1"
else
  echo "the job finished before the kill: raise N or lower KILL_AFTER" >&2
fi
status=0
# Executor memory: the largest resident set of any executor JVM, sampled every 2 s until the job ends.
peak=0
while kill -0 "$JOB" 2>/dev/null; do
  for rss in $(ps -eo rss,args | awk '/CoarseGrainedExecutorBackend/ && !/awk/ {print $1}'); do
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  sleep 2
  [ $(( $(date +%s) - begin )) -gt 900 ] && { echo "job did not finish in 15 min" >&2; exit 1; }
done
echo "executor peak RSS: $((peak / 1024)) MB" >&2
wait "$JOB" || status=$?
seconds=$(( $(date +%s) - begin ))
tail -n 3 "$WORK/logs/job.err" >&2

# The kill must have cost a running task: the dead executor's log shows a task started, none finished.
EXEC_LOG=$(ls "$WORK"/work1/*/*/stderr 2>/dev/null | head -1)
started=$(grep -c 'Running task' "$EXEC_LOG" 2>/dev/null || true)
finished=$(grep -c 'Finished task' "$EXEC_LOG" 2>/dev/null || true)
echo "killed executor: ${started:-0} tasks started, ${finished:-0} finished (the rest were re-run elsewhere)" >&2
if [ "${started:-0}" -le "${finished:-0}" ]; then
  echo "the killed executor had no task running: the check proves nothing; adjust KILL_AFTER" >&2
  exit 1
fi
[ "$status" -eq 0 ] || { echo "the job failed (exit $status)" >&2; exit 1; }

python3 - "$WORK" "$N" "$seconds" <<'PY'
import json, glob, os, sys, collections
work, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [json.loads(l) for f in glob.glob(os.path.join(work, "out", "part-*.json")) for l in open(f)]
files = collections.Counter(os.path.basename(r["file"]) for r in rows)
inputs = set(os.listdir(os.path.join(work, "images")))
dups = [f for f, c in files.items() if c > 1]
lost = inputs - set(files)
errors = [r for r in rows if r.get("error")]
print(f"{len(inputs)} images, {len(rows)} rows, {len(files)} distinct, {len(dups)} duplicated, {len(lost)} lost,"
      f" {len(errors)} errors, {seconds} s wall ({len(rows) / max(seconds, 1):.1f} images/s incl. start-up)")
sys.exit(0 if not dups and not lost and not errors and len(rows) == len(inputs) else 1)
PY
