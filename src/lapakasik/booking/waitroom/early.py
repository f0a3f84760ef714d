"""A poll of the waiting room that is refused anyway, refused before the overload gate and Django.

At an opening, scripts poll their place many times a second. Past ``OPENING_POLLS_PER_MINUTE`` a poll is a 429
(the place is kept), but through Django each refusal still waited in the overload gate's queue and cost a
whole request — measured on a 2-core machine, a thousand such refusals a second queued in front of the
admitted people's bookings. This WSGI layer (``lapakasik.wsgi``, between the micro-cache and the gate) answers
``GET /api/v1/opening/place`` with the same 429 when the place's count for this minute is already over the
limit: one signature check of the place token and one cache read, no count, no queue. Polls under the limit,
and any request it cannot read (no token, a forged one), go on to Django as before, which counts them; so
does every poll while the cache does not answer (it restarts during an opening): Django's own answer then
applies, never a bare server error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import translation

from lapakasik.core import clock
from lapakasik.core.admission import environ_language
from lapakasik.core.errors import RateLimited

from . import services

POLL_PATH = "/api/v1/opening/place"
log = logging.getLogger(__name__)


class PollThrottle:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == POLL_PATH and environ.get("REQUEST_METHOD") == "GET":
            auth = str(environ.get("HTTP_AUTHORIZATION", ""))
            scheme, _sep, token = auth.partition(" ")
            try:
                wait = services.poll_refused_for(token.strip(), clock.now()) if scheme.lower() == "bearer" else 0
            except Exception:  # the cache unreachable (a restart during the opening): Django answers, as before
                log.warning("waiting-room poll shortcut skipped: the cache did not answer", exc_info=True)
                wait = 0
            if wait:
                return self._refuse(environ, start_response, wait)
        return self.app(environ, start_response)

    @staticmethod
    def _refuse(environ: dict[str, Any], start_response: Callable[..., Any], wait: int) -> list[bytes]:
        language = environ_language(environ)
        with translation.override(language):
            error = RateLimited(retry_after=wait, message=services.POLL_TOO_OFTEN)
            body = json.dumps(error.as_dict(), ensure_ascii=False).encode()
        start_response("429 Too Many Requests", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Retry-After", str(wait)),
            ("Cache-Control", "no-store"), ("Content-Language", language), ("X-Content-Type-Options", "nosniff"),
        ])
        return [body]
