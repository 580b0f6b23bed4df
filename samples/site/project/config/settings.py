"""Settings of the sample site, all read from environment variables.

On a host, systemd passes them from the shared environment file (DATABASE_*, SECRET_KEY,
ALLOWED_HOSTS, DEBUG, BUCKET_NAME, SECURE_COOKIES, CSRF_TRUSTED_ORIGINS) and from the release's own file (RELEASE_ID).
"""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# project/ holds manage.py; its parent is the release directory.
BASE_DIR = Path(__file__).resolve().parent.parent
RELEASE_DIR = BASE_DIR.parent


def required(name):
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is not set.")
    return value


def flag(name):
    return os.environ.get(name, "0").strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = required("SECRET_KEY")
DEBUG = flag("DEBUG")
ALLOWED_HOSTS = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
RELEASE_ID = os.environ.get("RELEASE_ID", "unknown")
BUCKET_NAME = os.environ.get("BUCKET_NAME", "")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "status",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": required("DATABASE_NAME"),
        "USER": required("DATABASE_USER"),
        "PASSWORD": os.environ.get("DATABASE_PASSWORD", ""),
        "HOST": os.environ.get("DATABASE_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DATABASE_PORT", "5432"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

# nginx serves /static/ from the release's collected files; behind nginx the scheme comes from
# X-Forwarded-Proto.
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(RELEASE_DIR / "static"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Over https (SECURE_COOKIES=1) the cookies never travel in clear; CSRF trusts the site's https origins.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = flag("SECURE_COOKIES")
CSRF_TRUSTED_ORIGINS = [origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
