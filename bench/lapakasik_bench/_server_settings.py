"""Settings for the processes ``lapakasik bench server`` starts: the product's own settings plus a
URLconf with one benchmark-only write endpoint (never mounted in the product)."""

from lapakasik.settings import *  # noqa: F403

ROOT_URLCONF = "lapakasik_bench._server_urls"
