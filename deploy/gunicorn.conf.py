"""gunicorn settings for the portal (used by `make serve` and deploy/tongliao-portal.service)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one is gunicorn's usual starting point; the pages are short requests.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Hostile uploads (issue 13; docs/deploy.md §14). A worker silent for `timeout` seconds is killed
# and replaced: reading an upload is bounded to seconds (IMPORT_MAX_READ_SECONDS), but committing
# a large list and exporting the province-scale workbook take longer, so this stays at two minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Recycle each worker after about 500 requests (jittered, so they do not all restart together):
# memory a worker took for a large upload or export is given back to the system, not kept for
# the worker's life; the MemoryMax= of the systemd unit is the hard ceiling over all of them.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 500))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# nginx on the same host sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
