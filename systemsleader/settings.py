"""Settings for Systems Leader, read from the environment.

With no variables set the app runs on a SQLite file, runs Celery tasks
in-process and prints email to the console. DATABASE_URL, REDIS_URL and
EMAIL_HOST switch to the real services. See the README for every setting.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from systemsleader.env import env_bool, env_int, env_list, env_str

# Lets generic classes such as ModelAdmin[Model] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run PORT=...` serves on; links in emails follow it unless SITE_URL says otherwise.
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://localhost:{PORT}").rstrip("/")
# Whether anyone may start a pilot site for themselves (after proving their email address). Off: only
# enablers and staff set up sites, and a first enabler is made with `manage.py create_enabler`.
SELF_SERVICE_SITES = env_bool("SELF_SERVICE_SITES", default=False)
# Who to contact about the service, shown in every page's footer.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "help@systemsleader.localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # ordinal: the ballot says "Moved … to 2nd"
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "network",
    "outcomes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the switcher's cookie, else the browser's languages
    "django.middleware.common.CommonMiddleware",
    "network.middleware.NullCharacterMiddleware",  # a NUL in a query string is a 400, never a database error
    "network.middleware.TokenPageOriginMiddleware",  # before CSRF: see its docstring
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "network.middleware.UserLanguageMiddleware",  # a signed-in person's own language wins over the browser's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the sign-in page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "systemsleader.urls"
WSGI_APPLICATION = "systemsleader.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "network.context_processors.site_navigation",
                "systemsleader.context_processors.service",
            ],
        },
    }
]

# Every form is drawn by templates/forms/fields.html: pages write {{ form }}.
FORM_RENDERER = "systemsleader.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles a query whose estimated cost is high (the list of everyone invited to a
    # meeting of 20,000, say) to machine code first, which took 50 ms of a 120 ms query that runs in 65 ms
    # without it. A web app's queries are short; the compiling never pays for itself here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "network.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "network:home"
LOGOUT_REDIRECT_URL = "login"

# A Content-Security-Policy on every response (django-csp): scripts, styles and everything else from this
# site only, so inline script (an injected <script> or onclick=) is refused by the browser. Templates keep
# no inline script or style; htmx is told not to inject its indicator style (base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Password sign-in is throttled by django-axes: after SIGN_IN_FAILURE_LIMIT wrong passwords for one
# account, or from one client address, that account or address is refused for SIGN_IN_COOLOFF_MINUTES.
# Failures for addresses with no account count the same, so the answer never tells who has one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account, and per address
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "network.views.accounts.sign_in_username"
AXES_CLIENT_IP_CALLABLE = "network.views.accounts.sign_in_client_ip"  # REMOTE_ADDR only, as for sign-in links
AXES_DISABLE_ACCESS_LOG = True  # failures are what it counts; a log of every sign-in is data we need not keep
AXES_LOCKOUT_CALLABLE = "network.views.accounts.sign_in_locked_out"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English and Welsh (issue 15). A person's language is kept on their account (User.language) and used for
# everything sent to them; a visitor's comes from the switcher's cookie, then the browser. The Welsh catalogue is
# locale/cy/LC_MESSAGES/django.po (glossary: locale/cy/GLOSSARY.md); `make messages` refreshes it.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]  # each named in its own language, as switchers are
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Redis is the Celery broker and the cache when REDIS_URL is set; without it
# tasks run in-process (eager) and the cache lives in memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host named, so kombu does not warn it is missing
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# With acks_late, a task whose worker died is handed out again once this many seconds pass unacknowledged.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # How often a worker looks for such abandoned tasks (seconds between sweeps, and sweeps per Redis scan).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
# How often the beat looks for digests to start, refused emails to retry and leases run out (seconds).
DIGEST_SWEEP_SECONDS = env_int("DIGEST_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    # Weekly digests and meeting reminders: each has a key, so a run that finds nothing due sends nothing.
    # The same run sweeps up deliveries whose lease ran out (a worker died, or Redis lost the task).
    "network-digests-due": {"task": "network.tasks.digests_due_send", "schedule": float(DIGEST_SWEEP_SECONDS)},
    # Voting rounds with a closing time are closed once it passes; the task is idempotent.
    "outcomes-rounds-close-due": {"task": "outcomes.tasks.rounds_close_due", "schedule": 60.0},
    # A living-map snapshot a month for every site: hourly, each run makes only those not yet made this month.
    "network-map-snapshots-monthly": {"task": "network.tasks.map_snapshots_monthly", "schedule": 3600.0},
}
# A big digest is split into chunks of this many recipients that any worker can take.
DIGEST_CHUNK_SIZE = env_int("DIGEST_CHUNK_SIZE", 200)
# A refused email is retried after this many seconds, doubling each time.
DIGEST_RETRY_SECONDS = env_int("DIGEST_RETRY_SECONDS", 60)
# A worker owns the emails it claims for this long (renewed as it hands each one to the mail server);
# one claimed and not finished by then, or queued and never claimed, is swept up again.
DIGEST_LEASE_SECONDS = env_int("DIGEST_LEASE_SECONDS", 120)
if DIGEST_LEASE_SECONDS < 1 or DIGEST_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured("DIGEST_LEASE_SECONDS and DIGEST_SWEEP_SECONDS must be at least 1")

# Email: sent through EMAIL_HOST when it names an SMTP server. Without one, each message is kept in
# EMAIL_FILE_PATH (one file per message) and summed up in one console line, and in development
# (DEBUG on) the page /dev/mail/ shows them, links and all.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "systemsleader.devmail.MailboxBackend"
# Seconds an SMTP server may take over any one step before the attempt fails (and is retried later):
# a server that never answers costs at most this per email.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Systems Leader <noreply@systemsleader.localhost>")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
