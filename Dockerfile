# sessiongraph gateway image: GraphiQL built with Node, then a slim Python runtime.
#   docker build -t sessiongraph .
#   docker run -p 8000:8000 -e SESSIONGRAPH_MEET_URL=... sessiongraph
# See docs/deployment.md.

# 1. The offline GraphiQL explorer (js/build-graphiql.mjs writes ../app/graphiql/static).
FROM node:20-bookworm-slim AS graphiql
WORKDIR /src/js
COPY js/package.json js/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY js/ ./
RUN node build-graphiql.mjs

# 2. The wheel, carrying those assets (no js/ here, so setup.py packages them as built).
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY app/ app/
COPY schema/ schema/
COPY resolvers/ resolvers/
COPY --from=graphiql /src/app/graphiql/static/ app/graphiql/static/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# 3. The runtime: the installed wheel only, run by an unprivileged user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SESSIONGRAPH_LOG_FORMAT=json
COPY --from=wheel /wheels/ /tmp/wheels/
RUN pip install --no-cache-dir /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin sessiongraph
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["sessiongraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
