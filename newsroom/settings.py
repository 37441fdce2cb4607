"""Newsroom settings: every knob comes from the environment, defaults are production-safe.

Tests adjust settings in tests/conftest.py; there are no per-environment twins.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("DJANGO_DEBUG")

# The signing key: sessions, CSRF, preview-share links, pending-comment hashes.
# Keys printed in this repository (the development key, the placeholders in
# .env.example and docs/production.md) are public: anyone could sign a preview
# link to any draft with them. With DEBUG off the site refuses to start on one.
DEVELOPMENT_SECRET_KEY = "django-insecure-dev-only-change-me"
PUBLIC_SECRET_KEYS = {
    DEVELOPMENT_SECRET_KEY,
    "change-me-to-a-long-random-string",
    "replace-with-the-output-of-the-command-above",
}
_MAKE_A_KEY = (
    "Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "and set DJANGO_SECRET_KEY (or put it in a file readable only by the service "
    "user and set DJANGO_SECRET_KEY_FILE). See docs/production.md."
)


def read_secret_key_file(path: Path) -> str:
    """The key in a file that only its owner may read (`make serve` writes var/secret_key)."""
    try:
        if path.stat().st_mode & 0o077:
            raise ImproperlyConfigured(
                f"DJANGO_SECRET_KEY_FILE {path} is readable by other users: "
                f"chmod 600 {path}."
            )
        return path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY_FILE {path} cannot be read ({exc.strerror}). "
            + _MAKE_A_KEY
        ) from exc


def is_public_secret_key(key: str) -> bool:
    return not key or key in PUBLIC_SECRET_KEYS or key.startswith("django-insecure")


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY and os.environ.get("DJANGO_SECRET_KEY_FILE", "").strip():
    SECRET_KEY = read_secret_key_file(Path(os.environ["DJANGO_SECRET_KEY_FILE"]))
# Old keys still accepted while signed links and sessions made with them expire
# (rotation): new signatures always use SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
if DEBUG and not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY  # `make run` (DJANGO_DEBUG=1) only
elif not DEBUG and is_public_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is "
        + ("missing" if not SECRET_KEY else "a public development key")
        + " and DEBUG is off: anyone could forge signed links and sessions. "
        + _MAKE_A_KEY
    )
elif not DEBUG and any(map(is_public_secret_key, SECRET_KEY_FALLBACKS)):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY_FALLBACKS holds an empty or public development key: "
        "signatures made with it would still be accepted. Remove it."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "The Newsroom")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_LANGUAGE = os.environ.get("SITE_LANGUAGE", "en")
# Feeds carry each story's full text (on) or only its standfirst (off).
FEED_FULL_CONTENT = env_bool("FEED_FULL_CONTENT")

INSTALLED_APPS = [
    "newsroom.adminsite.NewsroomAdminConfig",  # django.contrib.admin, forgery-proof
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "django_tasks",
    "axes",
    "csp",
    "newsroom",  # one table: page-cache invalidations that missed Redis
    "articles",
    "images",  # the image library (docs/images.md)
    "comments",
    "wordpress",  # the WordPress importer and old-link redirects
    "demo",  # the demo site: seed story, fictional stories, desk accounts
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "corsheaders",
    "api",  # the read API at /api/v1/ (docs/api.md)
    "webhooks",  # signed webhooks for story and comment events (docs/api.md)
]

MIDDLEWARE = [
    # One log line per request (LOG_FORMAT), then where its reads may go (replicas).
    "newsroom.requestlog.RequestLogMiddleware",
    "newsroom.routers.PrimaryPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers for the API's reads, on cached answers too (outside the cache:
    # they depend on the request's Origin, which the cache does not key on).
    "corsheaders.middleware.CorsMiddleware",
    # The API's query check, keys and rate limits, before the cache (api/access.py).
    "api.access.ApiAccessMiddleware",
    # Outermost after static files: a hit skips sessions, CSRF, auth and the view.
    "newsroom.pagecache.PageCacheMiddleware",
    # A request that writes is one transaction; a 5xx rolls it back (newsroom/faults.py).
    "newsroom.faults.AtomicWritesMiddleware",
    # An imported site's /?p=123 links (wordpress/middleware.py).
    "wordpress.middleware.old_post_links",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: marks a commenter's private preview of a held comment no-store,
    # so the page cache (outside) never stores it.
    "comments.middleware.private_comment_preview",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))
if "DATABASE_URL" not in os.environ:
    # The embedded database must not fail on a fresh checkout or a new NEWSROOM_VAR_DIR.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so a commenter and an editor queue
    # behind each other instead of failing with "database is locked". Connections
    # persist as on PostgreSQL: a new one re-reads the schema and the PRAGMAs,
    # about a third of a small page's time.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A database that cannot be reached fails fast (a 503 page), not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # PostgreSQL's JIT compiles "expensive-looking" plans: ~1 s of compiling for the
    # article page's navigation query at 100,000 stories, which then runs in 12 ms.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# Read replicas (optional): public reads go to them, see newsroom/routers.py.
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    ) | {"OPTIONS": DATABASES["default"]["OPTIONS"], "TEST": {"MIRROR": "default"}}
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
# After a write, this browser reads from the primary for a few seconds (replica lag).
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def next_redis_database(url: str) -> str:
    """The same Redis server, the next database: redis://host:6379/0 -> /1."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured("Set REDIS_COUNTERS_URL for this REDIS_URL.")
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{database + 1}"))


