"""Mine Atlas settings, read from the environment.

Defaults are the production ones where safety depends on them: DEBUG is off unless set
(the Makefile sets DEBUG=1 for `make run` and `make test`), and with DEBUG off the site
refuses to start on the development key. A deployment sets SECRET_KEY and ALLOWED_HOSTS at
least: docs/deploy.md lists the rest.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------

# Off unless set: a deployment that forgets it gets the safe settings (`make` sets DEBUG=1).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key is refused when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public origin for absolute links (permalinks, citations, embeds, feeds), e.g.
# https://mineatlas.example; empty: taken from each request.
SITE_URL = os.environ.get("SITE_URL", "")

# --- Who publishes this installation (the About and privacy pages) ------------------------
# Empty by default: the pages then say plainly that the operator has not named itself,
# rather than inventing an organisation.
SITE_OPERATOR = {
    "name": os.environ.get("SITE_OPERATOR_NAME", ""),
    "description": os.environ.get("SITE_OPERATOR_DESCRIPTION", ""),
    "contact_email": os.environ.get("SITE_CONTACT_EMAIL", ""),
    "funding": os.environ.get("SITE_FUNDING", ""),
    "independence": os.environ.get("SITE_INDEPENDENCE", ""),
    "log_retention": os.environ.get("SITE_LOG_RETENTION", ""),
}
# Readers' reports: at most this many from one address per window (seconds).
READER_REPORT_LIMIT = (env_int("READER_REPORT_LIMIT", 5), 3600)
# What a report may be about (app_label.model); anything else in the form is refused.
REPORTABLE_MODELS = [
    "contamination.hazardarea",
    "contamination.landrelease",
    "contamination.incident",
    "contamination.adminarea",
    "statements.statement",
    "statements.person",
    "statements.metric",
]

INSTALLED_APPS = [
    # The admin site asks every staff account for a second factor (accounts/admin_site.py).
    "accounts.apps.MineAtlasAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "leaflet",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "contamination",
    "statements",
    "editorial",
    "search",
    # Reads both apps' history: the commit-ordered feed behind /api/v1/changes/?after=.
    "changefeed",
    # Accounts and browser security (issue 13): see the block at the end of this file.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Public JSON and CSV compressed, and the other API answers' data version and ETag,
    # computed before compression (config/public_answers.py).
    "config.public_answers.PublicDataGZipMiddleware",
    "config.public_answers.PublicDataVersionMiddleware",
    # Accounts and browser security (issue 13): headers on every answer, static files included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware, as Django asks: it picks the language from
    # the /az/, /ru/ or /en/ prefix, and redirects an unprefixed page to one.
    "django.middleware.locale.LocaleMiddleware",
    "config.language.LanguageParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, so that a missing slash still redirects.
    "config.not_found.SiteNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Public reads from the replica, when there is one: after authentication, which it asks.
    "config.db_router.PublicReadsFromReplicaMiddleware",
    # Accounts and browser security (issue 13): the second factor, then what depends on it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "config.security.PrivateResponsesMiddleware",
    "config.security.PagePolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who changed what (user and URL) in every history event written by a request.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "contamination.context_processors.site",
                "config.language.languages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# DATABASE_URL wins; otherwise the project-local cluster started by scripts/db.sh.

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": os.environ.get("DB_NAME", "mineatlas"),
            "USER": os.environ.get("DB_USER", "mineatlas"),
            "PASSWORD": os.environ.get("DB_PASSWORD", ""),
            "HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "PORT": env_int("DB_PORT", 54329),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        }
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A streaming replica of the primary, for public reads (config/db_router.py, docs/deploy.md):
# DATABASE_REPLICA_URL, or DB_REPLICA_PORT for one on the primary's host with its other
# settings (`make run REPLICA=1`). Not set: every query goes to the primary, as before.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
elif os.environ.get("DB_REPLICA_PORT"):
    DATABASES["replica"] = {**DATABASES["default"], "PORT": env_int("DB_REPLICA_PORT", 0)}
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests have no replica database of their own: the replica's connection reads the
    # primary's test database (on the replica's server; tests/conftest.py explains).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
# After a write (any POST, PUT, PATCH or DELETE, or an ORM write), that browser reads from
# the primary for this many seconds, so that it sees its own write whatever the replica's lag.
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation ---------------------------------------------------------------

# Pages live under /az/, /ru/ and /en/ (config/urls.py); the API and the admin have no prefix
# and take the language from ?lang= or Accept-Language (config/language.py). English is the
# fallback: the records and most sources were compiled in it.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("az", "Azərbaycanca"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice, kept for a year; read before Accept-Language.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The manifest storage needs `collectstatic`; development and tests serve files as they are.
    "staticfiles": {
        "BACKEND": (
            "config.storage.StaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security (all on when DEBUG is off) ------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = [
    # GDAL < 3.9 cannot block file and network access from GDAL itself (Debian 12 ships 3.6).
    # The importers open uploaded files from a local path only, through an allow-list of
    # drivers, refuse content that links elsewhere, and set GDAL's HTTP options to a proxy
    # where nothing listens while they read (contamination/importers/sandbox.py).
    "gis.W001",
]

# --- Uploads and imports ----------------------------------------------------------------

# Largest file the importers accept, in bytes (admin upload and import_records alike).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Largest total the members of an uploaded ZIP may unpack to.
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
# Rows (CSV lines or features) per file, and vertices per geometry (docs/editing.md).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_VERTICES = env_int("IMPORT_MAX_VERTICES", 100_000)
# Imports run as jobs in a child process with these limits (docs/security.md): CPU seconds,
# address space in bytes, and wall-clock seconds before the child is stopped.
IMPORT_JOB_CPU_SECONDS = env_int("IMPORT_JOB_CPU_SECONDS", 600)
IMPORT_JOB_MEMORY_BYTES = env_int("IMPORT_JOB_MEMORY_BYTES", 2 * 1024 * 1024 * 1024)
IMPORT_JOB_WALL_SECONDS = env_int("IMPORT_JOB_WALL_SECONDS", 1800)
# "subprocess": one child process per import (no daemon to run); "in-process": run the job
# in the web worker itself, for tests and debugging only.
IMPORT_JOB_RUNNER = os.environ.get("IMPORT_JOB_RUNNER", "subprocess")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Maps -------------------------------------------------------------------------------

# Tiles are optional: the boundaries are always drawn, so a map reads without them.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
# The map's requests, when throttled (429) or failing (5xx, network): tries in all, and the
# longest wait between two (the server's Retry-After, else 1, 2, 4 … seconds, up to this).
MAP_RETRY_ATTEMPTS = env_int("MAP_RETRY_ATTEMPTS", 4)
MAP_RETRY_MAX_DELAY_SECONDS = env_int("MAP_RETRY_MAX_DELAY_SECONDS", 30)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (40.3, 47.5),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "TILES": [("Map", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})] if MAP_TILE_URL else [],
    "RESET_VIEW": False,
}

# --- API --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Counted in PostgreSQL (ratelimit/), exact under concurrency; the cache's count is not.
    "DEFAULT_THROTTLE_CLASSES": ["ratelimit.throttling.AnonymousDatabaseThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_RATE_LIMIT", "300/minute")},
    "UNAUTHENTICATED_USER": None,
    # Malformed-parameter errors name the parameter: {"bbox": ["..."]}.
    "NON_FIELD_ERRORS_KEY": "detail",
    # Rate limits count per client address: REMOTE_ADDR unless proxies in front of the site
    # add X-Forwarded-For (then their number, e.g. 1). Trusting that header without a proxy
    # would let a client pick its own address, and so its own limit.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mine Atlas API",
    "DESCRIPTION": (
        "Published records of landmine contamination, land release and incidents: read-only, "
        "no key. Drafts never appear; retracted records leave the lists and are announced in "
        "`/api/v1/changes/`. Geo resources answer GeoJSON (RFC 7946, WGS 84 lon/lat) or CSV "
        "(`?format=csv`). Filters share their names with the site; an unknown or malformed "
        'parameter is a 400 naming it, e.g. `{"bbox": ["..."]}`. Every answer carries the data '
        "version (`ETag`, `Last-Modified`, `X-Data-Version`): send `If-None-Match` for a 304. "
        "Anonymous rate limits per client address answer 429 with `Retry-After`. "
        "People's guide, examples, licence and citation: /api/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "contamination.api.schema.refuse_empty_values",
    ],
}
# Researchers' API (contamination/api): rate limits per client address ("N/second|minute|
# hour|day"; 429 with Retry-After), the answer cache keyed on the data version, the licence
# and citation shipped with every download.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/minute")
API_DOWNLOAD_RATE_LIMIT = os.environ.get("API_DOWNLOAD_RATE_LIMIT", "60/hour")
# Vector tiles: a map at country view asks for ~40 tiles and as many again per pan or zoom.
API_TILE_RATE_LIMIT = os.environ.get("API_TILE_RATE_LIMIT", "1500/minute")
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 24 * 3600)
API_CACHE_MAX_BYTES = env_int("API_CACHE_MAX_BYTES", 8 * 1024 * 1024)
# Built download files, kept under their ETag (data version + query).
API_DOWNLOAD_CACHE_DIR = os.environ.get(
    "API_DOWNLOAD_CACHE_DIR", str(Path(tempfile.gettempdir()) / "mineatlas-downloads")
)
API_DATA_LICENCE = os.environ.get("API_DATA_LICENCE", "CC BY 4.0")
API_DATA_LICENCE_URL = os.environ.get(
    "API_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
API_CITATION = os.environ.get(
    "API_CITATION",
    "Mine Atlas: published records of landmine contamination, land release and incidents",
)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Cache ------------------------------------------------------------------------------

# In memory per process by default. CACHE_DIR gives every gunicorn worker one shared cache
# in files, bounded in bytes (config/cache.py): CACHE_MAX_BYTES for the directory, deleting
# the oldest files first, and CACHE_MAX_ENTRY_BYTES for one entry, refused beyond it.
# CACHE_URL=redis://host:port/db shares one cache between the workers of every machine
# (Redis bounds itself: maxmemory with allkeys-lru, docs/deploy.md); it wins over CACHE_DIR.
if os.environ.get("CACHE_URL"):
    if not os.environ["CACHE_URL"].startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mineatlas"),
        }
    }
elif os.environ.get("CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "config.cache.BoundedFileBasedCache",
            "LOCATION": os.environ["CACHE_DIR"],
            "OPTIONS": {
                "MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000),
                "MAX_BYTES": env_int("CACHE_MAX_BYTES", 512 * 1024 * 1024),
                "MAX_ENTRY_BYTES": env_int("CACHE_MAX_ENTRY_BYTES", 8 * 1024 * 1024),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mineatlas",
        }
    }

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Operations: health checks and the rate-limit store (issue 13, sections 5 and 6) ----
# ratelimit: fixed-window counters in PostgreSQL (one upsert per request, exact under
# concurrency). health_check: /health/ for a load balancer (database, cache, migrations).

INSTALLED_APPS += ["health_check", "ratelimit"]
# After WhiteNoise, so that static files are never counted.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "ratelimit.pages.PageRateLimitMiddleware",
)
# Heavy pages: computed from many rows, or one distinct answer per query string. They share
# one count per client address ("N/second|minute|hour|day"; empty turns the limit off).
PAGE_RATE_LIMIT = os.environ.get("PAGE_RATE_LIMIT", "120/minute")
PAGE_RATE_LIMITED_PATHS = [
    r"^/(az|ru|en)/statistics/",
    r"^/(az|ru|en)/areas/[^/]+/$",
    r"^/(az|ru|en)/changelog/",
    r"^/(az|ru|en)/embed/",
]
# One request in this many also deletes the windows that have ended (0: never).
RATELIMIT_PRUNE_EVERY = env_int("RATELIMIT_PRUNE_EVERY", 1000)
# === Accounts and browser security (issue 13, sections 2 and 3) =========================
# Everything about editor sign-in, sessions, cookies and browser policies sits here, so that
# it reads (and merges) as one block. docs/security.md explains it for operators and editors.

# --- Sign-in: password, then a second factor (accounts/) --------------------------------

AUTHENTICATION_BACKENDS = [
    # Refuses any sign-in while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords: at least 12 characters, not like the username, not all digits, not among
# Django's 20,000 most common breached passwords, and not guessable by zxcvbn's offline
# dictionaries (30,000 more leaked passwords, words, names, keyboard patterns, l33t).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn score 0-4; 3 means about 10^10 guesses ("safely unguessable" offline, slow hash).
PASSWORD_MINIMAL_STRENGTH = env_int("PASSWORD_MINIMAL_STRENGTH", 3)

# django-otp: TOTP apps (the first factor's partner) and one-time recovery codes.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Mine Atlas")
# Recovery codes issued at enrolment; each works once.
ACCOUNTS_RECOVERY_CODE_COUNT = 10
# Time between the password and the code before the password has to be typed again.
ACCOUNTS_SECOND_FACTOR_WINDOW_SECONDS = 300

# django-axes: attempts are kept in the database (shared by every worker). After
# AXES_FAILURE_LIMIT failures an account is locked, from every address, and so is an
# address, for every account: the right password is refused too, until the cool-off ends
# or a superuser runs `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Failures that keep coming during a lockout do not extend it (an attacker could otherwise
# keep an editor out for ever); the count still grows for the login-activity page.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same client address as the API's rate limits (API_NUM_PROXIES): never a header that a
# client can set itself when no proxy is in front.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
AXES_SENSITIVE_PARAMETERS = ["password", "token", "otp_token"]

# --- Sessions and cookies ----------------------------------------------------------------

# Only staff have sessions. A session ends after SESSION_IDLE_MINUTES without a request
# (the expiry moves on with every request) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE:
    # `__Host-` cookies are only accepted by browsers when Secure, for path "/", without a
    # Domain: no subdomain and no plain-HTTP page can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_PATH = "/"
    CSRF_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    CSRF_COOKIE_DOMAIN = None


# --- Content-Security-Policy and Permissions-Policy (config/security.py) ------------------


def tile_source(url_template):
    """Return the CSP source of a tile URL template ("https://{s}.tile.x" -> "https://*.tile.x")."""
    if not url_template:
        return None
    scheme, _, rest = url_template.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    if not scheme or not host or "{" in scheme + host:
        raise ImproperlyConfigured(f"MAP_TILE_URL needs a plain host name, not {url_template!r}")
    return f"{scheme}://{host}"


# No inline script anywhere: every script is a file the site serves. django-leaflet's admin
# widget writes a small inline script; it carries the request's nonce (and only pages that
# use the nonce announce one). Embeds may be framed by any site (config/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Style attributes only (never <style> elements, never script): static/js/map.js
        # writes the legend's colour swatches as style="background: ...". Drop this line
        # once it sets them through element.style, which CSP allows; the browser tests
        # (tests/browser/test_content_security_policy.py) then prove nothing else needs it.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, *filter(None, [tile_source(MAP_TILE_URL)])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page of the site uses, switched off for it and for anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
}
# === End of accounts and browser security =================================================
