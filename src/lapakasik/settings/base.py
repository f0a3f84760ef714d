"""Django core: apps, middleware, templates, i18n, time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import DATA_DIR, development_base_url, env_bool, env_int, env_list, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LAPAKASIK_ENV = env_str("LAPAKASIK_ENV", "development")  # development | production | test
PRODUCTION = LAPAKASIK_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Demo mode: simulators for providers, the development inbox, demo log-ins on the home page.
DEMO_MODE = env_bool("LAPAKASIK_DEMO", default=not PRODUCTION)

SECRET_KEY, SECRET_KEY_FROM_ENV = secret_key(production=PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Links in messages, tickets, QR codes and .ics files. Development: the address the web server listens
# on (HOST/PORT; `lapakasik up --port N` passes its own to the processes it starts). Production: required
# (no default; `lapakasik.E005` refuses to start without it).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "" if PRODUCTION else development_base_url(
    env_str("HOST", "127.0.0.1"), env_str("PORT", "8000"))).strip().rstrip("/")

INSTALLED_APPS = [
    "lapakasik.accounts.adminconfig.OfficerAdminConfig",  # django.contrib.admin, behind the officer sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # officers' single-use recovery codes
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lapakasik.core",
    "lapakasik.accounts",
    "lapakasik.branches",
    "lapakasik.registry",
    "lapakasik.claims",
    "lapakasik.booking",
    "lapakasik.intake",
    "lapakasik.mailgateway",
    "lapakasik.notifications",
    "lapakasik.benefits",
    "lapakasik.payments",
    "lapakasik.forms",
    "lapakasik.casework",
    "lapakasik.branchops",
    "lapakasik.frontdesk",
    "lapakasik.dropbox",
    "lapakasik.employers",
    "lapakasik.api",
]

MIDDLEWARE = [
    "lapakasik.core.microcache.MicroCacheMiddleware",  # outermost: stores answers as they leave the stack
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lapakasik.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lapakasik.core.middleware.ApiErrorShapeMiddleware",
    "lapakasik.core.middleware.NulByteGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lapakasik.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Officer sign-in (accounts/views.py): password, then a TOTP code (django-otp) or a recovery code. Wrong
# passwords and wrong codes both count towards the lock-out (django-axes) of that user name from that
# address; each device also slows down its own wrong codes (django-otp's throttling: 1, 2, 4 … s).
# How many reverse proxies stand in front of the server, each appending to X-Forwarded-For: the client's
# address for every per-address limit and the lock-out is then the one the outermost proxy saw (core/net.py).
# 0: the connection's own address (no proxy).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
AXES_CLIENT_IP_CALLABLE = "lapakasik.core.net.client_key"
AXES_FAILURE_LIMIT = env_int("OFFICER_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OFFICER_LOCKOUT_MINUTES", 60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "lapakasik.accounts.views.locked_out"
AXES_VERBOSE = False  # no start-up banner in every process (lock-outs are still logged)
OTP_TOTP_ISSUER = "Lapak Asik"  # the account's name in the officer's authenticator app
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Between the password and the code (or the enrolment of an authenticator app), in seconds.
OFFICER_SIGNIN_PENDING_SECONDS = env_int("OFFICER_SIGNIN_PENDING_SECONDS", 600)

# Officer passwords: Django's validators, plus the published demo password is never accepted.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lapakasik.accounts.validators.NotTheDemoPasswordValidator"},
]

ROOT_URLCONF = "lapakasik.urls"
WSGI_APPLICATION = "lapakasik.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lapakasik.core.context_processors.site",
            ],
        },
    }
]

# Indonesian first: source strings are Indonesian, English is the translation.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lapakasik_lang"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the branch's own zone

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The project's own static files (site.css, the vendored htmx) live outside any app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES_STATICFILES_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if PRODUCTION
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_USE_FINDERS = not PRODUCTION

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "casework:home"  # the officer's home (after password and code)
LOGOUT_REDIRECT_URL = "home"

# Request bodies: API JSON is small; uploads stream to temporary files above 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 20
