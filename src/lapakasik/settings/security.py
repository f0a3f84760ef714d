"""Security headers, cookies and HTTPS; strict in production (``lapakasik check --deploy`` clean)."""

from __future__ import annotations

from .base import PRODUCTION
from .env import env_bool, env_int

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_AGE = 8 * 3600
# Officer lock-out after repeated wrong passwords or codes (django-axes; limits in base.py). On everywhere;
# only the test run turns it off (settings/test.py), and one test turns it on again. A production start
# refuses to run with it off (lapakasik.E007).
AXES_ENABLED = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

# Content Security Policy, sent by lapakasik.core.middleware.ContentSecurityPolicyMiddleware. Scripts
# only from our own static files: no page has an inline script or event-handler attribute (a test
# renders every page and reads every template), so an injected <script> never runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
