FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3.11 python3.11-venv python3-venv gdal-bin proj-bin libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-thai-tlwg gettext nodejs npm ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN python3.11 -m venv /venv && /venv/bin/pip install --no-cache-dir -r requirements.lock && npm ci --no-audit --no-fund
ENV PATH="/venv/bin:$PATH" PYTHONUNBUFFERED=1
COPY . .
RUN sh -c 'for po in locale/*/LC_MESSAGES/django.po; do [ -f "$po" ] && msgfmt -o "${po%.po}.mo" "$po"; done; true'
EXPOSE 8000
