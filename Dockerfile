# Korean course-notes chatbot: serves the bundled sample notes on port 8000 (CPU).
FROM python:3.11-slim-bookworm

# The CPU build of torch; set TORCH_INDEX_URL to a CUDA wheel index for a GPU image.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHATBOT_DATA_DIR=/data \
    CHATBOT_NOTES_DIR=/app/notes \
    CHATBOT_INGEST_ON_STARTUP=true

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml README.md ./
RUN pip install --index-url "${TORCH_INDEX_URL}" torch==2.13.0 \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY chatbot ./chatbot
COPY ingest ./ingest
COPY vector_store ./vector_store
COPY eval ./eval
COPY notes ./notes
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 chatbot \
    && mkdir -p /data \
    && chown chatbot:chatbot /data

USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
CMD ["chatbot", "serve", "--host", "0.0.0.0", "--port", "8000"]
