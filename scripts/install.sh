#!/usr/bin/env bash
# One-shot set-up for a fresh machine: system packages (when root), .venv with the project
# installed editable plus dev tools, and .venv-oracle with the real rerun-sdk for interop tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# xdotool, x11-apps, imagemagick: the window tests' input and screenshots; the libxcb* and libx*
# libraries: Qt's xcb platform plugin and WebEngine (the window extra)
DEB_PACKAGES="mesa-vulkan-drivers chromium xvfb xdotool x11-apps imagemagick libxcb-cursor0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libnss3 libxcomposite1
  libxdamage1 libxrandr2 libxtst6 libxkbfile1"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  for p in $DEB_PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing Debian packages:$missing"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
  fi
fi

PY=${PYTHON:-python3}
command -v uv >/dev/null || "$PY" -m pip install -q uv
UV="$(command -v uv || echo "$PY -m uv")"

if [ ! -x .venv/bin/python ]; then
  $UV venv -q --python "$PY" .venv
fi
$UV pip install -q --python .venv/bin/python -e ".[dev,grpc,catalog,server,viewer,window,ray,mcap,formats]"

# Azurite (Azure Blob Storage emulator, npm) for the object-storage tests, under a gitignored
# folder; without node/npm those tests skip.
if command -v npm >/dev/null && [ ! -x tests/.emulators/node_modules/.bin/azurite-blob ]; then
  npm install -s --no-audit --no-fund --prefix tests/.emulators azurite >/dev/null || true
fi
# pyright (npm; pinned, the test matches its messages) for tests/sdk/test_pyright_types.py.
if command -v npm >/dev/null && [ ! -x tests/.emulators/node_modules/.bin/pyright ]; then
  npm install -s --no-audit --no-fund --prefix tests/.emulators pyright@1.1.414 >/dev/null || true
fi

# The training data loader's extra (torch): PyPI's Linux torch wheel needs its CUDA packages
# even on a CPU machine (about 5 GB; no smaller PyPI route). SKIP_DATALOADER=1 leaves it out:
# the loader's torch tests then skip.
if [ "${SKIP_DATALOADER:-0}" != 1 ]; then
  $UV pip install -q --python .venv/bin/python -e ".[dataloader]"
fi

if [ "${SKIP_ORACLE:-0}" != 1 ]; then
  if [ ! -x .venv-oracle/bin/rerun ]; then
    $UV venv -q --python "$PY" .venv-oracle
    $UV pip install -q --python .venv-oracle/bin/python 'rerun-sdk[catalog]==0.41.0'
  fi
  if [ "${SKIP_DATALOADER:-0}" != 1 ] && [ ! -d .venv-oracle/lib/python3*/site-packages/torch ]; then
    $UV pip install -q --python .venv-oracle/bin/python 'rerun-sdk[catalog,dataloader]==0.41.0'
  fi
  if [ ! -f .venv-oracle/.analytics-disabled ]; then
    .venv-oracle/bin/rerun analytics disable >/dev/null 2>&1 || true
    touch .venv-oracle/.analytics-disabled
  fi
fi
# Bytecode ahead of time: where PYTHONDONTWRITEBYTECODE is set (as on this project's machines),
# every process would otherwise compile its imports from source, a second of start-up each.
compile_all() {
  PYTHONDONTWRITEBYTECODE= "$1/bin/python" -m compileall -q -j 0 "$1"/lib/python*/site-packages "${@:2}" >/dev/null 2>&1 || true
}
compile_all .venv rerun rerun_core rerun_notebook rerun_cli
if [ -x .venv-oracle/bin/python ] && [ ! -f .venv-oracle/.compiled ]; then
  compile_all .venv-oracle && touch .venv-oracle/.compiled
fi
touch .venv/.installed
