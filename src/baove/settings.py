"""Django settings, read from the environment with safe defaults.

The embedded default is SQLite (WAL mode) in a per-user data folder; production sets
``DATABASE_URL`` to a PostgreSQL server and ``BAOVE_ENV=production``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import platformdirs
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


BAOVE_ENV = os.environ.get("BAOVE_ENV", "development")
PRODUCTION = BAOVE_ENV == "production"

DATA_DIR = Path(os.environ.get("BAOVE_DATA_DIR") or platformdirs.user_data_dir("baove"))


def _secret_key() -> str:
    key = os.environ.get("BAOVE_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("BAOVE_SECRET_KEY must be set when BAOVE_ENV=production")
    # Outside production keep a random key per data folder so sessions survive restarts
    # without a well-known key ever being committed.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("BAOVE_DEBUG", default=False)
ALLOWED_HOSTS = _env_list("BAOVE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = _env_list("BAOVE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "baove.core",
    "baove.geo",
    "baove.accounts",
    "baove.audit",
    "baove.registry",
    "baove.cases",
    "baove.matching",
    "baove.services",
    "baove.referrals",
    "baove.notifications",
    "baove.screening",
    "baove.placements",
    "baove.dashboards",
    "baove.opendata",
    "baove.monitoring",
    "baove.web",
    "baove.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "baove.core.middleware.RequestContextMiddleware",
    # Axes must be last: it turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

# Widgets render through Jinja2: the case page has a dozen forms, and Django's template
# engine spent most of the page's time rendering their options (measured in bench/).
FORM_RENDERER = "django.forms.renderers.Jinja2"
ROOT_URLCONF = "baove.urls"
WSGI_APPLICATION = "baove.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:caseload"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baove.web.context.baove_context",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'baove.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        # Persistent connections: opening one (and, on SQLite, its PRAGMAs) per request
        # costs more than a typical page's queries.
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing half-way with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BAOVE_TEST_SQLITE", "")}
else:
    DATABASES["default"].setdefault("TEST", {})
    # Server-side parameters let psycopg prepare the statements a worker repeats on every
    # request (case lookup, audit insert, ...), so PostgreSQL stops re-planning them:
    # +20% API throughput on 2 cores (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("server_side_binding", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login rate limiting (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("BAOVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("BAOVE_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "baove.accounts.lockout.attempted_username"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
if not PRODUCTION:
    # WhiteNoise serves app static files through the finders outside production but still
    # expects the collected-files folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve app static files straight from the package in development and the demo.
WHITENOISE_USE_FINDERS = not PRODUCTION

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("BAOVE_SESSION_SECONDS", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("BAOVE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("BAOVE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Response timeframes for the first response to a report, by risk level, in hours.
# Override with BAOVE_RESPONSE_HOURS="urgent=12,high=24,medium=72,low=168".
BAOVE_RESPONSE_HOURS: dict[str, int] = {"urgent": 12, "high": 24, "medium": 72, "low": 168}
for _item in _env_list("BAOVE_RESPONSE_HOURS", []):
    _level, _sep, _hours = _item.partition("=")
    BAOVE_RESPONSE_HOURS[_level.strip()] = int(_hours)

# "default" is per process; "shared" lives in the database, so every web worker and the
# background jobs see the same entries (the managers' dashboard numbers, which a scheduled
# job recomputes every few minutes: see baove.monitoring.reads.warm).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "baove_cache",
    },
}

# Aggregates shown to national analysts hide cells smaller than this.
BAOVE_MIN_CELL = int(os.environ.get("BAOVE_MIN_CELL", "5"))

# Public open data (no sign-in) hides cells smaller than this (see docs/opendata.md).
BAOVE_OPEN_MIN_CELL = int(os.environ.get("BAOVE_OPEN_MIN_CELL", "10"))

# Response timeframes for the first answer to a referral (accept or decline), by urgency,
# in hours. Override with BAOVE_REFERRAL_RESPONSE_HOURS="emergency=4,urgent=24,routine=72".
BAOVE_REFERRAL_RESPONSE_HOURS: dict[str, int] = {"emergency": 4, "urgent": 24, "routine": 72}
for _item in _env_list("BAOVE_REFERRAL_RESPONSE_HOURS", []):
    _level, _sep, _hours = _item.partition("=")
    BAOVE_REFERRAL_RESPONSE_HOURS[_level.strip()] = int(_hours)

# Days between reviews of a care placement, by placement type (residential care most often).
BAOVE_PLACEMENT_REVIEW_DAYS: dict[str, int] = {
    "parents": 180,
    "kinship": 180,
    "foster": 180,
    "community": 180,
    "residential": 90,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BAOVE_LOG_LEVEL", "WARNING")},
}
