"""File storage: private directory on disk by default, S3 (django-storages) when configured."""

from __future__ import annotations

from .base import STORAGES_STATICFILES_BACKEND
from .env import DATA_DIR, env_str

MEDIA_ROOT = DATA_DIR / "private"  # never served directly; documents go through authorised views
MEDIA_URL = "/nonpublic/"

STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")  # filesystem | s3
if STORAGE_BACKEND == "s3":
    _default = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", "lapakasik"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", ""),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", ""),
            "region_name": env_str("S3_REGION", "ap-southeast-3"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }

STORAGES = {
    "default": _default,
    "staticfiles": {"BACKEND": STORAGES_STATICFILES_BACKEND},
}
