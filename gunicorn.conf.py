"""gunicorn settings for the PaaS (Procfile: web: gunicorn app:server -c gunicorn.conf.py)."""

import os

from web.settings import ConfigError, load

# Check the environment in the master, before any worker forks: a bad config stops here with its message
# instead of workers failing to boot one after another.
try:
    load()
except ConfigError as exc:
    raise SystemExit(f"evcharge: {exc}") from None

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The platform router gives up at 30 s: a request still running at 25 s is killed so the user gets an answer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
# SIGTERM: stop accepting, let in-flight requests finish within this (the platform sends SIGKILL after 30 s).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
preload_app = False  # each worker opens its own database pool and Redis connections after the fork
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")  # behind the platform router only
# No local admin socket: a dyno has no use for it, and several gunicorns on one host would share its path.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# %(p)s is the worker pid: lets the logs (and tests) tell which worker served a request.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s rid=%({x-request-id}o)s'
