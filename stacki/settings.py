"""Django settings, all derived from the environment (see stacki.home)."""

import os

import dj_database_url

from stacki import home

_home = home.stacki_home()

SECRET_KEY = os.environ.get("STACKI_SECRET_KEY") or home.secret_key()
DEBUG = False
# The names the web service answers to: by default the frontend's own names
# and loopback only (a Host header is what links and credentials are made of).
ALLOWED_HOSTS = [h for h in (os.environ.get("STACKI_ALLOWED_HOSTS") or ",".join(
    home.own_host_names())).split(",") if h]
# Where users reach the service, for the credentials `add api user` prints
# (host[:port]); unset: what `stacki-ws` recorded, else the frontend's name.
STACKI_SERVICE_ADDRESS = home.service_address_setting()

# Users, groups and sessions are stacki.inventory's own tables, not those of
# Django's auth and sessions apps (see stacki.inventory.models).
INSTALLED_APPS = [
    "stacki.inventory",
]

MIDDLEWARE = [
    # Outermost: every answer, even a refused body, is audited.
    "stacki.ws.audit.AuditTrail",
    "stacki.ws.middleware.KnownHost",
    "stacki.ws.middleware.BodyLimit",
    # The console's CSS and script, before sessions: no database for them.
    "stacki.console.static.StaticFiles",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "stacki.ws.authentication.Authentication",
]
# Failed logins for one user, or from one address, within the window (seconds)
# after which further attempts get 429 until the window has passed (0: no limit).
STACKI_LOGIN_FAILURES = int(os.environ.get("STACKI_LOGIN_FAILURES", "10"))
STACKI_LOGIN_WINDOW = int(os.environ.get("STACKI_LOGIN_WINDOW", "300"))
# Reverse proxies whose X-Forwarded-For names the client (throttling, audit).
STACKI_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("STACKI_TRUSTED_PROXIES", "").split(",") if a.strip()]

ROOT_URLCONF = "stacki.ws.urls"
WSGI_APPLICATION = "stacki.ws.wsgi.application"

_url = os.environ.get("STACKI_DATABASE_URL")
if _url:
    _db = dj_database_url.parse(_url, conn_max_age=600)
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_home / "stacki.db")}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; the busy timeout makes writers
    # queue instead of failing with "database is locked".
    _db.setdefault("OPTIONS", {}).update(
        timeout=30,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
    )
    # A web-service worker keeps its connection between requests (opening one
    # costs about a millisecond); a CLI process runs one command anyway.
    _db["CONN_MAX_AGE"] = None
else:
    # A kept connection is checked before each request, so a server restarted
    # since the last one costs no failed request; an unreachable server fails
    # the request (503) within seconds instead of hanging it.
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions live in the database so that several servers can share them.
SESSION_ENGINE = "stacki.ws.sessions"
SESSION_COOKIE_SECURE = os.environ.get("STACKI_SECURE_COOKIES", "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("STACKI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("STACKI_MAX_BODY", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Largest file accepted by POST /stack/upload.
STACKI_MAX_UPLOAD = int(os.environ.get("STACKI_MAX_UPLOAD", DATA_UPLOAD_MAX_MEMORY_SIZE))
# The longest `cmd` of POST /stack (characters) and its most words: more is
# refused (413, 400) before anything else is done with it.
STACKI_MAX_CMD = int(os.environ.get("STACKI_MAX_CMD", 1024 * 1024))
STACKI_MAX_WORDS = int(os.environ.get("STACKI_MAX_WORDS", 50_000))
# Retention: audit records and uploaded files older than this many days are
# removed (0: kept for ever); what one user may keep uploaded (bytes, 0: no limit).
STACKI_AUDIT_DAYS = int(os.environ.get("STACKI_AUDIT_DAYS", "365"))
STACKI_UPLOAD_DAYS = int(os.environ.get("STACKI_UPLOAD_DAYS", "30"))
STACKI_UPLOAD_QUOTA = int(os.environ.get("STACKI_UPLOAD_QUOTA", 100 * 1024 * 1024))
# CSRF refusals answer JSON like the rest of the web service.
CSRF_FAILURE_VIEW = "stacki.ws.views.csrf_failure"

# Django's default logging config imports its e-mail and debug-view machinery;
# stacki.logs sets up ours.
LOGGING_CONFIG = None
