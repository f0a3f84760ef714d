"""The chain of custody through its services: every step recorded with person and time, and every bad input
of the issue's list refused with a clear error that changes nothing — unknown, malformed, reused or photocopied
cover-sheet codes, another branch's sheet, an online-only branch, disinfection twice, handling before the
quarantine ends, a batch whose count does not match, an unreadable scan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.claims.models import ClaimEvent
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.dropbox import services
from lapakasik.dropbox.models import Envelope, HandoverBatch
from lapakasik.intake.models import Document
from lapakasik.intake.policy import cover_sheet_payload, serial_display
from lapakasik.notifications.models import Notification

from .conftest import World, jpeg_bytes

pytestmark = pytest.mark.django_db


def _receive(world: World, sheet: Any, *, user: str = "front_desk", branch: Any = None, scanned: str = "") -> Any:
    return services.envelope_receive_by_serial(
        branch=branch or world.branch, user=world.users[user], scanned=scanned or cover_sheet_payload(sheet.serial),
        form_id=services.form_id_new()).envelope


def _ready(world: World, sheet: Any) -> Any:
    env = _receive(world, sheet)
    services.envelope_disinfect(branch=world.branch, user=world.users["front_desk"], envelope_id=env.pk, method="spray")
    return env


def _events(claim: Any, kind: str) -> list[ClaimEvent]:
    return list(ClaimEvent.objects.filter(claim=claim, kind=kind))


# --- receipt ----------------------------------------------------------------------------------------------


def test_a_scanned_cover_sheet_is_received_logged_and_the_participant_told(world: World) -> None:
    claim, sheet = world.waiting()
    env = _receive(world, sheet)
    assert env.state == "RECEIVED" and env.claim == claim and env.cover_sheet == sheet and env.matched_by == "serial"
    assert not (env.serial_reused or env.other_branch or env.online_only) and env.destination == claim.branch
    event = _events(claim, "envelope_received")[0]
    assert event.actor_user == world.users["front_desk"] and event.data["envelope"] == env.pk and event.created_at
    note = Notification.objects.get(claim=claim, event="envelope_received")
    assert note.context["received_branch"] == world.branch.name and note.context["quarantine_hours"] == 24
    claim.refresh_from_db()
    assert claim.state == "DROPBOX_EXPECTED"  # the documents arrive when they are scanned


@pytest.mark.parametrize("typed", ["{display}", "{lower}", "  {payload}  ", "{spaced}", "{ocr}"])
def test_the_serial_typed_by_hand_or_by_a_usb_scanner(world: World, typed: str) -> None:
    _claim, sheet = world.waiting()
    display = serial_display(sheet.serial)
    value = typed.format(display=display, lower=display.lower(), payload=cover_sheet_payload(sheet.serial),
                         spaced=display.replace("-", " "), ocr=display.replace("0", "O").replace("1", "I"))
    assert _receive(world, sheet, scanned=value).cover_sheet == sheet


@pytest.mark.parametrize(("scanned", "code"), [
    ("LAPAKASIK:LS:0000000000000000", "unknown_serial"),  # well formed, never printed
    ("ZZZZ-ZZZZ-ZZZZ-ZZZZ", "unknown_serial"),
    ("LAPAKASIK:ABCD2345", "not_a_cover_sheet"),  # a booking ticket's QR code
    ("ABCD2345", "unknown_serial"),  # a claim code is no serial
    ("", "serial_missing"),
    ("   ", "serial_missing"),
    ("<script>alert(1)</script>", "unknown_serial"),
    ("X" * 500, "unknown_serial"),
    ("LAPAKASIK:LS:" + "Ü" * 16, "unknown_serial"),
    ("'; DROP TABLE dropbox_envelope; --", "unknown_serial"),
])
def test_unknown_and_malformed_codes_are_refused_and_change_nothing(world: World, scanned: str, code: str) -> None:
    claim, _sheet = world.waiting()
    with pytest.raises(InvalidInput) as refused:
        services.envelope_receive_by_serial(branch=world.branch, user=world.users["front_desk"], scanned=scanned,
                                            form_id=services.form_id_new())
    assert refused.value.code == code and "serial" in refused.value.fields
    assert not Envelope.objects.exists() and not _events(claim, "envelope_received")
    assert not Notification.objects.filter(event="envelope_received").exists()


def test_a_reused_or_photocopied_sheet_is_received_and_flagged(world: World) -> None:
    claim, sheet = world.waiting()
    first = _receive(world, sheet)
    second = _receive(world, sheet)
    assert not first.serial_reused and second.serial_reused and second.first_with_serial == first
    assert _events(claim, "envelope_received")[1].data["flags"] == ["serial_reused"]


def test_the_same_form_sent_twice_is_one_envelope_not_a_reuse(world: World) -> None:
    _claim, sheet = world.waiting()
    form_id = services.form_id_new()
    kw = {"branch": world.branch, "user": world.users["front_desk"], "scanned": cover_sheet_payload(sheet.serial),
          "form_id": form_id}
    first = services.envelope_receive_by_serial(**kw)
    again = services.envelope_receive_by_serial(**kw)
    assert first.created and not again.created and again.envelope == first.envelope
    assert Envelope.objects.count() == 1 and not Envelope.objects.get().serial_reused
    _other_claim, other_sheet = world.waiting()
    with pytest.raises(Conflict) as used:  # the back button, then the next envelope into the old form
        services.envelope_receive_by_serial(**{**kw, "scanned": cover_sheet_payload(other_sheet.serial)})
    assert used.value.code == "form_used" and Envelope.objects.count() == 1


def test_another_branchs_sheet_is_received_flagged_and_routed(world: World) -> None:
    claim, sheet = world.waiting()
    env = _receive(world, sheet, user="sibling_desk", branch=world.sibling)
    assert env.other_branch and env.received_branch == world.sibling and env.destination == claim.branch
    assert _events(claim, "envelope_received")[0].data["destination"] == claim.branch.code


def test_an_envelope_at_an_online_only_branch_is_still_received_and_logged(world: World) -> None:
    claim, sheet = world.waiting()
    env = _receive(world, sheet, user="dki_desk", branch=world.online_only)
    assert env.online_only and env.other_branch and env.state == "RECEIVED"
    assert "online_only" in _events(claim, "envelope_received")[0].data["flags"]


# --- without a cover sheet: the search ---------------------------------------------------------------------


def test_search_by_code_nik_and_name_within_the_region(world: World, make_claim: Any) -> None:
    from lapakasik.dropbox.selectors import claims_search

    claim, _sheet = world.waiting(full_name="Bambang Pamungkas")
    assert [f.claim for f in claims_search(world.branch, claim.code.lower())] == [claim]
    found = claims_search(world.branch, claim.insured_nik)
    assert [f.claim for f in found] == [claim] and claim.insured_nik not in found[0].nik_masked
    assert [f.claim for f in claims_search(world.branch, "bambang")] == [claim]
    assert claims_search(world.online_only, claim.code) == []  # another region: nothing
    for junk in ("", "ab", "12345", "<b>", "\x00\x01abc", "a" * 101):
        assert claims_search(world.branch, junk) == []


def test_an_envelope_without_a_sheet_is_matched_to_the_claim_found(world: World) -> None:
    claim, _sheet = world.waiting()
    done = services.envelope_receive_by_search(branch=world.branch, user=world.users["front_desk"], claim_id=claim.pk,
                                               matched_by="nik", form_id=services.form_id_new())
    assert done.envelope.cover_sheet is None and done.envelope.matched_by == "nik"
    with pytest.raises(NotFound):  # a claim outside the desk's region, as if unknown
        services.envelope_receive_by_search(branch=world.online_only, user=world.users["dki_desk"], claim_id=claim.pk,
                                            matched_by="claim_code", form_id=services.form_id_new())
    with pytest.raises(InvalidInput):
        services.envelope_receive_by_search(branch=world.branch, user=world.users["front_desk"], claim_id=claim.pk,
                                            matched_by="serial", form_id=services.form_id_new())
    assert Envelope.objects.count() == 1


# --- disinfection and quarantine ----------------------------------------------------------------------------


def test_disinfection_is_recorded_once(world: World) -> None:
    claim, sheet = world.waiting()
    env = _ready(world, sheet)
    env.refresh_from_db()
    assert env.state == "DISINFECTED" and env.disinfection_method == "spray"
    assert env.quarantine_until == env.disinfected_at + timedelta(hours=24)
    with pytest.raises(Conflict) as twice:
        services.envelope_disinfect(branch=world.branch, user=world.users["officer"], envelope_id=env.pk, method="uv")
    assert twice.value.code == "already_disinfected" and "sudah didisinfeksi" in str(twice.value.message)
    env.refresh_from_db()
    assert env.disinfection_method == "spray" and env.disinfected_by == world.users["front_desk"]
    assert len(_events(claim, "envelope_disinfected")) == 1


@pytest.mark.parametrize("method", ["", "bleach", "SPRAY", "<script>", "spray " * 10])
def test_an_unknown_disinfection_method_is_refused(world: World, method: str) -> None:
    _claim, sheet = world.waiting()
    env = _receive(world, sheet)
    with pytest.raises(InvalidInput):
        services.envelope_disinfect(branch=world.branch, user=world.users["front_desk"], envelope_id=env.pk,
                                    method=method)
    env.refresh_from_db()
    assert env.state == "RECEIVED" and env.disinfected_at is None


def test_another_branchs_envelope_cannot_be_handled(world: World) -> None:
    _claim, sheet = world.waiting()
    env = _receive(world, sheet)
    with pytest.raises(NotFound):
        services.envelope_disinfect(branch=world.sibling, user=world.users["sibling_desk"], envelope_id=env.pk,
                                    method="spray")


def test_handing_over_before_the_quarantine_ends_is_refused(world: World) -> None:
    _claim, sheet = world.waiting()
    env = _ready(world, sheet)
    world.later(timedelta(hours=23, minutes=59))
    with pytest.raises(Conflict) as early:
        services.batch_create(branch=world.branch, user=world.users["front_desk"], envelope_ids=[env.pk], counted=1)
    assert early.value.code == "quarantine_active" and "dikarantina sampai" in str(early.value.message)
    assert not HandoverBatch.objects.exists()
    env.refresh_from_db()
    assert env.state == "DISINFECTED" and env.batch is None


def test_a_received_envelope_that_was_never_disinfected_cannot_be_handed_over(world: World) -> None:
    _claim, sheet = world.waiting()
    env = _receive(world, sheet)
    world.later(timedelta(days=3))
    with pytest.raises(Conflict):
        services.batch_create(branch=world.branch, user=world.users["front_desk"], envelope_ids=[env.pk], counted=1)


def test_the_quarantine_setting_must_be_a_number_of_hours(settings: Any) -> None:
    from lapakasik.dropbox.selectors import quarantine_hours

    for bad in ("abc", "-1", "1.5", "400", True, None):
        settings.LAPAKASIK = {**settings.LAPAKASIK, "DROPBOX_QUARANTINE_HOURS": bad}
        with pytest.raises(ValueError):
            quarantine_hours()
    settings.LAPAKASIK = {**settings.LAPAKASIK, "DROPBOX_QUARANTINE_HOURS": "48"}
    assert quarantine_hours() == 48


# --- hand-over ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("counted", [None, 0, 1, 3])
def test_the_front_desk_count_must_match_the_envelopes_listed(world: World, counted: Any) -> None:
    envelopes = [_ready(world, world.waiting()[1]) for _ in range(2)]
    world.later(timedelta(hours=24))
    with pytest.raises(InvalidInput) as mismatch:
        services.batch_create(branch=world.branch, user=world.users["front_desk"],
                              envelope_ids=[e.pk for e in envelopes], counted=counted)
    assert mismatch.value.code == "count_mismatch" and not HandoverBatch.objects.exists()


def _handed_over(world: World, n: int = 2) -> tuple[HandoverBatch, list[Envelope]]:
    envelopes = [_ready(world, world.waiting()[1]) for _ in range(n)]
    world.later(timedelta(hours=24))
    batch = services.batch_create(branch=world.branch, user=world.users["front_desk"],
                                  envelope_ids=[e.pk for e in envelopes], counted=n)
    return batch, envelopes


def test_a_batch_that_reconciles(world: World) -> None:
    batch, envelopes = _handed_over(world)
    assert batch.sent_count == 2 and batch.to_branch == world.branch
    done = services.batch_accept(branch=world.branch, user=world.users["officer"], batch_id=batch.pk,
                                 present_ids=[e.pk for e in envelopes], counted=2)
    assert done.batch.status == "RECONCILED" and not done.missing
    assert {e.state for e in Envelope.objects.all()} == {"ACCEPTED"}
    assert not Notification.objects.filter(event="handover_mismatch").exists()
    with pytest.raises(Conflict):  # accepted once
        services.batch_accept(branch=world.branch, user=world.users["officer"], batch_id=batch.pk,
                              present_ids=[e.pk for e in envelopes], counted=2)


@pytest.mark.parametrize(("present", "counted"), [(1, 1), (2, 1), (1, 2)])
def test_a_batch_that_does_not_match_is_flagged_and_escalated(world: World, present: int, counted: int) -> None:
    batch, envelopes = _handed_over(world)
    done = services.batch_accept(branch=world.branch, user=world.users["officer"], batch_id=batch.pk,
                                 present_ids=[e.pk for e in envelopes[:present]], counted=counted)
    assert done.batch.status == "MISMATCH" and done.batch.escalated_at is not None
    note = Notification.objects.get(event="handover_mismatch")
    assert note.recipient == "kepala@contoh.id" and note.context["sent_count"] == 2
    assert note.context["received_count"] == counted
    missing = [e for e in envelopes[present:]]
    assert [e.pk for e in done.missing] == [e.pk for e in missing]
    for e in missing:
        e.refresh_from_db()
        assert e.state == "MISSING" and _events(e.claim, "envelope_missing")


@pytest.mark.parametrize("counted", [None, -1, 10_001])
def test_the_back_office_must_type_a_count(world: World, counted: Any) -> None:
    batch, envelopes = _handed_over(world, 1)
    with pytest.raises(InvalidInput):
        services.batch_accept(branch=world.branch, user=world.users["officer"], batch_id=batch.pk,
                              present_ids=[envelopes[0].pk], counted=counted)
    batch.refresh_from_db()
    assert batch.status == "SENT"


def test_another_branch_cannot_accept_the_batch(world: World) -> None:
    batch, envelopes = _handed_over(world, 1)
    with pytest.raises(NotFound):
        services.batch_accept(branch=world.sibling, user=world.users["sibling_desk"], batch_id=batch.pk,
                              present_ids=[envelopes[0].pk], counted=1)


# --- digitised ---------------------------------------------------------------------------------------------


def _accepted(world: World) -> Envelope:
    batch, envelopes = _handed_over(world, 1)
    services.batch_accept(branch=world.branch, user=world.users["officer"], batch_id=batch.pk,
                          present_ids=[envelopes[0].pk], counted=1)
    envelopes[0].refresh_from_db()
    return envelopes[0]


def _file(data: bytes, name: str, content_type: str = "image/jpeg") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_scanning_before_the_hand_over_is_accepted_is_refused(world: World) -> None:
    _claim, sheet = world.waiting()
    env = _ready(world, sheet)
    with pytest.raises(Conflict):
        services.envelope_pages_add(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                    files=[_file(jpeg_bytes(), "ktp.jpg")], requirement_code="ktp")
    assert not Document.objects.exists()


@pytest.mark.parametrize(("data", "name", "content_type", "reason"), [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 5000, "ktp.jpg", "image/jpeg", "image_unreadable"),  # an unreadable scan
    (b"", "kosong.pdf", "application/pdf", "empty"),
    (b"PK\x03\x04" + b"\x00" * 100, "scan.zip", "application/zip", None),  # not a page at all
])
def test_an_unreadable_or_wrong_scan_is_refused_and_the_envelope_stays_open(
        world: World, data: bytes, name: str, content_type: str, reason: str | None) -> None:
    env = _accepted(world)
    results = services.envelope_pages_add(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                          files=[_file(data, name, content_type)], requirement_code="ktp")
    assert [r.outcome for r in results] == ["refused"] and results[0].message
    if reason:
        assert results[0].reason_code == reason
    assert not Document.objects.exclude(status="REFUSED").exists()
    env.refresh_from_db()
    assert env.state == "ACCEPTED"
    with pytest.raises(Conflict) as nothing:  # nothing stored yet: it cannot be closed
        services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                    original="returned")
    assert nothing.value.code == "nothing_scanned"


def test_an_unknown_requirement_is_refused(world: World) -> None:
    env = _accepted(world)
    results = services.envelope_pages_add(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                          files=[_file(jpeg_bytes(), "x.jpg")], requirement_code="passport")
    assert results[0].outcome == "refused" and results[0].reason_code == "unknown_requirement"


def test_pages_go_through_the_pipeline_onto_the_checklist_and_the_participant_is_told(world: World) -> None:
    from lapakasik.intake.catalogue import claim_checklist, requirements_for

    env = _accepted(world)
    claim = env.claim
    required = [req.code for req, needed in requirements_for(claim) if needed]
    for n, code in enumerate(required):
        results = services.envelope_pages_add(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                              files=[_file(jpeg_bytes(seed=n), f"{code}.jpg")], requirement_code=code)
        assert results[0].outcome == "received", results[0].reason_code
    docs = Document.objects.filter(claim=claim).exclude(status="REFUSED")
    assert {d.source for d in docs} == {"DROPBOX"} and {d.inbound_ref for d in docs} == {f"envelope:{env.pk}"}
    assert claim_checklist(claim).complete
    for location, code in (("", "archive_location_missing"), ("x" * 101, "archive_location_too_long")):
        with pytest.raises(InvalidInput) as bad:
            services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                        original="archived", archive_location=location)
        assert bad.value.code == code
    with pytest.raises(InvalidInput):
        services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                    original="shredded")
    services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                original="archived", archive_location="Lemari 2, rak B")
    env.refresh_from_db()
    claim.refresh_from_db()
    assert env.state == "DIGITISED" and env.archive_location == "Lemari 2, rak B"
    assert claim.state == "DOCUMENTS_RECEIVED"
    event = _events(claim, "envelope_digitised")[0]
    assert event.actor_user == world.users["officer"] and event.data["original"] == "archived"
    note = Notification.objects.get(claim=claim, event="envelope_digitised")
    assert note.context["complete"] is True and len(note.context["received"]) == len(required)
    with pytest.raises(Conflict):
        services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                    original="returned")


def test_every_step_is_in_the_claims_history_in_order(world: World) -> None:
    env = _accepted(world)
    services.envelope_pages_add(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                files=[_file(jpeg_bytes(), "ktp.jpg")], requirement_code="ktp")
    services.envelope_digitised(branch=world.branch, user=world.users["officer"], envelope_id=env.pk,
                                original="returned")
    kinds = [e.kind for e in ClaimEvent.objects.filter(claim=env.claim).order_by("seq")
             if e.kind.startswith("envelope_")]
    assert kinds == ["envelope_received", "envelope_disinfected", "envelope_handed_over", "envelope_accepted",
                     "envelope_digitised"]
