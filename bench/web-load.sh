#!/usr/bin/env bash
# Loopback load test of the caption API: starts ./captioner serve, sends concurrent uploads
# (bounded: REQUESTS in all or SECONDS, whichever comes first), prints throughput, p50/p95 latency
# and error counts, then stops the server.
#   bench/web-load.sh [CLIENTS=8] [REQUESTS=200] [SECONDS=120] [IMAGE=samples/dog-cat.jpg] [MAX_IN_FLIGHT=8]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CLIENTS="${1:-8}"; REQUESTS="${2:-200}"; SECONDS_LIMIT="${3:-120}"
IMAGE="${4:-$HERE/samples/dog-cat.jpg}"; MAX_IN_FLIGHT="${5:-8}"
PORT="${PORT:-18080}"
"$HERE/captioner" serve --port "$PORT" --max-in-flight "$MAX_IN_FLIGHT" >/tmp/captioner-load-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "server up: $(curl -fs http://127.0.0.1:$PORT/api/health)"
# One warm-up request, then the measured run.
curl -fs -F "file=@$IMAGE" "http://127.0.0.1:$PORT/api/captions" >/dev/null
java -cp "$HERE/captioner-web/target/captioner-web.jar" org.captioner.web.UploadLoad \
  "http://127.0.0.1:$PORT/api/captions" "$IMAGE" "$CLIENTS" "$REQUESTS" "$SECONDS_LIMIT"
