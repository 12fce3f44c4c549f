#!/usr/bin/env bash
# Cold start of `fengqiao serve --demo`: wall time from exec to a 200 on /readyz,
# and the server's RSS once ready. Runs on PGlite (fresh and existing data
# directory) and, when DATABASE_URL is set, on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-3917}
measure() {
  local label=$1; shift
  local start end pid
  start=$(date +%s%N)
  "$@" >/tmp/fengqiao-cold.log 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "server died"; cat /tmp/fengqiao-cold.log; exit 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  local child
  child=$(pgrep -P $pid -f fengqiao || echo $pid)
  local rss
  rss=$(ps -o rss= -p "$pid" | awk '{s+=$1} END {print s}')
  printf '%-40s ready in %5d ms, RSS %4d MiB\n' "$label" $(((end - start) / 1000000)) $((rss / 1024))
  kill -TERM $pid; wait $pid 2>/dev/null || true
}
DIR=$(mktemp -d)
if [ -z "${DATABASE_URL:-}" ]; then
  measure "PGlite, fresh data dir (migrate + seed)" node bin/fengqiao.js serve --demo --port "$PORT" --data-dir "$DIR"
  measure "PGlite, existing data dir" node bin/fengqiao.js serve --demo --port "$PORT" --data-dir "$DIR"
else
  measure "PostgreSQL, empty database (migrate + seed)" node bin/fengqiao.js serve --demo --port "$PORT"
  measure "PostgreSQL, existing database" node bin/fengqiao.js serve --demo --port "$PORT"
fi
rm -rf "$DIR"
