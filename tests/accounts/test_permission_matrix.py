"""The permission matrix: every officer page and officer API operation × every kind of caller × a claim at
the caller's own branch / another branch of the same region / another region.

Expected: a role allowed the action reaches what its scope reaches (the operation succeeds); out of its scope
→ 404 (the same answer as an unknown code; a list just leaves the row out); a role never allowed → 403;
anonymous callers and participants with their bearer token → the log-in page (pages) or 401 (API). Refused
requests change nothing.

The expectations come from the table written out in ``test_policy.py``, not from the code under test. To
cover a new officer URL or API operation, add an ``Operation`` to ``OPERATIONS``.

The world (two regions, three branches, one booked claim per branch with a document and a phone-call task)
is seeded once for the module inside a transaction that is rolled back at the end; every test runs in a
savepoint of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from lapakasik.accounts.policy import Action

from .factories import make_officer
from .helpers import officer_login
from .test_policy import EXPECTED, REACH, ROLES

FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
TOMORROW = "2026-12-22"
PLACES = ("own_branch", "other_branch_same_region", "other_region")
CALLERS = [role.value for role in ROLES] + ["anonymous", "participant"]
MATRIX_NPP = "31001001"  # a demo registry employer (registry.seed.EMPLOYER_DETAILS)
BRANCH_OF_PLACE = {"own_branch": "MXA01", "other_branch_same_region": "MXA02", "other_region": "MXB01"}


@dataclass
class Place:
    booking_code: str
    token: str
    document_id: int
    call_id: int
    call_phone: str
    branch_code: str = ""
    policy_change_id: int = 0  # a channel-policy change of the place's region, waiting to start
    screening_id: int = 0  # a visitor screened at the door of the place's branch
    batch_ref: str = "BZZZZZZZZ"
    envelope_id: int = 999_999_999  # a dropbox envelope received at the place's branch, not yet disinfected
    accepted_envelope_id: int = 999_999_999  # one accepted by the place's back office, waiting to be scanned
    handover_id: int = 999_999_999  # a hand-over batch sent to the place's branch, with one envelope
    handover_envelope_id: int = 999_999_999


@dataclass
class World:
    places: dict[str, Place]
    users: dict[str, Any]


def _jpeg() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 500), (200, 180, 160))
    ImageDraw.Draw(img).rectangle((40, 40, 400, 300), fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _seed() -> World:
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.branches.models import Branch, ChannelPolicy, Region, SessionTemplate
    from lapakasik.claims.services import Actor
    from lapakasik.core.codes import new_code
    from lapakasik.frontdesk.services import form_id_new, screening_record
    from lapakasik.intake.models import Source
    from lapakasik.intake.receive import document_receive
    from lapakasik.notifications.models import Notification, PhoneCall
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import REASON_FOR_CASE
    from lapakasik.registry.seed import seed_demo as registry_seed

    SessionTemplate.objects.get_or_create(branch=None, start=time(8, 0), defaults={"end": time(9, 0), "capacity": 5})
    SessionTemplate.objects.get_or_create(branch=None, start=time(9, 0), defaults={"end": time(10, 0), "capacity": 5})
    region_a = Region.objects.create(code="MXA", name="Kanwil Matriks A", time_zone="Asia/Jakarta")
    region_b = Region.objects.create(code="MXB", name="Kanwil Matriks B", time_zone="Asia/Jakarta")
    branches = {}
    for code, region in (("MXA01", region_a), ("MXA02", region_a), ("MXB01", region_b)):
        branches[code] = Branch.objects.create(code=code, name=f"Cabang {code}", region=region, address="Jl. Contoh 1",
                                               city="Kota Contoh", time_zone="Asia/Jakarta")
    slots_generate(branch_codes=list(branches))
    waiting = {r.code: ChannelPolicy.objects.create(region=r, mode="ONLINE_ONLY", reason="Matriks: menunggu mulai",
                                                    valid_from=datetime(2031, 1, 1, tzinfo=UTC))
               for r in (region_a, region_b)}
    registry_seed(participants=20)
    people = iter(DemoParticipant.objects.filter(case="eligible").order_by("id"))
    places = {}
    for n, place in enumerate(PLACES):
        branch = branches[BRANCH_OF_PLACE[place]]
        p = next(people)
        booked = booking_create(
            branch_code=branch.code, date=TOMORROW, session_start="08:00", claim_type="JHT",
            claim_reason=REASON_FOR_CASE[p.case], nik=p.nik, kpj=p.kpj, full_name=p.full_name,
            email=f"matriks{n}@contoh.id", phone=f"08129900{n:04d}", channels=["email"])
        received = document_receive(claim=booked.claim, fileobj=io.BytesIO(_jpeg()), filename="ktp.jpg",
                                    declared_type="image/jpeg", source=Source.WEB, requirement_code="ktp",
                                    actor=Actor.participant())
        assert received.document is not None and received.document.status == "RECEIVED"
        phone = f"+6281299{n:06d}"
        note = Notification.objects.create(claim=booked.claim, event="claim_verified", channel="phone",
                                           recipient=phone, idempotency_key=new_code(20),
                                           verification_code=new_code(10), status=Notification.Status.SENT)
        call = PhoneCall.objects.create(notification=note, branch=branch, phone=phone, script="Halo.",
                                        due_at=FIXED_NOW + timedelta(hours=2))
        screened = screening_record(branch=branch, user=None, temperature=Decimal("38.0"), form_id=form_id_new())
        places[place] = Place(booking_code=booked.booking.code, token=booked.access_token,
                              document_id=received.document.pk, call_id=call.pk, call_phone=phone,
                              branch_code=branch.code, policy_change_id=waiting[branch.region.code].pk,
                              screening_id=screened.record.pk)
    home = branches["MXA01"]
    users = {
        "officer": make_officer("mx.petugas", "officer", branch=home),
        "supervisor": make_officer("mx.kepala", "supervisor", branch=home),
        "front_desk": make_officer("mx.satpam", "front_desk", branch=home),
        "regional_admin": make_officer("mx.kanwil", "regional_admin", region=region_a),
        "national_admin": make_officer("mx.pusat", "national_admin"),
        "employer_officer": make_officer("mx.hrd", "employer_officer", npp=MATRIX_NPP),
    }
    from lapakasik.payments.models import PaymentBatch

    for place in places.values():  # an (empty) closed payment batch per branch
        place.batch_ref = f"BMX{place.branch_code}"
        PaymentBatch.objects.create(reference=place.batch_ref, branch=branches[place.branch_code],
                                    business_date=FIXED_NOW.date(), count=0, control_total=0,
                                    closed_by=users["supervisor"], closed_at=FIXED_NOW)
    _seed_dropbox(places, branches, users)
    return World(places=places, users=users)


def _seed_dropbox(places: dict[str, Place], branches: dict[str, Any], users: dict[str, Any]) -> None:
    """Per branch: an envelope at the door, one accepted by the back office, one in a hand-over to accept (the
    rows as the services leave them; the quarantine long over)."""
    from lapakasik.claims.models import Claim
    from lapakasik.dropbox.models import Envelope, HandoverBatch

    over = FIXED_NOW - timedelta(days=2)
    for n, place in enumerate(places.values()):
        branch = branches[place.branch_code]
        claim = Claim.objects.get(code=place.booking_code)

        def envelope(suffix: str, **kw: Any) -> Envelope:
            return Envelope.objects.create(claim=claim, received_branch=branch, destination=branch,
                                           matched_by="claim_code", form_id=f"matrix-{n}-{suffix}",
                                           received_at=over, received_by=users["front_desk"], **kw)

        done = {"disinfected_at": over, "disinfected_by": users["front_desk"], "disinfection_method": "spray",
                "quarantine_until": over + timedelta(hours=24)}
        place.envelope_id = envelope("door").pk
        place.accepted_envelope_id = envelope("accepted", state="ACCEPTED", accepted_at=over,
                                              accepted_by=users["officer"], **done).pk
        batch = HandoverBatch.objects.create(reference=f"STMX{n}", from_branch=branch, to_branch=branch, sent_count=1,
                                             sent_at=over + timedelta(days=1), sent_by=users["front_desk"])
        place.handover_id = batch.pk
        place.handover_envelope_id = envelope("batch", state="HANDED_OVER", batch=batch, **done).pk


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from lapakasik.core import clock

    storage = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                           "OPTIONS": {"location": str(tmp_path_factory.mktemp("matrix-files"))}},
               "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with pytest.MonkeyPatch.context() as mp, override_settings(STORAGES=storage), django_db_blocker.unblock():
        mp.setattr(clock, "now", lambda: FIXED_NOW)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- the operations ---------------------------------------------------------------------------------------

def _booking_status(place: Place) -> str:
    from lapakasik.booking.models import Booking

    return str(Booking.objects.get(code=place.booking_code).status)


def _booking_slot(place: Place) -> str:
    from lapakasik.booking.models import Booking

    return f"{Booking.objects.select_related('slot').get(code=place.booking_code).slot.session_start:%H:%M}"


def _document_status(place: Place) -> str:
    from lapakasik.intake.models import Document

    return str(Document.objects.get(pk=place.document_id).status)


def _call_outcome(place: Place) -> str:
    from lapakasik.notifications.models import PhoneCall

    return str(PhoneCall.objects.get(pk=place.call_id).outcome)


def _opened(place: Place) -> int:
    from lapakasik.claims.models import ClaimEvent

    return ClaimEvent.objects.filter(claim__code=place.booking_code, kind="document_opened").count()


@dataclass(frozen=True)
class Operation:
    name: str
    route: str  # the URL pattern (pages) or the OpenAPI path (API) this row covers
    kind: str  # "page" (login redirect, Django 404/403), "api" (401 and the error shape), "list" (a page
    #            listing rows of its scope: out of scope = the row is absent; ``listed`` says what a row
    #            shows), "self" (the caller's own work, no target: allowed roles get it, others 403)
    method: str
    path: Callable[[Place], str]
    action: Action
    body: Callable[[Place], dict[str, Any]] | None = None
    # allowed: check the answer and the effect; state: what a refused request must leave unchanged
    done: Callable[[Any, Place], None] = lambda r, p: None
    state: Callable[[Place], Any] = lambda p: None
    not_found_code: str = "not_found"
    listed: Callable[[Place], str] = lambda p: p.call_phone


def _region_code(place: Place) -> str:
    from lapakasik.branches.models import Branch

    return Branch.objects.filter(code=place.branch_code).values_list("region__code", flat=True).first() or "ZZZ"


def _branch_policy_rows(place: Place) -> int:
    from lapakasik.branches.models import ChannelPolicy

    return ChannelPolicy.objects.filter(branch__code=place.branch_code).count()


def _policy_page_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and "Riwayat" in r.content.decode()


def _policy_applied(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _branch_policy_rows(place) == 1


def _policy_previewed(r: Any, place: Place) -> None:
    assert r.status_code == 200 and 'value="apply"' in r.content.decode() and _branch_policy_rows(place) == 0


def _change_cancelled(place: Place) -> Any:
    from lapakasik.branches.models import ChannelPolicy

    return ChannelPolicy.objects.filter(pk=place.policy_change_id).values_list("cancelled_at", flat=True).first()


def _change_cancel_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _change_cancelled(place) is not None


_POLICY_CHANGE = {"mode": "ONLINE_ONLY", "when": "now", "reason": "Matriks: perubahan kebijakan kanal"}


def _api_booking_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["code"] == place.booking_code


def _cancel_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "CANCELLED" and _booking_status(place) == "CANCELLED"


def _reschedule_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["slot"]["start"] == "09:00" and _booking_slot(place) == "09:00"


def _documents_page_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and "ktp.jpg" in r.content.decode()


def _review_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _document_status(place) == "ACCEPTED"


def _download_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    assert b"".join(r.streaming_content)[:3] == b"\xff\xd8\xff" and _opened(place) == 1


def _assignee(place: Place) -> Any:
    from lapakasik.claims.models import Claim

    return Claim.objects.get(code=place.booking_code).assignee_id


def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return int(get_user_model().objects.get(username=username).pk)


def _claim_page_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and place.booking_code in r.content.decode() and "ktp.jpg" in r.content.decode()


def _take_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _assignee(place) is not None


def _reassign_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _assignee(place) == _user_id("mx.petugas")


def _redirect_to_claim(r: Any, place: Place) -> None:
    # allowed through the policy; the claim's state (a booking awaiting documents) then refuses the move
    assert r.status_code == 302 and r["Location"] == f"/petugas/klaim/{place.booking_code}/"


def _ok(r: Any, place: Place) -> None:
    assert r.status_code in (200, 302), r.status_code


def _api_claim_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["code"] == place.booking_code


def _api_queue_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert place.booking_code in {row["code"] for row in r.json()["items"]}


def _api_take_done(r: Any, place: Place) -> None:
    _api_claim_done(r, place)
    assert _assignee(place) is not None


def _api_passed_policy(r: Any, place: Place) -> None:
    # allowed through the policy; the claim's state (a booking awaiting documents, nobody's) refuses the move
    assert r.status_code in (200, 409), r.content


def _api_ok(r: Any, place: Place) -> None:
    assert r.status_code in (200, 204), r.content


def _view_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg" and r.content[:3] == b"\xff\xd8\xff"
    assert _opened(place) == 1


def _claim_state(place: Place) -> str:
    from lapakasik.claims.models import Claim

    return str(Claim.objects.get(code=place.booking_code).state)


def _decisions(place: Place) -> tuple[str, int]:
    from lapakasik.benefits.models import Decision

    return _claim_state(place), Decision.objects.filter(claim__code=place.booking_code).count()


def _registry_reads(place: Place) -> int:
    from lapakasik.claims.models import ClaimEvent

    return ClaimEvent.objects.filter(claim__code=place.booking_code, kind="registry_opened").count()


def _api_eligibility_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["code"] == place.booking_code and r.json()["rules"] and _registry_reads(place) == 1
def _batch_status(place: Place) -> str:
    from lapakasik.payments.models import PaymentBatch

    return str(PaymentBatch.objects.get(reference=place.batch_ref).status)


def _account_check(place: Place) -> int:
    from lapakasik.claims.models import ClaimEvent

    return ClaimEvent.objects.filter(claim__code=place.booking_code, kind="bank_account_checked").count()


def _csv_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv"), r.content
    assert r.content.decode().startswith(f"H,{place.batch_ref},{place.branch_code},")


def _pdf_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"


def _to_payments(r: Any, place: Place) -> None:
    # allowed through the policy; nothing is ready to pay (or no file was sent): back to the payments page
    assert r.status_code == 302 and r["Location"].startswith("/petugas/pembayaran/"), r.status_code


def _api_payment_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert r.json()["claim_code"] == place.booking_code and r.json()["bank_account"] is None


def _api_batches_done(r: Any, place: Place) -> None:
    assert r.status_code == 200, r.content
    assert place.batch_ref in {b["reference"] for b in r.json()}


def _api_result_refused(r: Any, place: Place) -> None:
    # allowed through the policy; the body is no result file of this batch
    assert r.status_code == 422 and r.json()["error"]["code"] == "result_file_invalid", r.content


def _call_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _call_outcome(place) == "REACHED"


def _screenings() -> int:
    from lapakasik.frontdesk.models import ScreeningRecord

    return ScreeningRecord.objects.count()


def _screen_body(place: Place) -> dict[str, Any]:
    from lapakasik.frontdesk.services import form_id_new

    return {"temperature": "36,5", "form_id": form_id_new()}


def _screened_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and r["Location"].startswith("/petugas/depan/skrining/"), r.status_code


def _screening_result_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and "38,0 °C" in r.content.decode()


def _screening_counts_done(r: Any, place: Place) -> None:
    assert r.status_code == 200 and f"Cabang {place.branch_code}" in r.content.decode()


def _envelope_state(place: Place) -> str:
    from lapakasik.dropbox.models import Envelope

    return str(Envelope.objects.get(pk=place.envelope_id).state)


def _handover_status(place: Place) -> str:
    from lapakasik.dropbox.models import HandoverBatch

    return str(HandoverBatch.objects.get(pk=place.handover_id).status)


def _dropbox_form() -> dict[str, Any]:
    from lapakasik.dropbox.services import form_id_new

    return {"form_id": form_id_new()}


def _dropbox_envelopes(place: Place) -> int:
    from lapakasik.dropbox.models import Envelope

    return Envelope.objects.filter(claim__code=place.booking_code).count()


def _opening_settings_rows() -> int:
    from lapakasik.booking.models import OpeningSettingsChange

    return OpeningSettingsChange.objects.count()


def _opening_settings_body(place: Place) -> dict[str, str]:
    from lapakasik.booking.waitroom import config

    values = {k: str(int(v)) for k, v in vars(config.configured()).items()}
    return {**values, "admit_per_second": str(_rate_of(place)), "reason": "Uji matriks izin pengaturan pembukaan"}


def _rate_of(place: Place) -> int:
    """A rate per place: the three calls of one caller each change the settings (none repeats the last)."""
    return 7 + sorted(BRANCH_OF_PLACE.values()).index(place.branch_code)


def _opening_settings_done(r: Any, place: Place) -> None:
    from lapakasik.booking.waitroom import config

    assert r.status_code == 302, r.status_code
    assert config.latest_change().admit_per_second == _rate_of(place)  # type: ignore[union-attr]


def _quota_state(place: Place) -> tuple[Any, int]:
    from lapakasik.branches.models import Branch, QuotaChange

    branch = Branch.objects.get(code=place.branch_code)
    return branch.session_capacity, QuotaChange.objects.filter(branch=branch).count()


def _quota_done(r: Any, place: Place) -> None:
    assert r.status_code == 302 and _quota_state(place) == (4, 1), r.status_code


def _status(code: int) -> Callable[[Any, Place], None]:
    def check(r: Any, place: Place) -> None:
        assert r.status_code == code, r.status_code
    return check


def _receive_claim_done(r: Any, place: Place) -> None:
    # the desk may take an envelope for a claim of its own region (a neighbour branch's participant), never
    # of another region: that claim is answered as unknown
    if place.branch_code == "MXB01":
        assert r.status_code == 404, r.status_code
    else:
        assert r.status_code == 302 and r["Location"].startswith("/petugas/dropbox/amplop/"), r.status_code


def _claim_pk(place: Place) -> int:
    from lapakasik.claims.models import Claim

    return int(Claim.objects.get(code=place.booking_code).pk)


def _invitations() -> int:
    from lapakasik.employers.models import Invitation

    return Invitation.objects.count()


def _jkk_reports() -> int:
    from lapakasik.employers.models import JkkReport

    return JkkReport.objects.count()


def _page_says(text: str) -> Callable[[Any, Place], None]:
    def done(r: Any, place: Place) -> None:
        assert r.status_code == 200 and text in r.content.decode(), r.status_code
    return done


def _form_responses() -> int:
    from lapakasik.forms.models import FormResponse

    return FormResponse.objects.count()


def _not_a_company_claim(r: Any, place: Place) -> None:
    raise AssertionError("no caller reaches a booked JHT claim as its employer")  # REACH is empty for the role


OPERATIONS = [
    # the employer side (employers app): the invitation, and a company's own pages. The places' claims are
    # JHT claims no company reports: the employer officer gets 404 for them, as for another company's.
    Operation("page_employer_invite", "petugas/perusahaan/undang/", "self", "GET",
              lambda p: "/petugas/perusahaan/undang/", Action.INVITE_EMPLOYER_OFFICER,
              done=_page_says("Undang petugas HR perusahaan")),
    Operation("page_employer_invite_send", "petugas/perusahaan/undang/", "self", "POST",
              lambda p: "/petugas/perusahaan/undang/", Action.INVITE_EMPLOYER_OFFICER,
              body=lambda p: {"npp": MATRIX_NPP, "email": "hrd@maju-bersama.contoh.id"},
              done=_page_says("Undangan terkirim"), state=lambda p: _invitations()),
    Operation("page_employer_home", "perusahaan/", "self", "GET", lambda p: "/perusahaan/",
              Action.EMPLOYER_VIEW_CLAIMS, done=_page_says(f"NPP {MATRIX_NPP}")),
    Operation("page_employer_stage_one", "perusahaan/laporan-tahap-1/", "self", "GET",
              lambda p: "/perusahaan/laporan-tahap-1/", Action.EMPLOYER_REPORT_JKK,
              done=_page_says("Laporan kecelakaan kerja tahap I")),
    Operation("page_employer_stage_two", "perusahaan/klaim/<str:code>/tahap-2/", "page", "GET",
              lambda p: f"/perusahaan/klaim/{p.booking_code}/tahap-2/", Action.EMPLOYER_REPORT_JKK,
              done=_not_a_company_claim),
    Operation("page_employer_stage_two_send", "perusahaan/klaim/<str:code>/tahap-2/", "page", "POST",
              lambda p: f"/perusahaan/klaim/{p.booking_code}/tahap-2/", Action.EMPLOYER_REPORT_JKK,
              body=lambda p: {"outcome": "recovered", "outcome_on": TOMORROW}, done=_not_a_company_claim,
              state=lambda p: _jkk_reports()),
    Operation("page_employer_claim_forms", "perusahaan/klaim/<str:code>/", "page", "GET",
              lambda p: f"/perusahaan/klaim/{p.booking_code}/", Action.EMPLOYER_REPORT_JKK,
              done=_not_a_company_claim),
    Operation("page_employer_form_section", "perusahaan/klaim/<str:code>/formulir/<slug:form>/<slug:section>/",
              "page", "GET", lambda p: f"/perusahaan/klaim/{p.booking_code}/formulir/formulir_5/pemohon/",
              Action.EMPLOYER_REPORT_JKK, done=_not_a_company_claim),
    Operation("page_employer_form_section_sign",
              "perusahaan/klaim/<str:code>/formulir/<slug:form>/<slug:section>/", "page", "POST",
              lambda p: f"/perusahaan/klaim/{p.booking_code}/formulir/formulir_5/pemohon/",
              Action.EMPLOYER_REPORT_JKK, body=lambda p: {"action": "sign", "konfirmasi": "ya"},
              done=_not_a_company_claim, state=lambda p: _form_responses()),
    Operation("api_get_booking", "/api/v1/officer/bookings/{code}",
              "api", "GET", lambda p: f"/api/v1/officer/bookings/{p.booking_code}",
              Action.VIEW_CLAIM, done=_api_booking_done, not_found_code="booking_not_found"),
    Operation("api_cancel_booking", "/api/v1/officer/bookings/{code}/cancel",
              "api", "POST", lambda p: f"/api/v1/officer/bookings/{p.booking_code}/cancel",
              Action.CANCEL_BOOKING, body=lambda p: {"reason": "peserta menelepon 175"}, done=_cancel_done,
              state=_booking_status, not_found_code="booking_not_found"),
    Operation("api_reschedule_booking", "/api/v1/officer/bookings/{code}/reschedule",
              "api", "POST",
              lambda p: f"/api/v1/officer/bookings/{p.booking_code}/reschedule", Action.RESCHEDULE_BOOKING,
              body=lambda p: {"date": TOMORROW, "session_start": "09:00"}, done=_reschedule_done,
              state=_booking_slot, not_found_code="booking_not_found"),
    Operation("page_documents", "petugas/klaim/<str:code>/dokumen/",
              "page", "GET", lambda p: f"/petugas/klaim/{p.booking_code}/dokumen/",
              Action.VIEW_DOCUMENTS, done=_documents_page_done),
    Operation("page_review_document", "petugas/klaim/<str:code>/dokumen/",
              "page", "POST", lambda p: f"/petugas/klaim/{p.booking_code}/dokumen/",
              Action.REVIEW_DOCUMENT, body=lambda p: {"document": p.document_id, "action": "accept",
                                                      "requirement": "ktp"},
              done=_review_done, state=_document_status),
    Operation("page_download_document", "petugas/dokumen/<int:pk>/unduh/",
              "page", "GET", lambda p: f"/petugas/dokumen/{p.document_id}/unduh/",
              Action.OPEN_DOCUMENT, done=_download_done, state=_opened),
    Operation("page_view_document", "petugas/dokumen/<int:pk>/halaman/<int:page>/",
              "page", "GET", lambda p: f"/petugas/dokumen/{p.document_id}/halaman/1/",
              Action.OPEN_DOCUMENT, done=_view_done, state=_opened),
    Operation("page_phone_calls", "petugas/panggilan/",
              "list", "GET", lambda p: "/petugas/panggilan/", Action.RECORD_PHONE_CALL),
    Operation("page_phone_call_outcome", "petugas/panggilan/<int:pk>/hasil/",
              "page", "POST", lambda p: f"/petugas/panggilan/{p.call_id}/hasil/",
              Action.RECORD_PHONE_CALL, body=lambda p: {"outcome": "REACHED"}, done=_call_done,
              state=_call_outcome),
    # the officer's casework (casework app)
    Operation("page_queue", "petugas/", "list", "GET", lambda p: f"/petugas/?cabang={p.branch_code}",
              Action.VIEW_QUEUE, listed=lambda p: p.booking_code),
    Operation("page_claim", "petugas/klaim/<str:code>/", "page", "GET", lambda p: f"/petugas/klaim/{p.booking_code}/",
              Action.VIEW_CLAIM, done=_claim_page_done),
    Operation("page_claim_take", "petugas/klaim/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/take/", Action.TAKE_CLAIM, done=_take_done, state=_assignee),
    Operation("page_claim_reassign", "petugas/klaim/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/reassign/", Action.ASSIGN_CLAIM,
              body=lambda p: {"officer": _user_id("mx.petugas")}, done=_reassign_done, state=_assignee),
    Operation("page_claim_request", "petugas/klaim/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/request/", Action.DECIDE_CLAIM, done=_redirect_to_claim,
              state=_document_status),
    Operation("page_claim_confirm", "petugas/klaim/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/confirm/", Action.CONFIRM_CLAIM,
              body=lambda p: {"channel": "video", "start": "2026-12-22T08:00", "minutes": "30"},
              done=_redirect_to_claim, state=_document_status),
    Operation("page_claim_review", "petugas/klaim/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/review/", Action.REVIEW_DOCUMENT,
              body=lambda p: {"document": p.document_id, "verdict": "accept"}, done=_redirect_to_claim,
              state=_document_status),
    Operation("page_take_next", "petugas/ambil-berikutnya/", "self", "POST", lambda p: "/petugas/ambil-berikutnya/",
              Action.TAKE_CLAIM, done=_ok),
    Operation("page_load", "petugas/beban/", "self", "GET", lambda p: "/petugas/beban/", Action.VIEW_LOAD, done=_ok),
    Operation("page_api_tokens", "petugas/token-api/", "self", "GET", lambda p: "/petugas/token-api/",
              Action.VIEW_CLAIM, done=_ok),
    # channel policy (branchops app)
    Operation("page_channel_policies", "petugas/kebijakan-kanal/", "list", "GET", lambda p: "/petugas/kebijakan-kanal/",
              Action.SET_CHANNEL_POLICY, listed=lambda p: f"/cabang/{p.branch_code}/"),
    Operation("page_channel_policy_branch", "petugas/kebijakan-kanal/<slug:kind>/<str:code>/", "page", "GET",
              lambda p: f"/petugas/kebijakan-kanal/cabang/{p.branch_code}/", Action.SET_CHANNEL_POLICY,
              done=_policy_page_done),
    Operation("page_channel_policy_region", "petugas/kebijakan-kanal/<slug:kind>/<str:code>/", "page", "GET",
              lambda p: f"/petugas/kebijakan-kanal/wilayah/{_region_code(p)}/", Action.SET_CHANNEL_POLICY,
              done=_policy_page_done),
    Operation("page_channel_policy_preview", "petugas/kebijakan-kanal/<slug:kind>/<str:code>/", "page", "POST",
              lambda p: f"/petugas/kebijakan-kanal/cabang/{p.branch_code}/", Action.SET_CHANNEL_POLICY,
              body=lambda p: {**_POLICY_CHANGE, "step": "preview"}, done=_policy_previewed, state=_branch_policy_rows),
    Operation("page_channel_policy_apply", "petugas/kebijakan-kanal/<slug:kind>/<str:code>/", "page", "POST",
              lambda p: f"/petugas/kebijakan-kanal/cabang/{p.branch_code}/", Action.SET_CHANNEL_POLICY,
              body=lambda p: {**_POLICY_CHANGE, "step": "apply"}, done=_policy_applied, state=_branch_policy_rows),
    Operation("page_channel_policy_cancel", "petugas/kebijakan-kanal/perubahan/<int:pk>/batal/", "page", "POST",
              lambda p: f"/petugas/kebijakan-kanal/perubahan/{p.policy_change_id}/batal/", Action.SET_CHANNEL_POLICY,
              done=_change_cancel_done, state=_change_cancelled),
    # the quota opening's live counts (branchops app): a list of the branches in scope
    Operation("page_opening", "petugas/pembukaan/", "list", "GET", lambda p: "/petugas/pembukaan/",
              Action.VIEW_OPENING, listed=lambda p: f'id="opening-branch-{p.branch_code}"'),
    Operation("page_opening_settings", "petugas/pembukaan/pengaturan/", "self", "GET",
              lambda p: "/petugas/pembukaan/pengaturan/", Action.VIEW_OPENING, done=_status(200)),
    Operation("page_opening_settings_set", "petugas/pembukaan/pengaturan/", "self", "POST",
              lambda p: "/petugas/pembukaan/pengaturan/", Action.SET_OPENING, body=_opening_settings_body,
              done=_opening_settings_done, state=lambda p: _opening_settings_rows()),
    Operation("page_opening_report", "petugas/pembukaan/laporan/", "self", "GET",
              lambda p: "/petugas/pembukaan/laporan/", Action.VIEW_OPENING, done=_status(200)),
    Operation("page_branch_quota", "petugas/pembukaan/kuota/<str:code>/", "page", "GET",
              lambda p: f"/petugas/pembukaan/kuota/{p.branch_code}/", Action.SET_BRANCH_QUOTA, done=_status(200)),
    Operation("page_branch_quota_set", "petugas/pembukaan/kuota/<str:code>/", "page", "POST",
              lambda p: f"/petugas/pembukaan/kuota/{p.branch_code}/", Action.SET_BRANCH_QUOTA,
              body=lambda p: {"capacity": "4", "reason": "Uji matriks izin kuota cabang"},
              done=_quota_done, state=_quota_state),
    # the front desk (frontdesk app): screening at the door, counts per day
    Operation("page_frontdesk_home", "petugas/depan/", "self", "GET", lambda p: "/petugas/depan/",
              Action.SCREEN_VISITOR, done=_ok),
    Operation("page_frontdesk_screen", "petugas/depan/", "self", "POST", lambda p: "/petugas/depan/",
              Action.SCREEN_VISITOR, body=_screen_body, done=_screened_done, state=lambda p: _screenings()),
    Operation("page_frontdesk_result", "petugas/depan/skrining/<int:pk>/", "page", "GET",
              lambda p: f"/petugas/depan/skrining/{p.screening_id}/", Action.SCREEN_VISITOR,
              done=_screening_result_done),
    Operation("page_frontdesk_counts_index", "petugas/depan/ringkasan/", "self", "GET",
              lambda p: "/petugas/depan/ringkasan/", Action.VIEW_SCREENING_COUNTS, done=_ok),
    Operation("page_frontdesk_counts", "petugas/depan/ringkasan/<str:branch>/", "page", "GET",
              lambda p: f"/petugas/depan/ringkasan/{p.branch_code}/", Action.VIEW_SCREENING_COUNTS,
              done=_screening_counts_done),
    # benefit decisions (benefits app): the forms refuse a claim that is not verified, after the policy
    # the dropbox (dropbox app): receipt, disinfection, hand-over at the door; acceptance and scanning behind it
    Operation("page_dropbox_desk", "petugas/dropbox/", "self", "GET", lambda p: "/petugas/dropbox/",
              Action.RECEIVE_ENVELOPE, done=_status(200)),
    Operation("page_dropbox_receive", "petugas/dropbox/terima/", "self", "POST", lambda p: "/petugas/dropbox/terima/",
              Action.RECEIVE_ENVELOPE, body=lambda p: {"serial": "0000-0000-0000-0000", **_dropbox_form()},
              done=_status(422), state=_dropbox_envelopes),
    Operation("page_dropbox_search", "petugas/dropbox/cari/", "self", "POST", lambda p: "/petugas/dropbox/cari/",
              Action.RECEIVE_ENVELOPE, body=lambda p: {"q": p.booking_code}, done=_status(200)),
    Operation("page_dropbox_receive_claim", "petugas/dropbox/terima-klaim/", "self", "POST",
              lambda p: "/petugas/dropbox/terima-klaim/", Action.RECEIVE_ENVELOPE,
              body=lambda p: {"claim": _claim_pk(p), "matched_by": "claim_code", **_dropbox_form()},
              done=_receive_claim_done, state=_dropbox_envelopes),
    Operation("page_dropbox_envelope", "petugas/dropbox/amplop/<int:pk>/", "page", "GET",
              lambda p: f"/petugas/dropbox/amplop/{p.envelope_id}/", Action.RECEIVE_ENVELOPE, done=_status(200)),
    Operation("page_dropbox_disinfect", "petugas/dropbox/amplop/<int:pk>/disinfeksi/", "page", "POST",
              lambda p: f"/petugas/dropbox/amplop/{p.envelope_id}/disinfeksi/", Action.RECEIVE_ENVELOPE,
              body=lambda p: {"method": "spray"}, state=_envelope_state,
              done=lambda r, p: (_status(302)(r, p), _envelope_state(p) == "DISINFECTED" or pytest.fail("not done"))),
    Operation("page_dropbox_hand_over", "petugas/dropbox/serah-terima/", "self", "POST",
              lambda p: "/petugas/dropbox/serah-terima/", Action.RECEIVE_ENVELOPE, body=lambda p: {"counted": "0"},
              done=_status(422)),
    Operation("page_dropbox_inbox", "petugas/dropbox/masuk/", "self", "GET", lambda p: "/petugas/dropbox/masuk/",
              Action.DIGITISE_ENVELOPE, done=_status(200)),
    Operation("page_dropbox_batch", "petugas/dropbox/serah-terima/<int:pk>/", "page", "GET",
              lambda p: f"/petugas/dropbox/serah-terima/{p.handover_id}/", Action.DIGITISE_ENVELOPE,
              done=_status(200)),
    Operation("page_dropbox_batch_accept", "petugas/dropbox/serah-terima/<int:pk>/", "page", "POST",
              lambda p: f"/petugas/dropbox/serah-terima/{p.handover_id}/", Action.DIGITISE_ENVELOPE,
              body=lambda p: {"envelope": [p.handover_envelope_id], "counted": "1"}, state=_handover_status,
              done=lambda r, p: (_status(302)(r, p), _handover_status(p) == "RECONCILED" or pytest.fail("not done"))),
    Operation("page_dropbox_digitise", "petugas/dropbox/amplop/<int:pk>/pindai/", "page", "GET",
              lambda p: f"/petugas/dropbox/amplop/{p.accepted_envelope_id}/pindai/", Action.DIGITISE_ENVELOPE,
              done=_status(200)),
    Operation("page_dropbox_overview_index", "petugas/dropbox/cabang/", "self", "GET",
              lambda p: "/petugas/dropbox/cabang/", Action.VIEW_DROPBOX, done=_ok),
    Operation("page_dropbox_overview", "petugas/dropbox/cabang/<str:branch>/", "page", "GET",
              lambda p: f"/petugas/dropbox/cabang/{p.branch_code}/", Action.VIEW_DROPBOX,
              done=lambda r, p: (_status(200)(r, p), f"Cabang {p.branch_code}" in r.content.decode()
                                 or pytest.fail("branch not shown"))),
    Operation("page_decide", "petugas/putusan/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/putusan/{p.booking_code}/setujui/", Action.DECIDE_CLAIM,
              body=lambda p: {"npwp": "ya"}, done=_redirect_to_claim, state=_decisions),
    Operation("page_decide_second", "petugas/putusan/<str:code>/<slug:action>/", "page", "POST",
              lambda p: f"/petugas/putusan/{p.booking_code}/setujui-kedua/", Action.APPROVE_SECOND,
              done=_redirect_to_claim, state=_decisions),
    Operation("page_approvals", "petugas/persetujuan/", "self", "GET", lambda p: "/petugas/persetujuan/",
              Action.APPROVE_SECOND, done=_ok),
    Operation("api_eligibility", "/api/v1/officer/claims/{code}/eligibility", "api", "GET",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/eligibility", Action.VIEW_REGISTRY_RECORD,
              done=_api_eligibility_done, state=_registry_reads, not_found_code="claim_not_found"),
    Operation("api_decision", "/api/v1/officer/claims/{code}/decision", "api", "GET",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/decision", Action.VIEW_CLAIM,
              done=_api_claim_done, not_found_code="claim_not_found"),
    Operation("api_approve", "/api/v1/officer/claims/{code}/approve", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/approve", Action.DECIDE_CLAIM,
              body=lambda p: {"has_npwp": True}, done=_api_passed_policy, state=_decisions,
              not_found_code="claim_not_found"),
    Operation("api_reject_verified", "/api/v1/officer/claims/{code}/reject-verified", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/reject-verified", Action.DECIDE_CLAIM,
              body=lambda p: {"reason": "data_mismatch"}, done=_api_passed_policy, state=_decisions,
              not_found_code="claim_not_found"),
    Operation("api_approvals", "/api/v1/officer/approvals", "self", "GET", lambda p: "/api/v1/officer/approvals",
              Action.APPROVE_SECOND, done=_api_ok),
    Operation("api_second_approval", "/api/v1/officer/claims/{code}/second-approval", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/second-approval", Action.APPROVE_SECOND,
              body=lambda p: {"approve": True}, done=_api_passed_policy, state=_decisions,
              not_found_code="claim_not_found"),
    # the officer API of the casework app
    Operation("api_queue", "/api/v1/officer/queue", "api", "GET", lambda p: f"/api/v1/officer/queue?branch={p.branch_code}",
              Action.VIEW_QUEUE, done=_api_queue_done, not_found_code="branch_not_found"),
    Operation("api_take_next", "/api/v1/officer/queue/take-next", "self", "POST",
              lambda p: "/api/v1/officer/queue/take-next", Action.TAKE_CLAIM, done=_api_ok),
    Operation("api_claim", "/api/v1/officer/claims/{code}", "api", "GET",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}", Action.VIEW_CLAIM, done=_api_claim_done,
              not_found_code="claim_not_found"),
    Operation("api_take", "/api/v1/officer/claims/{code}/take", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/take", Action.TAKE_CLAIM, done=_api_take_done,
              state=_assignee, not_found_code="claim_not_found"),
    Operation("api_release", "/api/v1/officer/claims/{code}/release", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/release", Action.TAKE_CLAIM, done=_api_claim_done,
              state=_assignee, not_found_code="claim_not_found"),
    Operation("api_review", "/api/v1/officer/claims/{code}/documents/{document_id}/review", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/documents/{p.document_id}/review",
              Action.REVIEW_DOCUMENT, body=lambda p: {"verdict": "accept"}, done=_api_passed_policy,
              state=_document_status, not_found_code="claim_not_found"),
    Operation("api_request_documents", "/api/v1/officer/claims/{code}/request-documents", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/request-documents", Action.DECIDE_CLAIM,
              body=lambda p: {"note": "x"}, done=_api_passed_policy, state=_document_status,
              not_found_code="claim_not_found"),
    Operation("api_verify", "/api/v1/officer/claims/{code}/verify", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/verify", Action.DECIDE_CLAIM,
              done=_api_passed_policy, state=_document_status, not_found_code="claim_not_found"),
    Operation("api_reject", "/api/v1/officer/claims/{code}/reject", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/reject", Action.DECIDE_CLAIM,
              body=lambda p: {"reason": "other", "note": "x"}, done=_api_passed_policy, state=_document_status,
              not_found_code="claim_not_found"),
    Operation("api_confirmation", "/api/v1/officer/claims/{code}/confirmations", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/confirmations", Action.CONFIRM_CLAIM,
              body=lambda p: {"channel": "video", "window_start": "2026-12-22T08:00:00+07:00",
                              "window_end": "2026-12-22T08:30:00+07:00"},
              done=_api_passed_policy, state=_document_status, not_found_code="claim_not_found"),
    Operation("api_confirmation_outcome", "/api/v1/officer/claims/{code}/confirmations/{confirmation_id}/outcome",
              "api", "POST", lambda p: f"/api/v1/officer/claims/{p.booking_code}/confirmations/999999/outcome",
              Action.CONFIRM_CLAIM, body=lambda p: {"outcome": "reached"}, done=lambda r, p: None,
              state=_document_status, not_found_code="claim_not_found"),
    # payments: the bank account on the claim page, the supervisor's batches
    Operation("page_account_check", "petugas/klaim/<str:code>/rekening/periksa/", "page", "POST",
              lambda p: f"/petugas/klaim/{p.booking_code}/rekening/periksa/", Action.CHECK_BANK_ACCOUNT,
              body=lambda p: {"result": "matches"}, done=_redirect_to_claim, state=_account_check),
    Operation("page_payments", "petugas/pembayaran/", "list", "GET",
              lambda p: f"/petugas/pembayaran/?cabang={p.branch_code}", Action.VIEW_PAYMENTS,
              listed=lambda p: f"— Cabang {p.branch_code}"),
    Operation("page_batch_close", "petugas/pembayaran/tutup/", "page", "POST", lambda p: "/petugas/pembayaran/tutup/",
              Action.CLOSE_BATCH, body=lambda p: {"cabang": p.branch_code}, done=_to_payments),
    Operation("page_batch_csv", "petugas/pembayaran/batch/<str:reference>/csv/", "page", "GET",
              lambda p: f"/petugas/pembayaran/batch/{p.batch_ref}/csv/", Action.CLOSE_BATCH, done=_csv_done),
    Operation("page_batch_pdf", "petugas/pembayaran/batch/<str:reference>/pdf/", "page", "GET",
              lambda p: f"/petugas/pembayaran/batch/{p.batch_ref}/pdf/", Action.VIEW_PAYMENTS, done=_pdf_done),
    Operation("page_batch_result", "petugas/pembayaran/batch/<str:reference>/hasil/", "page", "POST",
              lambda p: f"/petugas/pembayaran/batch/{p.batch_ref}/hasil/", Action.IMPORT_BANK_RESULT,
              done=_to_payments, state=_batch_status),
    Operation("api_claim_payment", "/api/v1/officer/claims/{code}/payment", "api", "GET",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/payment", Action.VIEW_CLAIM,
              done=_api_payment_done, not_found_code="claim_not_found"),
    Operation("api_account_check", "/api/v1/officer/claims/{code}/bank-account/check", "api", "POST",
              lambda p: f"/api/v1/officer/claims/{p.booking_code}/bank-account/check", Action.CHECK_BANK_ACCOUNT,
              body=lambda p: {"matches": True}, done=_api_passed_policy, state=_account_check,
              not_found_code="claim_not_found"),
    Operation("api_batches", "/api/v1/officer/payments/batches", "api", "GET",
              lambda p: f"/api/v1/officer/payments/batches?branch={p.branch_code}", Action.VIEW_PAYMENTS,
              done=_api_batches_done, not_found_code="branch_not_found"),
    Operation("api_batch_close", "/api/v1/officer/payments/batches", "api", "POST",
              lambda p: "/api/v1/officer/payments/batches", Action.CLOSE_BATCH,
              body=lambda p: {"branch": p.branch_code}, done=_api_passed_policy, not_found_code="branch_not_found"),
    Operation("api_batch_csv", "/api/v1/officer/payments/batches/{reference}/csv", "api", "GET",
              lambda p: f"/api/v1/officer/payments/batches/{p.batch_ref}/csv", Action.CLOSE_BATCH, done=_csv_done,
              not_found_code="batch_not_found"),
    Operation("api_batch_pdf", "/api/v1/officer/payments/batches/{reference}/pdf", "api", "GET",
              lambda p: f"/api/v1/officer/payments/batches/{p.batch_ref}/pdf", Action.VIEW_PAYMENTS, done=_pdf_done,
              not_found_code="batch_not_found"),
    Operation("api_batch_result", "/api/v1/officer/payments/batches/{reference}/result", "api", "POST",
              lambda p: f"/api/v1/officer/payments/batches/{p.batch_ref}/result", Action.IMPORT_BANK_RESULT,
              done=_api_result_refused, state=_batch_status, not_found_code="batch_not_found"),
]


def _client(world: World, caller: str, place: Place) -> tuple[Client, dict[str, str]]:
    client = Client()
    headers: dict[str, str] = {}
    if caller == "participant":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {place.token}"  # the claim's own participant token
    elif caller != "anonymous":
        officer_login(client, world.users[caller])
    return client, headers


def _send(client: Client, op: Operation, place: Place, headers: dict[str, str]) -> Any:
    path = op.path(place)
    if op.method == "GET":
        return client.get(path, **headers)  # type: ignore[arg-type]
    body = op.body(place) if op.body else {}
    if op.route.startswith("/api/"):
        return client.post(path, data=json.dumps(body), content_type="application/json", **headers)  # type: ignore[arg-type]
    return client.post(path, body, **headers)  # type: ignore[arg-type]


def _error(r: Any) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_permission_matrix(world: World, op: Operation, caller: str) -> None:
    for place_name in PLACES:
        place = world.places[place_name]
        client, headers = _client(world, caller, place)
        before = op.state(place)
        r = _send(client, op, place, headers)
        where = f"{op.name} × {caller} × {place_name}: {r.status_code}"
        is_api = op.route.startswith("/api/")
        if caller in ("anonymous", "participant"):
            if is_api:
                assert r.status_code == 401, where
                assert _error(r)["code"] == "unauthorized", where
            else:
                signin = "/perusahaan/masuk/" if op.route.startswith("perusahaan/") else "/petugas/masuk/"
                assert r.status_code == 302 and r["Location"].startswith(signin), where
        elif not EXPECTED[(op.action.value, caller_role(caller))]:
            assert r.status_code == 403, where
            if is_api:
                assert _error(r)["code"] == "forbidden", where
        elif op.kind == "self":
            op.done(r, place)
            continue
        elif op.kind == "list":
            assert r.status_code == 200, where
            listed = op.listed(place) in r.content.decode()
            assert listed is (place_name in REACH[caller_role(caller)]), where
        elif place_name in REACH[caller_role(caller)]:
            op.done(r, place)
            continue
        else:
            assert r.status_code == 404, where
            if op.kind == "api":
                assert _error(r)["code"] == op.not_found_code, where
        assert op.state(place) == before, f"{where}: a refused request changed something"


def caller_role(caller: str) -> Any:
    return next(role for role in ROLES if role.value == caller)


@pytest.mark.django_db
@pytest.mark.parametrize("caller", [role.value for role in ROLES])
@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.kind not in ("list", "self")], ids=lambda op: op.name)
def test_an_unknown_code_gets_the_answer_of_a_code_out_of_scope(world: World, op: Operation, caller: str) -> None:
    """No caller can tell a code outside their scope from one that does not exist."""
    place = world.places["other_region"]
    unknown = Place(booking_code="ZZZZZZZZ", token="x", document_id=999_999_999, call_id=999_999_999,
                    call_phone="", branch_code="ZZZ99", screening_id=999_999_999, batch_ref="BZZZZZZZZ")
    client, headers = _client(world, caller, place)
    answers = [_send(client, op, p, headers) for p in (place, unknown)]
    if caller == "national_admin" and EXPECTED[(op.action.value, caller_role(caller))]:
        assert answers[1].status_code == 404  # nothing is out of a national admin's scope
        return
    assert answers[0].status_code == answers[1].status_code
    if op.kind == "api":
        assert _error(answers[0]) == _error(answers[1])


def test_every_officer_url_is_in_the_matrix() -> None:
    """A new page under /petugas/ or operation under /api/v1/officer/ fails here until it has a row."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from lapakasik.api.api import api

    def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    pages = {u for u in walk(get_resolver().url_patterns) if u.startswith("petugas/")}
    pages = {u for u in pages if not u.startswith("petugas/masuk/")} - {"petugas/keluar/"}  # sign-in, sign-out
    assert pages == {op.route for op in OPERATIONS if op.route.startswith("petugas/")}
    # A company officer's pages too (the invitation's own page is for someone without an account yet).
    company = {u for u in walk(get_resolver().url_patterns) if u.startswith("perusahaan/")}
    company -= {"perusahaan/undangan/<str:token>/", "perusahaan/masuk/", "perusahaan/masuk/<str:token>/"}
    assert company == {op.route for op in OPERATIONS if op.route.startswith("perusahaan/")}
    schema = api.get_openapi_schema()
    officer_ops = {(method.upper(), path) for path, item in schema["paths"].items() if "/officer/" in path
                   for method in item}
    assert officer_ops == {(op.method, op.route) for op in OPERATIONS if op.route.startswith("/api/")}
