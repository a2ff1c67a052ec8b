"""Settings of the Django site, all from the environment (see README.md for the list).

The release directory is read-only while the site runs: the only paths written are data/ (the
deployer links it to a persistent shared directory) and TMPDIR (gunicorn's worker heartbeat
files). Nothing here touches the file system at import time, so settings import even before data/
exists.
"""
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

# Required when serving. DJANGO_DEBUG=1 allows a fixed, public development key instead;
# manage.py gives management commands a throwaway key of their own (they sign nothing that lasts).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Give the site a long random secret in the environment "
            "(with Switchyard: list DJANGO_SECRET_KEY under \"secrets\"), or set DJANGO_DEBUG=1 "
            "to use the insecure development key."
        )
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

# Host names the site answers to; Django ignores the port (localhost:8080 matches localhost).
# Keep localhost in the list: health checks that go straight to a colour send "Host: localhost".
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "shop.apps.ShopConfig",
]

MIDDLEWARE = [
    "mysite.middleware.ReleaseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
    }
]
WSGI_APPLICATION = "mysite.wsgi.application"

# nginx sets X-Forwarded-Proto from the scheme the client used (and replaces any the client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")



def postgres_from_url(url):
    """DATABASE_URL as libpq reads it: postgresql://user:password@host:port/name, where a query's
    host=/dir names a unix socket directory (Switchyard's embedded database gives one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_URL: expected a postgresql:// URL")
    query = parse_qs(parts.query)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


# With DATABASE_URL, PostgreSQL through psycopg2 (Debian's python3-psycopg2). Without it, SQLite in
# data/, the persistent directory shared by every release, which the deployer links into the release.
DATABASES = {
    "default": postgres_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "data" / "db.sqlite3",
        # Each worker thread keeps its connection for a minute instead of opening the file (and
        # setting up Django's SQLite functions) on every request: 2-3 times the GETs per second.
        "CONN_MAX_AGE": 60,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per process, in memory: nothing to write in the read-only release directory, nothing shared
# between workers or colours (so never count or store anything there that must add up).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "django-site",
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Static files: `manage.py collectstatic` copies every app's static/ folder into STATIC_ROOT, each
# file under its own name and under a name with a hash of its content (site.css and
# site.55e7cbb9ba48.css), and writes staticfiles.json, which {% static %} reads to give the hashed
# name. Whatever serves STATIC_ROOT (nginx, a CDN) can then cache those for good. The URL they are
# served under comes from ASSETS_BASE_URL when set (the deployer sets it), like any other setting.
STATIC_URL = os.environ.get("ASSETS_BASE_URL") or "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"

# stderr only, read by systemd or the deployer's log file. gunicorn logs its own errors to stderr
# too, and keeps no access log unless given --access-logfile.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own handlers (console only under DEBUG, mail to ADMINS) with stderr.
        "django": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"), "propagate": False},
    },
}