# Cache: Redis when REDIS_URL is set (shared by every worker), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage is a miss, not a 500.
            "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("REDIS_CONNECT_TIMEOUT", 0.5)
                ),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", 1)),
                "DOWN_RETRY_SECONDS": float(os.environ.get("REDIS_RETRY_SECONDS", 5)),
            },
        }
    }
    # Rate-limit counters (newsroom/ratelimit.py) in a Redis database of their own:
    # clearing the page cache (FLUSHDB) never resets them. Only a Redis that never
    # evicts protects them from a flood of pages: see docs/production.md.
    CACHES["counters"] = {
        **CACHES["default"],
        "LOCATION": os.environ.get("REDIS_COUNTERS_URL")
        or next_redis_database(REDIS_URL),
        "KEY_PREFIX": "counters",
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "counters",
        },
    }

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Page cache for anonymous readers (newsroom/pagecache.py); 0 switches it off.
# Entries are invalidated exactly on every content change; PAGE_CACHE_MAX_AGE is how
# long browsers and proxies (which cannot see that invalidation) may keep a page.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 10)
# The query parameters each public view reads, by URL name. For an anonymous reader
# every other parameter (?utm_source=, ?fbclid=, junk) is dropped before the view
# runs, so it neither renders nor stores a page of its own. A view that starts
# reading a parameter adds it here (tests/newsroom/test_crawl.py exercises every one).
_LIST = ["page"]
_STORY = ["cpage", "replytocom", "unapproved", "moderation-hash"]  # comments
_API_LIST = ["cursor", "limit"]
PAGE_CACHE_QUERY_PARAMETERS = {
    "articles:home": ["page", "p"],  # p: wordpress.middleware.old_post_links
    "articles:search": ["q", "page"],
    "articles:detail": _STORY,
    "articles:shared_preview": _STORY,
    **dict.fromkeys(
        [
            "articles:section",
            "articles:tag",
            "articles:author",
            "articles:archive_year",
            "articles:archive_month",
            "articles:archive_day",
            "articles:quotes",
            "articles:speaker",
            "articles:tags",
            "articles:corrections",
        ],
        _LIST,
    ),
    # The read API (api/views.py): api/access.py refuses any other parameter.
    "api:story-list": [
        "section",
        "tag",
        "author",
        "published_after",
        "published_before",
        "updated_since",
        "q",
        *_API_LIST,
    ],
    "api:story-detail": [],
    "api:story-comments": [],
    "api:section-list": [],
    "api:tag-list": _API_LIST,
    "api:author-list": _API_LIST,
    "api:quote-list": ["speaker", *_API_LIST],
    "api:correction-list": _API_LIST,
    **{
        f"api:desk-{name}": []
        for name in (
            "stories",
            "story",
            "submit",
            "publish",
            "schedule",
            "unpublish",
            "images",
        )
    },
    "api:schema": ["format", "lang"],
    "api:docs": ["script", "lang"],
    "sitemap_section": ["p"],  # Django's sitemap pages
    "sitemap_news": ["p"],
    "admin:login": ["next"],
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin brute-force protection: lock a username+IP pair, and let the lock expire.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The project's one client-IP rule (honours TRUSTED_PROXIES behind nginx).
AXES_CLIENT_IP_CALLABLE = "newsroom.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
# A lockout ends AXES_COOLOFF_MINUTES after it began: more attempts while locked do
# not extend it (they are refused unchecked), so a person who keeps retrying is not
# locked out for ever; guessing stays bounded at AXES_FAILURE_LIMIT per cool-off.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media on S3-compatible object storage (MEDIA_STORAGE=s3): every app server reads
# and writes the same bucket. Local files in MEDIA_ROOT stay the default.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local").strip().lower()
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as _BotoConfig

    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL", "https:")
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "")
    # Images are public: plain URLs (no expiring signatures) that CDNs can cache.
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_DEFAULT_ACL = None  # the bucket policy decides who may read
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # A store that is down fails an upload in seconds with a clear admin error.
    AWS_S3_CLIENT_CONFIG = _BotoConfig(
        s3={"addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or "auto"},
        signature_version="s3v4",
        connect_timeout=env_int("AWS_S3_CONNECT_TIMEOUT", 3),
        read_timeout=env_int("AWS_S3_READ_TIMEOUT", 20),
        retries={"max_attempts": env_int("AWS_S3_MAX_ATTEMPTS", 3), "mode": "standard"},
    )

# Serve uploaded media from the app server (renditions are plain files); behind
# nginx, let nginx serve MEDIA_ROOT and switch this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# The longest story body an editor or an import may save (characters of HTML):
# search, feeds and the page itself stay fast for every story.
ARTICLE_BODY_MAX_CHARS = env_int("ARTICLE_BODY_MAX_CHARS", 1_000_000)

# Autosave of the story form (articles/autosave.py): every this many seconds while
# something changed; autosaves per user per window (0 switches the limit off).
AUTOSAVE_INTERVAL_SECONDS = env_int("AUTOSAVE_INTERVAL_SECONDS", 30)
AUTOSAVE_RATE_LIMIT = env_int("AUTOSAVE_RATE_LIMIT", 20)
AUTOSAVE_RATE_WINDOW = env_int("AUTOSAVE_RATE_WINDOW", 60)
# The story form's live preview (articles/live_preview.py): renders per user per
# window (0 switches the limit off); the panel refreshes after a pause in typing.
LIVE_PREVIEW_RATE_LIMIT = env_int("LIVE_PREVIEW_RATE_LIMIT", 30)
LIVE_PREVIEW_RATE_WINDOW = env_int("LIVE_PREVIEW_RATE_WINDOW", 60)

# Who else has a story open (articles/presence.py): the change form's heartbeat
# every this many seconds (a colleague is gone after four silent intervals), and
# heartbeats per user per window (0 switches the limit off).
PRESENCE_INTERVAL_SECONDS = env_int("PRESENCE_INTERVAL_SECONDS", 30)
PRESENCE_RATE_LIMIT = env_int("PRESENCE_RATE_LIMIT", 30)
PRESENCE_RATE_WINDOW = env_int("PRESENCE_RATE_WINDOW", 60)

# Search: searches per reader IP per window (0 switches the limit off); beyond it
# a 429 page with Retry-After. Counted in the "counters" cache.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60)
SEARCH_RATE_WINDOW = env_int("SEARCH_RATE_WINDOW", 60)

# Upload limits for featured images (checked before decoding).
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 50_000_000)
# Memory the decoded pixels (and any converted copy) may take: a 7000×7000 RGBA
# PNG needs 196 MB, the same pixels as CMYK 392 MB (images/processing.py).
IMAGE_MAX_DECODED_BYTES = env_int("IMAGE_MAX_DECODED_BYTES", 200_000_000)
IMAGE_RENDITION_WIDTHS = [480, 800, 1200, 1600]
# The image library (images/, docs/images.md): fixed-ratio crops cut around each
# image's focal point, as largest width × height; smaller widths come from
# IMAGE_RENDITION_WIDTHS. The admin list shows IMAGE_THUMBNAIL_WIDTH-wide WebPs.
IMAGE_CROPS = {
    "card": (1200, 800),
    "social": (1200, 630),
    "square": (800, 800),
}
IMAGE_THUMBNAIL_WIDTH = env_int("IMAGE_THUMBNAIL_WIDTH", 160)
# Images per page in the editor's chooser (a request may ask for fewer, not more).
IMAGE_CHOOSER_PAGE_SIZE = env_int("IMAGE_CHOOSER_PAGE_SIZE", 24)

