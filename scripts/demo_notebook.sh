#!/usr/bin/env bash
# `make demo` for the notebook viewer: JupyterLab on 127.0.0.1 with notebooks/quickstart.ipynb open.
# Usage: scripts/demo_notebook.sh [notebook] (PORT=8888 by default; a token is printed in the URL).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
NOTEBOOK="${1:-notebooks/quickstart.ipynb}"
PORT="${PORT:-8888}"
if [ ! -x "$VENV/bin/jupyter" ]; then
    echo "JupyterLab is not installed in $VENV: run 'make install' first." >&2
    exit 1
fi
if [ ! -f "$NOTEBOOK" ]; then
    echo "No such notebook: $NOTEBOOK" >&2
    exit 1
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR"
export RERUN_ANALYTICS=0
extra=()
if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
echo "Starting JupyterLab on http://127.0.0.1:$PORT with $NOTEBOOK (Ctrl-C to stop)."
echo "Run all cells (Run > Run All Cells); drag to orbit, scroll to zoom, hover to inspect."
exec "$VENV/bin/jupyter" lab "$NOTEBOOK" \
    --ServerApp.ip=127.0.0.1 --ServerApp.port="$PORT" --ServerApp.root_dir="$PWD" \
    --no-browser --LabApp.news_url= "${extra[@]}"
