# syntax=docker/dockerfile:1

# ---- build: install gridbot and its dependencies into a virtualenv ----
FROM python:3.11.10-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY intents/ intents/
COPY storage/ storage/
RUN pip install --no-cache-dir .

# ---- runtime: the virtualenv only, run as an unprivileged user ----
FROM python:3.11.10-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:${PATH}" \
    GRIDBOT_DATABASE_URL=sqlite:////data/gridbot.db \
    GRIDBOT_MEDIA_DIR=/data/media \
    GRIDBOT_HTTP_HOST=0.0.0.0 \
    GRIDBOT_HTTP_PORT=8080

RUN groupadd --system --gid 10001 gridbot \
    && useradd --system --uid 10001 --gid gridbot --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin gridbot \
    && mkdir -p /data/media \
    && chown -R gridbot:gridbot /data

COPY --from=build /opt/venv /opt/venv

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001

EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["gridbot"]
CMD ["run"]
