#!/usr/bin/env bash
# Starts or stops the local MLflow tracking server: sqlite store and artifacts under DIR, bound to
# 127.0.0.1 (docs/design.md §11). Usage: mlflow-server.sh up|down DIR   (port: MLFLOW_PORT, default 5000)
set -euo pipefail
action=${1:?usage: mlflow-server.sh up|down DIR}
dir=${2:?usage: mlflow-server.sh up|down DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${MLFLOW_PORT:-5000}
url="http://127.0.0.1:$port"
pid_file=$dir/server.pid

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }
healthy() { curl -fsS "$url/health" >/dev/null 2>&1; }

case $action in
  up)
    if running && healthy; then
      echo "MLflow is already running at $url (store: $dir)"
      exit 0
    fi
    if healthy; then
      echo "mlflow-up: another server already answers at $url; stop it or set MLFLOW_PORT" >&2
      exit 1
    fi
    mkdir -p "$dir/artifacts"
    dir_abs=$(cd "$dir" && pwd)
    setsid nohup "$root/.venv/bin/mlflow" server \
      --backend-store-uri "sqlite:///$dir_abs/mlflow.db" \
      --artifacts-destination "$dir_abs/artifacts" \
      --host 127.0.0.1 --port "$port" --workers 1 >"$dir/server.log" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 120); do
      if healthy; then
        echo "MLflow is running at $url (store: $dir, log: $dir/server.log)"
        exit 0
      fi
      if ! running; then break; fi
      sleep 0.5
    done
    echo "mlflow-up: the server did not come up at $url; see $dir/server.log" >&2
    exit 1
    ;;
  down)
    if running; then
      pid=$(cat "$pid_file")
      # setsid made the server a process group of its own, workers included: stop all of it.
      kill -- "-$pid" 2>/dev/null || kill "$pid"
      rm -f "$pid_file"
      echo "MLflow at $url stopped"
    else
      rm -f "$pid_file"
      echo "MLflow is not running (no live server recorded in $pid_file)"
    fi
    ;;
  *)
    echo "usage: mlflow-server.sh up|down DIR" >&2
    exit 2
    ;;
esac
