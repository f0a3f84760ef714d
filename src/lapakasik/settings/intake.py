"""Document intake settings (owned by the intake app). Read from environment variables.

Size/count limits per file and per claim live in ``LAPAKASIK`` (service.py): MAX_FILE_BYTES,
MAX_FILES_PER_CLAIM, MAX_BYTES_PER_CLAIM, NPWP_THRESHOLD_RUPIAH, CLAMD_ADDRESS. The intake app reads
them through ``lapakasik.intake.pipeline.limits()``, which prefers the INTAKE_* names below when set.
"""

from __future__ import annotations

from .env import env_int, env_list, env_str

# Personal intake addresses are <token>@INTAKE_DOMAIN (the one definition; the mail gateway accepts
# mail for this domain only). The README documents the default.
INTAKE_DOMAIN = env_str("INTAKE_DOMAIN", "dokumen.lapakasik.local").strip().lower()
# Absolute base for the upload link when set; empty = links relative to the site (pages), made absolute
# with PUBLIC_BASE_URL where they leave the site (messages, ticket PDF, .ics).
INTAKE_PUBLIC_BASE_URL = env_str("INTAKE_PUBLIC_BASE_URL", env_str("PUBLIC_BASE_URL", "")).strip().rstrip("/")
# Accepted file kinds (by content AND extension). Any of: jpeg, png, pdf, heic.
INTAKE_ALLOWED_KINDS = env_list("INTAKE_ALLOWED_KINDS", "jpeg,png,pdf,heic")
# Images: decoded pixel cap (decompression bombs) and the minimum size a readable scan has.
INTAKE_MAX_PIXELS = env_int("INTAKE_MAX_PIXELS", 40_000_000)
INTAKE_MIN_IMAGE_SIDE = env_int("INTAKE_MIN_IMAGE_SIDE", 300)
INTAKE_THUMBNAIL_SIZE = env_int("INTAKE_THUMBNAIL_SIZE", 320)
# PDFs: page cap.
INTAKE_MAX_PDF_PAGES = env_int("INTAKE_MAX_PDF_PAGES", 30)
# Refusals in a row (without any accepted file in between) before the claim goes to UPLOAD_FAILED.
INTAKE_REFUSALS_BEFORE_FAILED = env_int("INTAKE_REFUSALS_BEFORE_FAILED", 6)
# Orphan files (stored, no row) older than this are removed by the periodic cleanup.
INTAKE_ORPHAN_GRACE_MINUTES = env_int("INTAKE_ORPHAN_GRACE_MINUTES", 60)
# Storage prefix for documents.
INTAKE_STORAGE_PREFIX = env_str("INTAKE_STORAGE_PREFIX", "documents")
# ClamAV clamd: "host:port" or a unix socket path; empty = use LAPAKASIK["CLAMD_ADDRESS"] (empty = off).
INTAKE_CLAMD_ADDRESS = env_str("INTAKE_CLAMD_ADDRESS", "")
INTAKE_CLAMD_TIMEOUT = env_int("INTAKE_CLAMD_TIMEOUT", 30)
# Largest web/API request body for document uploads (a little more than one file).
INTAKE_MAX_REQUEST_BYTES = env_int("INTAKE_MAX_REQUEST_BYTES", 7 * 1024 * 1024)
# Images are decoded in a throw-away child process (keeps the web process small; a decoder bug or a
# bomb dies with the child) with this address-space limit and timeout. False = in-process.
INTAKE_IMAGE_SUBPROCESS = env_str("INTAKE_IMAGE_SUBPROCESS", "1").lower() not in {"0", "false", "no", "off"}
INTAKE_IMAGE_MEMORY_MB = env_int("INTAKE_IMAGE_MEMORY_MB", 1024)
INTAKE_IMAGE_TIMEOUT = env_int("INTAKE_IMAGE_TIMEOUT", 60)
# Remind participants with an incomplete checklist this many hours before the documents deadline.
INTAKE_REMINDER_HOURS = env_int("INTAKE_REMINDER_HOURS", 24)
# Web/API uploads: one acknowledgement per burst, sent this many seconds after the first upload.
INTAKE_ACK_DELAY_SECONDS = env_int("INTAKE_ACK_DELAY_SECONDS", 60)
