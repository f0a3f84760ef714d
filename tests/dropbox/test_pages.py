"""The dropbox's pages as the front desk, the back office and the branch head use them: every refusal shown on
the page with a 4xx status and nothing written; the camera reader is served from the product itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from lapakasik.dropbox.models import Envelope, HandoverBatch
from lapakasik.intake.policy import cover_sheet_payload, serial_display

from ..accounts.helpers import officer_login
from .conftest import World, jpeg_bytes

pytestmark = pytest.mark.django_db


def _as(world: World, who: str) -> Client:
    return officer_login(Client(), world.users[who])


def _form_id(html: str) -> str:
    found = re.search(r'name="form_id" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_desk_page_is_phone_first_and_reads_qr_codes_without_a_cdn(world: World) -> None:
    from django.contrib.staticfiles import finders

    r = _as(world, "front_desk").get("/petugas/dropbox/")
    html = r.content.decode()
    assert r.status_code == 200 and 'name="serial"' in html and "autofocus" in html and 'name="q"' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(s.endswith("dropbox/jsQR.js") for s in scripts) and all(s.startswith("/") for s in scripts)
    vendored = finders.find("dropbox/jsQR.js")
    assert vendored and "jsQR" in open(vendored, encoding="utf-8").read(4000)
    assert finders.find("dropbox/jsQR.LICENSE")


def test_receiving_by_scan_then_disinfecting_on_the_phone(world: World) -> None:
    claim, sheet = world.waiting()
    desk = _as(world, "front_desk")
    page = desk.get("/petugas/dropbox/").content.decode()
    r = desk.post("/petugas/dropbox/terima/", {"serial": cover_sheet_payload(sheet.serial), "form_id": _form_id(page)})
    env = Envelope.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/petugas/dropbox/amplop/{env.pk}/"
    html = desk.get(r["Location"]).content.decode()
    assert claim.code in html and serial_display(sheet.serial) in html and claim.insured_nik not in html
    assert desk.post(f"/petugas/dropbox/amplop/{env.pk}/disinfeksi/", {"method": "spray"}).status_code == 302
    again = desk.post(f"/petugas/dropbox/amplop/{env.pk}/disinfeksi/", {"method": "uv"}, follow=True)
    assert "sudah didisinfeksi" in again.content.decode()
    env.refresh_from_db()
    assert env.disinfection_method == "spray"


@pytest.mark.parametrize("serial", ["", "LAPAKASIK:ABCD2345", "0000-0000-0000-0000", "<img src=x onerror=1>"])
def test_a_bad_code_is_shown_on_the_field_and_writes_nothing(world: World, serial: str) -> None:
    world.waiting()
    desk = _as(world, "front_desk")
    page = desk.get("/petugas/dropbox/").content.decode()
    r = desk.post("/petugas/dropbox/terima/", {"serial": serial, "form_id": _form_id(page)})
    html = r.content.decode()
    assert r.status_code == 422 and 'id="serial-error"' in html and "<img src=x" not in html
    assert not Envelope.objects.exists()


def test_search_without_a_cover_sheet_keeps_the_nik_out_of_urls(world: World) -> None:
    claim, _sheet = world.waiting()
    desk = _as(world, "front_desk")
    assert desk.get("/petugas/dropbox/cari/", {"q": claim.insured_nik}).status_code == 405
    r = desk.post("/petugas/dropbox/cari/", {"q": claim.insured_nik})
    html = r.content.decode()
    assert r.status_code == 200 and claim.code in html and 'name="matched_by" value="nik"' in html
    r = desk.post("/petugas/dropbox/terima-klaim/", {"claim": claim.pk, "matched_by": "nik", "form_id": _form_id(html)})
    assert r.status_code == 302 and Envelope.objects.get().matched_by == "nik"
    assert desk.post("/petugas/dropbox/cari/", {"q": "12"}).status_code == 422


def test_hand_over_accept_digitise_and_the_branch_heads_view(world: World) -> None:
    _claim, sheet = world.waiting()
    desk = _as(world, "front_desk")
    page = desk.get("/petugas/dropbox/").content.decode()
    desk.post("/petugas/dropbox/terima/", {"serial": sheet.serial, "form_id": _form_id(page)})
    env = Envelope.objects.get()
    desk.post(f"/petugas/dropbox/amplop/{env.pk}/disinfeksi/", {"method": "uv"})
    early = desk.post("/petugas/dropbox/serah-terima/", {"envelope": [env.pk], "counted": "1"})
    assert early.status_code == 409 and "dikarantina" in early.content.decode()  # not even listed yet
    world.later(timedelta(hours=24, minutes=1))
    assert desk.post("/petugas/dropbox/serah-terima/", {"envelope": [env.pk], "counted": "2"}).status_code == 422
    assert not HandoverBatch.objects.exists()
    assert desk.post("/petugas/dropbox/serah-terima/", {"envelope": [env.pk], "counted": "1"}).status_code == 302
    batch = HandoverBatch.objects.get()

    officer = _as(world, "officer")
    inbox = officer.get("/petugas/dropbox/masuk/").content.decode()
    assert batch.reference in inbox
    assert officer.post(f"/petugas/dropbox/serah-terima/{batch.pk}/", {"counted": "x"}).status_code == 422
    r = officer.post(f"/petugas/dropbox/serah-terima/{batch.pk}/", {"envelope": [env.pk], "counted": "1"})
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "RECONCILED"
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = officer.post(f"/petugas/dropbox/amplop/{env.pk}/pindai/", {
        "step": "pages", "requirement": "ktp",
        "file": SimpleUploadedFile("ktp.jpg", b"\xff\xd8\xff" + b"\x00" * 900, content_type="image/jpeg")})
    assert bad.status_code == 422 and "ditolak" in bad.content.decode()
    good = officer.post(f"/petugas/dropbox/amplop/{env.pk}/pindai/", {
        "step": "pages", "requirement": "ktp",
        "file": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")})
    assert good.status_code == 200 and "tersimpan" in good.content.decode()
    done = officer.post(f"/petugas/dropbox/amplop/{env.pk}/pindai/", {"step": "done", "original": "returned"})
    assert done.status_code == 302
    env.refresh_from_db()
    assert env.state == "DIGITISED"

    head = _as(world, "supervisor")
    assert head.get("/petugas/dropbox/cabang/").status_code == 302
    view = head.get(f"/petugas/dropbox/cabang/{world.branch.code}/").content.decode()
    assert batch.reference in view and "Cocok" in view and "Sudah dipindai" in view
    assert _as(world, "front_desk").get(f"/petugas/dropbox/cabang/{world.branch.code}/").status_code == 403
