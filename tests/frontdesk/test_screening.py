"""Screening a visitor at the door: the front desk's page, what is recorded, what is refused (and that a
refusal writes nothing), double submits, the offer to a visitor sent home, the counts per day."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from .conftest import Desk

pytestmark = pytest.mark.django_db

HOME = "/petugas/depan/"


def records() -> list[Any]:
    from lapakasik.frontdesk.models import ScreeningRecord

    return list(ScreeningRecord.objects.order_by("pk"))


def day_row(branch: Any) -> tuple[int, int]:
    from lapakasik.frontdesk.models import ScreeningDay

    row = ScreeningDay.objects.filter(branch=branch).first()
    return (row.admitted, row.sent_home) if row else (0, 0)


def form_id(page: Any) -> str:
    found = re.search(r'name="form_id" value="([^"]+)"', page.content.decode())
    assert found, "the page has no form id"
    return found.group(1)


def screen(client: Any, temperature: str, booking_code: str = "", visitor_name: str = "", fid: str = "") -> Any:
    fid = fid or form_id(client.get(HOME))
    return client.post(HOME, {"temperature": temperature, "booking_code": booking_code,
                              "visitor_name": visitor_name, "form_id": fid})


def test_the_front_desk_page_is_a_form_a_phone_can_fill(desk: Desk, login: Any) -> None:
    page = login(desk.users["front_desk"]).get(HOME)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'inputmode="decimal"' in html and 'name="booking_code"' in html and 'name="visitor_name"' in html
    assert "37,3 °C" in html  # the threshold in force, as the desk reads it
    assert "width=device-width" in html
    assert "/petugas/klaim/" not in html and "Antrean kerja" not in html  # nothing of the casework


def test_a_visitor_below_the_threshold_is_admitted_and_counted(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    r = screen(client, "36,8", visitor_name="Siti Aminah")
    (rec,) = records()
    assert r.status_code == 302 and r["Location"] == f"/petugas/depan/skrining/{rec.pk}/"
    assert rec.temperature == Decimal("36.8") and rec.outcome == "admitted" and rec.branch == desk.branch
    assert rec.visitor_name == "Siti Aminah" and rec.screened_by == desk.users["front_desk"]
    assert str(rec.day) == "2026-12-21" and rec.threshold == Decimal("37.3")
    page = client.get(r["Location"])
    assert "Boleh masuk" in page.content.decode() and "36,8 °C" in page.content.decode()
    assert day_row(desk.branch) == (1, 0)


def test_at_the_threshold_the_visitor_is_sent_home(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    screen(client, "37,3")
    screen(client, "37.2")
    assert [r.outcome for r in records()] == ["sent_home", "admitted"]
    assert day_row(desk.branch) == (1, 1)


def test_the_threshold_is_configurable(desk: Desk, login: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "SCREENING_FEVER_THRESHOLD_C": "37.5"}
    client = login(desk.users["front_desk"])
    assert "37,5 °C" in client.get(HOME).content.decode()
    screen(client, "37,4")
    screen(client, "37,5")
    assert [(r.outcome, r.threshold) for r in records()] == [("admitted", Decimal("37.5")),
                                                             ("sent_home", Decimal("37.5"))]


@pytest.mark.parametrize(("typed", "message"), [
    ("98.6", "Fahrenheit"), ("98,6", "98,6 °F = 37,0 °C"), ("", "Masukkan suhu"), ("29,9", "antara 30,0 dan 45,0"),
    ("46", "antara 30,0 dan 45,0"), ("abc", "berupa angka"), ("36,85", "satu angka di belakang koma"),
])
def test_a_bad_reading_is_refused_on_the_page_and_nothing_is_written(desk: Desk, login: Any, typed: str,
                                                                      message: str) -> None:
    client = login(desk.users["front_desk"])
    r = screen(client, typed, visitor_name="Budi")
    assert r.status_code == 422
    html = r.content.decode()
    assert message in html and "Belum tercatat" in html
    assert 'value="Budi"' in html  # what was typed stays on the form
    assert records() == [] and day_row(desk.branch) == (0, 0)


def test_the_fahrenheit_message_is_in_english_for_an_english_desk(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    client.post("/i18n/setlang/", {"language": "en", "next": HOME})
    r = screen(client, "98.6")
    assert r.status_code == 422 and "98.6 °F = 37.0 °C" in r.content.decode()
    assert "Fahrenheit" in r.content.decode()


def test_a_booking_of_this_branch_is_recorded_with_the_visitor(desk: Desk, login: Any) -> None:
    booking = desk.booking()
    client = login(desk.users["front_desk"])
    r = screen(client, "36,6", booking_code=booking.code.lower())
    assert r.status_code == 302
    (rec,) = records()
    assert rec.booking == booking and rec.visitor_name == ""


def test_a_booking_of_another_branch_is_refused_and_names_its_branch(desk: Desk, login: Any) -> None:
    elsewhere = desk.booking(at=desk.other_branch)
    client = login(desk.users["front_desk"])
    r = screen(client, "36,6", booking_code=elsewhere.code)
    assert r.status_code == 422
    assert "Booking ini untuk Semarang Pemuda, bukan cabang ini" in r.content.decode()
    assert records() == [] and day_row(desk.branch) == (0, 0)


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "x" * 40, "<script>", "'; --"])
def test_an_unknown_booking_code_is_refused(desk: Desk, login: Any, code: str) -> None:
    client = login(desk.users["front_desk"])
    r = screen(client, "36,6", booking_code=code)
    assert r.status_code == 422 and "<script>" not in r.content.decode().split("</form>")[0].split("csrf")[0]
    assert records() == []


def test_a_name_too_long_is_refused(desk: Desk, login: Any) -> None:
    r = screen(login(desk.users["front_desk"]), "36,6", visitor_name="a" * 101)
    assert r.status_code == 422 and "100 karakter" in r.content.decode() and records() == []


def test_a_double_submit_records_one_visitor(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    fid = form_id(client.get(HOME))
    first = screen(client, "37,8", visitor_name="Budi", fid=fid)
    second = screen(client, "37,8", visitor_name="Budi", fid=fid)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert len(records()) == 1 and day_row(desk.branch) == (0, 1)
    assert "sudah tercatat" in client.get(second["Location"]).content.decode()


def test_a_used_form_sent_again_for_another_visitor_is_refused_with_a_fresh_form(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    fid = form_id(client.get(HOME))
    screen(client, "36,5", visitor_name="Budi", fid=fid)
    again = screen(client, "36,9", visitor_name="Ani", fid=fid)  # the back button, then the next visitor
    assert again.status_code == 409 and "sudah dipakai" in again.content.decode()
    fresh = form_id(again)
    assert fresh != fid and 'value="Ani"' in again.content.decode()
    assert [r.visitor_name for r in records()] == ["Budi"]
    assert screen(client, "36,9", visitor_name="Ani", fid=fresh).status_code == 302
    assert [r.visitor_name for r in records()] == ["Budi", "Ani"] and day_row(desk.branch) == (2, 0)


@pytest.mark.parametrize("fid", ["", "short", "a" * 41, "../../etc", "x y z" * 5])
def test_a_missing_or_forged_form_id_is_refused_with_a_fresh_one(desk: Desk, login: Any, fid: str) -> None:
    client = login(desk.users["front_desk"])
    r = client.post(HOME, {"temperature": "36,5", "form_id": fid})
    assert r.status_code == 422 and "sudah tidak berlaku" in r.content.decode()
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,40}", form_id(r))
    assert records() == []


def test_a_form_of_another_branch_cannot_be_replayed_here(desk: Desk, login: Any) -> None:
    from lapakasik.frontdesk import services

    fid = services.form_id_new()
    services.screening_record(branch=desk.other_branch, user=desk.users["other_front_desk"],
                              temperature=Decimal("36.5"), form_id=fid)
    r = screen(login(desk.users["front_desk"]), "36,5", fid=fid)
    assert r.status_code == 409 and len(records()) == 1 and records()[0].branch == desk.other_branch


def test_the_service_refuses_a_temperature_out_of_range_whatever_the_caller(desk: Desk) -> None:
    from lapakasik.core.errors import InvalidInput
    from lapakasik.frontdesk import services

    for bad in (Decimal("29.9"), Decimal("45.1"), Decimal("NaN"), 37.0):
        with pytest.raises(InvalidInput):
            services.screening_record(branch=desk.branch, user=desk.users["front_desk"], temperature=bad,
                                      form_id=services.form_id_new())
    assert records() == []


def test_the_database_refuses_an_outcome_that_contradicts_the_threshold(desk: Desk) -> None:
    from django.db import IntegrityError, transaction

    from lapakasik.frontdesk.models import ScreeningRecord

    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningRecord.objects.create(branch=desk.branch, screened_at=desk_now(), day="2026-12-21",
                                       temperature=Decimal("38.0"), threshold=Decimal("37.3"), outcome="admitted",
                                       form_id="f" * 20)


def desk_now() -> Any:
    from lapakasik.core import clock

    return clock.now()


# --- sent home: the online route and a new session ----------------------------------------------------------

def test_a_visitor_sent_home_with_a_booking_gets_its_reschedule_page_and_the_next_sessions(desk: Desk,
                                                                                          login: Any) -> None:
    booking = desk.booking()
    client = login(desk.users["front_desk"])
    r = screen(client, "38,1", booking_code=booking.code)
    page = client.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Diminta pulang" in html
    assert f"/antrean/saya/{booking.code}/ubah/" in html and 'src="data:image/png;base64,' in html
    assert "Dokumen bisa dikirim online" in html
    assert "Sesi berikutnya" in html and "WIB" in html
    claim = booking.claim
    party = claim.parties.get(role="participant") if hasattr(claim, "parties") else None
    links = re.findall(r'href="([^"]+)"', html)
    for secret in filter(None, [claim.insured_nik, claim.insured_kpj, getattr(party, "email", ""),
                                getattr(party, "phone", "")]):
        assert all(secret not in link for link in links)
        assert secret not in html


def test_a_visitor_sent_home_without_a_booking_is_offered_a_new_one(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    r = screen(client, "39,0", visitor_name="Ani")
    html = client.get(r["Location"]).content.decode()
    assert "/antrean/" in html and "/ubah/" not in html and "Ambil sesi baru" in html
    assert "Dokumen bisa dikirim online" not in html


def test_an_admitted_visitor_is_offered_nothing(desk: Desk, login: Any) -> None:
    client = login(desk.users["front_desk"])
    html = client.get(screen(client, "36,0")["Location"]).content.decode()
    assert "Boleh masuk" in html and "data:image/png" not in html


def test_the_result_of_another_branch_is_not_found(desk: Desk, login: Any) -> None:
    from lapakasik.frontdesk import services

    done = services.screening_record(branch=desk.other_branch, user=desk.users["other_front_desk"],
                                     temperature=Decimal("38.0"), form_id=services.form_id_new())
    assert login(desk.users["front_desk"]).get(f"/petugas/depan/skrining/{done.record.pk}/").status_code == 404
    assert login(desk.users["front_desk"]).get("/petugas/depan/skrining/999999/").status_code == 404
    assert login(desk.users["officer"]).get(f"/petugas/depan/skrining/{done.record.pk}/").status_code == 403


# --- the day's summary and the branch head's counts ---------------------------------------------------------

def test_the_page_shows_today_s_summary_of_this_branch_only(desk: Desk, login: Any) -> None:
    from lapakasik.frontdesk import services

    services.screening_record(branch=desk.other_branch, user=desk.users["other_front_desk"],
                              temperature=Decimal("38.0"), form_id=services.form_id_new())
    client = login(desk.users["front_desk"])
    for t in ("36,5", "36,6", "38,2"):
        screen(client, t)
    html = client.get(HOME).content.decode()
    tiles = re.findall(r"<strong>(\d+)</strong><span>([^<]+)</span>", html)
    assert tiles == [("3", "diperiksa"), ("2", "boleh masuk"), ("1", "diminta pulang")]


def test_a_day_is_the_branch_s_local_day(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from lapakasik.frontdesk import services

    # 17:30 UTC on the 21st is 00:30 WIB on the 22nd in Bandung
    done = services.screening_record(branch=desk.branch, user=desk.users["front_desk"], temperature=Decimal("36.5"),
                                     form_id=services.form_id_new(), now=datetime(2026, 12, 21, 17, 30, tzinfo=UTC))
    assert str(done.record.day) == "2026-12-22"


def test_the_branch_head_sees_the_counts_per_day(desk: Desk, login: Any) -> None:
    from datetime import timedelta

    from lapakasik.frontdesk import services

    for days_ago, t in ((0, "36.5"), (0, "38.0"), (2, "36.1")):
        services.screening_record(branch=desk.branch, user=desk.users["front_desk"], temperature=Decimal(t),
                                  form_id=services.form_id_new(), now=desk_now() - timedelta(days=days_ago))
    client = login(desk.users["supervisor"])
    index = client.get("/petugas/depan/ringkasan/")
    assert index.status_code == 302 and index["Location"] == "/petugas/depan/ringkasan/BDG01/"
    page = client.get(index["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", html)
    assert len(rows) == 31
    assert rows[0][1:] == ("2", "1", "1") and rows[1][1:] == ("0", "0", "0") and rows[2][1:] == ("1", "1", "0")
    assert "21 Desember 2026" in rows[0][0] and "19 Desember 2026" in rows[2][0]


def test_an_admin_picks_a_branch_of_their_scope(desk: Desk, login: Any) -> None:
    regional = login(desk.users["regional"])
    html = regional.get("/petugas/depan/ringkasan/").content.decode()
    assert "/petugas/depan/ringkasan/BDG01/" in html and "SMG01" not in html
    assert regional.get("/petugas/depan/ringkasan/BDG01/").status_code == 200
    assert regional.get("/petugas/depan/ringkasan/SMG01/").status_code == 404
    assert regional.get("/petugas/depan/ringkasan/NOPE99/").status_code == 404
    assert login(desk.users["national"]).get("/petugas/depan/ringkasan/SMG01/").status_code == 200
    assert login(desk.users["officer"]).get("/petugas/depan/ringkasan/BDG01/").status_code == 403
    assert login(desk.users["front_desk"]).get("/petugas/depan/ringkasan/SMG01/").status_code == 404
