"""API fuzzing with schemathesis: every operation of /api/v1/openapi.json, called in-process through
the production WSGI application (``lapakasik.wsgi``: Django behind the micro-cache, with the production
middleware), with every check schemathesis has, in every phase the pytest integration runs (examples,
coverage, fuzzing), generating valid (positive) and invalid (negative) inputs.

The checks are schemathesis' defaults — all of them, none excluded — plus ours:
- no 5xx; documented statuses, content types, headers and bodies only;
- ``positive_data_acceptance``: a request the document says is valid is never a 422 (the document states every
  format the server enforces; what the server still refuses depends on state and is a 409);
- ``negative_data_rejection``: a request the document says is invalid is refused;
- ``ignored_auth``: the participant operations get the real booking's token (an explicit credential), and
  schemathesis checks that no token and a wrong token are each refused with 401;
- ``unsupported_method`` / ``allow_header_conformance``: an undocumented method is a 405 whose ``Allow``
  names exactly the documented methods;
- ``error_shape`` (ours): every error is ``{"error": {"code", "message", "fields"}}``.

The test is generic over the operations in the schema, so endpoints added later are fuzzed too.
``FUZZ_MAX_EXAMPLES`` (default 25) bounds the examples per operation in the fuzzing phase; the run is
deterministic unless ``FUZZ_SEED=random``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

# The `fuzz` extra (`pip install -e ".[fuzz]"`; .ci/run installs it). Without it `make test` skips this
# module instead of failing to collect; in CI a skip here is a failure (LAPAKASIK_REQUIRE_FUZZ=1).
if os.environ.get("CI") != "true" and os.environ.get("LAPAKASIK_REQUIRE_FUZZ") != "1":
    pytest.importorskip("schemathesis", reason="schemathesis missing: pip install -e '.[fuzz]'")
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckContext, GenerationMode, HookContext, Response

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CALLS: Counter[str] = Counter()  # cases per operation, printed at the end (tests/fuzz/conftest.py)




def error_shape(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every API error is ``{"error": {"code": str, "message": str, "fields": {name: [str, ...]}}}``."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (
        f"error {response.status_code} is not JSON but {content_type!r}: {response.text[:200]!r}")
    body = json.loads(response.content)
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error shape: {body!r}"
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], f"error without a code: {body!r}"
    assert isinstance(error.get("message"), str) and error["message"], f"error without a message: {body!r}"
    assert isinstance(error.get("fields"), dict), f"error without fields: {body!r}"
    for name, messages in error["fields"].items():
        assert isinstance(messages, list) and all(isinstance(m, str) and m for m in messages), (
            f"field {name!r} messages are not a list of texts: {body!r}")
    return None


# Production settings where the in-process transport allows them: no DEBUG, no demo mode, HTTPS required
# behind a proxy that says so (every request carries ``X-Forwarded-Proto: https``, as behind the reverse
# proxy), secure cookies, HSTS. Django's middleware reads some of these when it is built, so the
# application is built under them, and the tests run under them (``_app_state``).
PRODUCTION_LIKE: dict[str, Any] = {
    "DEBUG": False, "DEMO_MODE": False, "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"), "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
}
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def _application() -> Any:
    """The production WSGI application (``lapakasik.wsgi``: Django behind the micro-cache), built the same
    way under production settings."""
    from django.core.wsgi import get_wsgi_application

    from lapakasik import wsgi
    from lapakasik.core.microcache import MicroCacheApp

    assert isinstance(wsgi.application, MicroCacheApp)  # the composition below is production's
    with override_settings(**PRODUCTION_LIKE):
        return MicroCacheApp(get_wsgi_application())


# Loaded at import (pytest-django has set Django up by then; building the schema needs no database).
# ``schemathesis.pytest.from_fixture`` would be lazier but does not work with pytest 9 (Function._nodeid).
APPLICATION = _application()
with override_settings(**PRODUCTION_LIKE):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APPLICATION, headers=PROXY_HEADERS)
schema.config.update(headers=PROXY_HEADERS)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=os.environ.get("FUZZ_SEED") != "random",
)


# Random branch codes almost always miss (404 early); half the time use a seeded one so the fuzzing
# reaches the code behind the lookup. Generic: any operation with such a parameter or body field.
SEEDED_BRANCHES = ["JKT01", "JKP06", "SRG01", "JAP01"]
SEEDED_REGIONS = ["DKI", "BANTEN", "BANUSPA"]


def _with_seeded(values: Any, names: dict[str, list[str]]) -> Any:
    if not isinstance(values, dict) or not any(name in values for name in names):
        return st.just(values)
    replacements = {name: st.sampled_from(choices) for name, choices in names.items() if name in values}
    return st.one_of(st.just(values), st.fixed_dictionaries(replacements).map(lambda r: {**values, **r}))


# A real booked claim and its access token (made by the fixture below): half the time the participant
# endpoints get its code and the token, so the fuzzing reaches past authorisation into cancel,
# reschedule and document upload. Read at draw time (the fixture has run by then).
_BOOKED: dict[str, str] = {}


def _booked_code(_: Any) -> str:
    return _BOOKED.get("code", "")


@schema.hook
def flatmap_path_parameters(context: HookContext, path_parameters: Any) -> Any:
    path = context.operation.path
    if "/branches/{code}" in path:
        return _with_seeded(path_parameters, {"code": SEEDED_BRANCHES})
    if "{code}" in path and isinstance(path_parameters, dict) and "code" in path_parameters:
        real = st.integers(0, 1).map(_booked_code).map(lambda code: {**path_parameters, "code": code})
        return st.one_of(st.just(path_parameters), real)
    return _with_seeded(path_parameters, {"branch_code": SEEDED_BRANCHES})


# The participant operations' credential: the real booking's access token, given as the API's documented
# bearer scheme (an explicit credential, so ``ignored_auth`` probes a missing and a wrong token itself).
# Not cached: every operation's test books its own claim.
@schema.auth(refresh_interval=None).apply_to(path_regex=r"^/api/v1/(bookings|claims)/\{code\}")
class BookedClaimToken:
    def get(self, case: Case, ctx: Any) -> str | None:
        return _BOOKED.get("token") or None

    def set(self, case: Case, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# The officer operations' credential: a personal API token of the booked claim's branch supervisor, so the
# fuzzing reaches past authorisation into the queue, the claim and its actions.
@schema.auth(refresh_interval=None).apply_to(path_regex=r"^/api/v1/officer/")
class OfficerPersonalToken:
    def get(self, case: Case, ctx: Any) -> str | None:
        return _BOOKED.get("officer_token") or None

    def set(self, case: Case, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.hook
def flatmap_query(context: HookContext, query: Any) -> Any:
    return _with_seeded(query, {"region": SEEDED_REGIONS, "branch": SEEDED_BRANCHES, "branch_code": SEEDED_BRANCHES})


@schema.hook
def flatmap_body(context: HookContext, body: Any) -> Any:
    return _with_seeded(body, {"branch_code": SEEDED_BRANCHES, "region": SEEDED_REGIONS})


@pytest.fixture(autouse=True)
def _app_state(network: None, settings: Any) -> Iterator[None]:
    """The seeded branch network in the test database, production settings; the WSGI handler must not
    close the test's connection (inside its transaction) after each request."""
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)
    _BOOKED.update(_book_one())
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)