# Email: console unless an SMTP host is configured. Every SMTP call is bounded by
# EMAIL_TIMEOUT; a mail server that hangs only delays the background task.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (emails, and whatever else talks to the outside or can wait) runs
# in a worker beside the web server, never in the request (newsroom/tasks.py).
# "database": rows in the site's database, run by `manage.py db_worker` (`make run`
# and `make serve` start it); "rq": Redis (TASKS_REDIS_URL, else REDIS_URL), run by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.backend.Job`;
# "immediate": inside the request (tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip()
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {"BACKEND": TASKS_BACKENDS.get(TASKS_BACKEND.lower(), TASKS_BACKEND)}
}
INSTALLED_APPS.append("django_tasks_db")  # its table and the admin's "Task results"
if TASKS["default"]["BACKEND"] == TASKS_BACKENDS["rq"]:
    TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", REDIS_URL)
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs TASKS_REDIS_URL or REDIS_URL."
        )
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {
            "URL": TASKS_REDIS_URL,
            # A job that runs longer than this is killed and counted as failed.
            "DEFAULT_TIMEOUT": env_int("TASKS_JOB_TIMEOUT", 300),
        }
    }
# A task that fails on the outside world (mail server down or hanging) is tried again
# this many times in all, waiting TASKS_RETRY_DELAY seconds, then 4x, 16x... longer.
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 5)
TASKS_RETRY_DELAY = env_int("TASKS_RETRY_DELAY", 30)

