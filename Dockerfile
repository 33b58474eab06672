# Interviewer in one container. Build: docker build -t interviewer .
# Run:   docker run -p 8080:8080 -v interviewer-data:/data -e SESSION_SECRET=... interviewer
FROM debian:12-slim

WORKDIR /app
COPY pyproject.toml ./
COPY scripts ./scripts
COPY interviewer ./interviewer
COPY js ./js
# Same install script as the README's first command (installs python3 + venv through apt as root).
RUN bash scripts/install.sh && rm -rf /var/lib/apt/lists/* /root/.cache
COPY main.py .env.sample ./
COPY pages ./pages

RUN useradd --system --uid 10001 --home-dir /app interviewer \
    && mkdir -p /data && chown -R interviewer /data
USER interviewer

ENV API_HOST=0.0.0.0 \
    API_PORT=8080 \
    STORAGE_DIR=/data \
    ENV_FILE= \
    NICEGUI_STORAGE_PATH=/data/.nicegui \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD [".venv/bin/python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/status', timeout=4).status == 200 else 1)"]
CMD [".venv/bin/python", "main.py"]
