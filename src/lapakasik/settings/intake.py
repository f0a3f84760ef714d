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
# PDFs: every compressed stream is inflated (chunk by chunk, never held) while the file is inspected;
# a file whose streams inflate past this total, or whose inspection takes longer, is refused
# (pdf_uninspectable). 128 MiB holds five clean A4 pages at 300 dpi stored as lossless RGB (26 MB each,
# the most wasteful writer we measured); text PDFs inflate about 2x and JPEG scans not at all. See
# docs/security.md "Hostile files".
INTAKE_PDF_MAX_INFLATED_BYTES = env_int("INTAKE_PDF_MAX_INFLATED_BYTES", 128 * 1024 * 1024)
INTAKE_PDF_INSPECT_SECONDS = env_int("INTAKE_PDF_INSPECT_SECONDS", 20)
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
# A decode taking longer is killed and the file refused (too_slow); a 40 MP PNG takes 1–3 s.
INTAKE_IMAGE_TIMEOUT = env_int("INTAKE_IMAGE_TIMEOUT", 20)
# At most this many image decodes at once per web/worker process; a file waits at most
# INTAKE_IMAGE_QUEUE_SECONDS for a slot, then is refused as "try again in a few minutes".
INTAKE_IMAGE_MAX_CONCURRENT = env_int("INTAKE_IMAGE_MAX_CONCURRENT", 2)
INTAKE_IMAGE_QUEUE_SECONDS = env_int("INTAKE_IMAGE_QUEUE_SECONDS", 10)
# Web and API uploads per upload link (or API token) and, separately, per claim: files per minute and
# bytes per hour (answered 429 with Retry-After; the page says when to try again). 0 = no limit.
INTAKE_UPLOAD_RATE_FILES_PER_MINUTE = env_int("INTAKE_UPLOAD_RATE_FILES_PER_MINUTE", 20)
INTAKE_UPLOAD_RATE_BYTES_PER_HOUR = env_int("INTAKE_UPLOAD_RATE_BYTES_PER_HOUR", 200 * 1024 * 1024)
# Remind participants with an incomplete checklist this many hours before the documents deadline.
INTAKE_REMINDER_HOURS = env_int("INTAKE_REMINDER_HOURS", 24)
# The dropbox plan: how far ahead the participant may plan to come, and how many days after that date a
# claim whose envelope never arrived expires.
INTAKE_DROPBOX_PLAN_MAX_DAYS = env_int("INTAKE_DROPBOX_PLAN_MAX_DAYS", 14)
INTAKE_DROPBOX_GRACE_DAYS = env_int("INTAKE_DROPBOX_GRACE_DAYS", 7)
# Web/API uploads: one acknowledgement per burst, sent this many seconds after the first upload.
INTAKE_ACK_DELAY_SECONDS = env_int("INTAKE_ACK_DELAY_SECONDS", 60)
# The officer's in-page document viewer (intake/viewer.py): every page is rendered to a JPEG at most
# this wide and with at most this many pixels, in the same kind of child process as the image decoding
# above (INTAKE_IMAGE_MEMORY_MB, INTAKE_IMAGE_MAX_CONCURRENT), killed after INTAKE_VIEWER_TIMEOUT seconds.
INTAKE_VIEWER_MAX_WIDTH = env_int("INTAKE_VIEWER_MAX_WIDTH", 1400)
INTAKE_VIEWER_MAX_PIXELS = env_int("INTAKE_VIEWER_MAX_PIXELS", 4_000_000)
INTAKE_VIEWER_TIMEOUT = env_int("INTAKE_VIEWER_TIMEOUT", 10)
INTAKE_VIEWER_JPEG_QUALITY = env_int("INTAKE_VIEWER_JPEG_QUALITY", 85)
