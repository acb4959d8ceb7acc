"""gunicorn configuration for Tianping (tianping.web.wsgi:application).

    gunicorn -c deploy/gunicorn.conf.py tianping.web.wsgi:application

Environment: TIANPING_BIND (default 127.0.0.1:8000 — only the reverse proxy talks to it),
TIANPING_WEB_WORKERS (default 2 × cores + 1), TIANPING_WEB_THREADS (default 4).
Sizing: docs/deployment.md."""

import multiprocessing
import os

bind = os.environ.get("TIANPING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TIANPING_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("TIANPING_WEB_THREADS", "4"))
timeout = 60                 # an Excel upload of a large department is parsed in the request
graceful_timeout = 30
keepalive = 5
max_requests = 2000          # recycle workers now and then (memory of pandas-heavy pages)
max_requests_jitter = 200
limit_request_line = 8190
forwarded_allow_ips = "127.0.0.1"   # trust X-Forwarded-Proto only from the local proxy
accesslog = os.environ.get("TIANPING_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("TIANPING_LOG_LEVEL", "info")
preload_app = False          # each worker opens its own database connections
