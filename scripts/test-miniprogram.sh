#!/usr/bin/env bash
# Runs the mini-program's node tests, the live ones against a real local server on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
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
YIMEN_BASE_URL="http://127.0.0.1:$port" npm test