def _book_one() -> dict[str, str]:
    """Synthetic registry participants, the slots of the booking window, and one real booking."""
    from zoneinfo import ZoneInfo

    from django.core.cache import cache
    from django.db.models import F

    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.core import clock
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import REASON_FOR_CASE, seed_demo

    cache.clear()  # rate-limit counters of the previous operation's examples
    seed_demo(participants=30)
    slots_generate(branch_codes=SEEDED_BRANCHES)  # the branches the hooks use; all of them took ~5 s per test
    slot = (SlotQuota.objects.select_related("branch").filter(booked__lt=F("capacity"), starts_at__gt=clock.now())
            .order_by("starts_at").first())
    person = DemoParticipant.objects.filter(case="eligible").order_by("id").first()
    assert slot is not None and person is not None
    start = slot.starts_at.astimezone(ZoneInfo(slot.branch.time_zone))
    result = booking_create(branch_code=slot.branch.code, date=start.date().isoformat(),
                            session_start=f"{start:%H:%M}", claim_type="JHT", claim_reason=REASON_FOR_CASE[person.case],
                            nik=person.nik, kpj=person.kpj, full_name=person.full_name, email="fuzz@contoh.id",
                            phone="081234567890", channels=["email"])
    from lapakasik.casework.services import api_token_create
    from tests.accounts.factories import make_officer

    supervisor = make_officer(f"fuzz.kepala.{result.code.lower()}", "supervisor", branch=slot.branch)
    return {"code": result.code, "token": result.access_token,
            "officer_token": api_token_create(user=supervisor, name="fuzz")}


def _jpeg() -> bytes:
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 400), (200, 180, 160))
    ImageDraw.Draw(img).rectangle((10, 10, 300, 120), fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


# The upload's files: the document says each part is image/jpeg, image/png or application/pdf
# (``encoding.contentType``); whether the bytes are a readable scan is content, which no schema states. A
# schema-valid upload therefore carries a real JPEG (schemathesis' documented way for binary media types);
# negative cases keep generated bytes. The hostile corpus is tests/intake's.
schemathesis.openapi.media_type("image/jpeg", st.just([_jpeg()]))  # the property is an array of files


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=MAX_EXAMPLES)
def test_api_operation(case: Case) -> None:
    CALLS[case.operation.label] += 1
    response = case.call()
    # Every check schemathesis has (its defaults: all enabled), and the error shape.
    case.validate_response(response, additional_checks=[error_shape])