# Webhooks (docs/api.md#webhooks), delivered by the task worker. Each POST waits at
# most WEBHOOKS_TIMEOUT seconds to connect and as long for each read; a failed one is
# retried after WEBHOOKS_RETRY_DELAY seconds, then 4x, 16x... longer, up to
# WEBHOOKS_MAX_ATTEMPTS attempts (60 s and 7: the last one ~23 hours later).
# WEBHOOKS_ALLOW_PRIVATE lets them reach private and loopback addresses (a test
# site or an intranet receiver); off, they go to public addresses only.
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 5)
WEBHOOKS_RETRY_DELAY = env_int("WEBHOOKS_RETRY_DELAY", 60)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 7)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE")

# Security headers. HTTPS settings switch on with DJANGO_SECURE=1 (behind TLS).

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_SECURE"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The story body editor's own extensions (django-prose-editor loads their modules):
# pictures from the library and the story's quotes (static/js/body-figures.js), and
# the Embed node (static/js/embeds-editor.js). What they may store is
# articles/sanitize.py's rule (with articles/embeds.py judging embeds), so these
# processors add nothing of their own.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/body-figures.js")],
        "extensions": {"BodyImage": html_tags([]), "QuotePicker": html_tags([])},
    },
    {
        "js": [static_lazy("js/embeds-editor.js")],
        "extensions": {
            "Embed": html_tags(["figure", "figcaption"], {"figure": ["data-embed"]})
        },
    },
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # The nonce is only issued where a page asks for it: the admin's body editor
        # needs an inline import map (articles/admin.py).
        "script-src": ["'self'", NONCE],
        # Exactly the embed players (articles/embeds.py: PLAYER_HOSTS). Listing a
        # host here makes no request: a frame is only created when a reader clicks
        # "Load the video" on an embed's facade.
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
            "https://w.soundcloud.com",
        ],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}


# The read API (api/, docs/api.md): JSON only, no sessions or CSRF (it only reads);
# access and limits are api/access.py's, before the page cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Published stories, sections, topics, authors, quotes, "
    "corrections and comments. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The desk's PATCH says what it requires (its `version`), not "all optional".
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "QuoteKindEnum": "articles.models.quotes.Quote.Kind",
        "CorrectionKindEnum": "articles.models.quotes.Correction.Kind",
    },
}
# Requests per window: per client IP without a key, per key with one (a key may
# carry its own limit, set in the admin). 0 switches a limit off.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_KEY_RATE_LIMIT = env_int("API_KEY_RATE_LIMIT", 1200)
API_RATE_WINDOW = env_int("API_RATE_WINDOW", 60)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20)
# The desk API (api/desk/): requests per API_RATE_WINDOW per desk token, and the
# largest JSON body it reads (a story's body is at most ARTICLE_BODY_MAX_CHARS).
DESK_RATE_LIMIT = env_int("DESK_RATE_LIMIT", 600)
DESK_MAX_JSON_BYTES = env_int("DESK_MAX_JSON_BYTES", 4 * 1024 * 1024)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
# Browser apps on these origins may read the API (CORS, GET/HEAD only).
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/v1/(?!docs/).*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# Trusted proxies whose X-Forwarded-For may name the client (comma-separated IPs).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Comments: per-IP posting limit (posts per window, through the cache so it holds
# across workers with Redis), optional Akismet, optional Gravatar avatars.
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 10)
COMMENTS_RATE_WINDOW = env_int("COMMENTS_RATE_WINDOW", 600)
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
AKISMET_API_URL = os.environ.get("AKISMET_API_URL", "https://rest.akismet.com/1.1")
AKISMET_TIMEOUT = env_int("AKISMET_TIMEOUT", 5)
COMMENTS_GRAVATAR = env_bool("COMMENTS_GRAVATAR")
if COMMENTS_GRAVATAR:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        "https://secure.gravatar.com"
    )

# LOG_FORMAT=json: one JSON object per line (newsroom/requestlog.py), for collectors.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "newsroom.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
