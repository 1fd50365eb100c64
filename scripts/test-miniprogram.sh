#!/usr/bin/env bash
# The mini-program's checks, in order: ESLint (`npm run lint`: the pinned one, never fetched by npx);
# every tag declared and every handler a method (checks/wxml-refs.js); Tencent's own compilers, offline
# (checks/tencent.js: wcc, wcsc, miniprogram-ci); then the node tests, the live ones against a real
# local server on a free port. Each step is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Runs a step and prints its time; returns the step's status (errexit does not apply inside `a && b`).
timed() {
  local start=${EPOCHREALTIME/./} status=0
  "$@" || status=$?
  local ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
  local outcome=ok
  [ "$status" = 0 ] || outcome="FAILED ($status)"
  printf '== %s: %s, %d.%03d s\n' "$*" "$outcome" $((ms / 1000)) $((ms % 1000))
  return "$status"
}
(cd miniprogram && timed npm run --silent lint && timed node checks/wxml-refs.js && timed node checks/tencent.js)

data_dir=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/yimen demo-data --data-dir "$data_dir" --households 20 > /dev/null
.venv/bin/yimen serve --data-dir "$data_dir" --port "$port" > "$data_dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data_dir"' EXIT
.venv/bin/python - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("server did not start")
PY
cd miniprogram
YIMEN_BASE_URL="http://127.0.0.1:$port" timed npm test
