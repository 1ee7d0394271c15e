# Echo server image: the Python package with its web client; SQLite by default.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ECHO_DATA_DIR=/data ECHO_LIBRARY=/music ECHO_HOST=0.0.0.0 ECHO_PORT=4567
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --uid 1001 --create-home echo \
    && mkdir -p /data /music && chown echo /data
USER echo
EXPOSE 4567
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4567/api/health')"
CMD ["echo-music", "serve"]
