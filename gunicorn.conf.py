"""gunicorn settings for the PaaS (Procfile: web: gunicorn app:server -c gunicorn.conf.py)."""

from config import ConfigError, load

# Check the environment in the master, before any worker forks: a bad config stops here with its message
# instead of workers failing to boot one after another.
try:
    _settings = load()
except ConfigError as exc:
    raise SystemExit(f"evcharge: {exc}") from None
_g = _settings.gunicorn

bind = f"0.0.0.0:{_settings.port or 8000}"
workers = _g.workers
worker_class = "gthread"
threads = _g.threads
# The platform router gives up at 30 s: a request still running at 25 s is killed so the user gets an answer.
timeout = _g.timeout
# SIGTERM: stop accepting, let in-flight requests finish within this (the platform sends SIGKILL after 30 s).
graceful_timeout = _g.graceful_timeout
keepalive = 5
max_requests = _g.max_requests
max_requests_jitter = 100
preload_app = False  # each worker opens its own database pool and Redis connections after the fork
forwarded_allow_ips = _g.forwarded_allow_ips  # behind the platform router only
# No local admin socket: a dyno has no use for it, and several gunicorns on one host would share its path.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
# %(p)s is the worker pid: lets the logs (and tests) tell which worker served a request.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s rid=%({x-request-id}o)s'
