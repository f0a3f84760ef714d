"""The operators' levers of the quota opening: the settings the national admin changes on the operators'
page (in force at once for the rate, never for the window during an opening; nobody admitted un-admitted
when the rate drops), a branch's seats per session for the days opened next, and the after-opening report.
Every change is a row with who and why; hostile input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.accounts.factories import make_officer
from tests.accounts.helpers import officer_login

from .opening_support import DRAW_AT, JOIN_URL, OPENS_AT, RATE, Clock, booking_body, poll, post_json

Body = Callable[..., dict[str, Any]]
SETTINGS_URL = "/petugas/pembukaan/pengaturan/"
REPORT_URL = "/petugas/pembukaan/laporan/"
REASON = "Uji coba laju giliran pembukaan"


def _values(**changes: Any) -> dict[str, Any]:
    from lapakasik.booking.waitroom import config

    return {**vars(config.in_force()), **changes}


def _form(**changes: Any) -> dict[str, Any]:
    values = _values(**changes)
    return {**{k: str(int(v)) for k, v in values.items()}, "reason": REASON}


def _rows() -> int:
    from lapakasik.booking.models import OpeningSettingsChange

    return OpeningSettingsChange.objects.count()


@pytest.fixture
def national(db: None) -> Client:
    return officer_login(Client(), make_officer("nasional-atur", "national_admin"))


# --- the settings: the service ------------------------------------------------------------------------------

@pytest.mark.usefixtures("booking_env")
def test_without_a_change_the_configuration_is_in_force_and_a_change_replaces_it(opening_clock: Clock) -> None:
    from lapakasik.booking.waitroom import config

    assert config.in_force() == config.configured() and config.conf().admit_per_second == RATE
    officer = make_officer("nasional-a", "national_admin")
    opening_clock.at(OPENS_AT - timedelta(hours=3))  # no opening in progress
    row = config.opening_settings_set(values=_values(admit_per_second=7, before_minutes=20), reason=REASON,
                                      actor=officer)
    s = config.conf()
    assert (s.admit_per_second, s.before_minutes, s.after_minutes) == (7, 20, 5)
    assert (row.set_by, row.reason, row.created_at) == (officer, REASON, opening_clock.now)
    cache.clear()  # a cache restart: read back from the row
    assert config.conf().admit_per_second == 7 and config.conf().before_minutes == 20


@pytest.mark.usefixtures("booking_env")
@pytest.mark.parametrize("field, value", [
    ("admit_per_second", 0), ("admit_per_second", 1001), ("admit_per_second", -5), ("admit_per_second", "20"),
    ("admit_per_second", True), ("admit_per_second", 2.5), ("admit_per_second", None), ("before_minutes", 121),
    ("after_minutes", 61), ("period_minutes", 0), ("period_minutes", 4), ("admission_minutes", 0),
    ("target_booking_ms", 10), ("target_booking_ms", 10_001), ("enabled", 1), ("enabled", "ya"),
])
def test_a_setting_out_of_bounds_is_refused_naming_it_and_nothing_is_written(
        opening_clock: Clock, field: str, value: Any) -> None:
    from lapakasik.booking.waitroom import config
    from lapakasik.core.errors import InvalidInput

    opening_clock.at(OPENS_AT - timedelta(hours=3))
    with pytest.raises(InvalidInput) as caught:
        config.opening_settings_set(values=_values(**{field: value}), reason=REASON, actor=None)
    assert field in (caught.value.fields or {})
    assert _rows() == 0 and config.in_force() == config.configured()


@pytest.mark.usefixtures("booking_env")
@pytest.mark.parametrize("reason", ["", "   ", "singkat", "alasan\x00dengan nol", "x" * 300])
def test_a_change_without_a_proper_reason_is_refused(opening_clock: Clock, reason: str) -> None:
    from lapakasik.booking.waitroom import config
    from lapakasik.core.errors import InvalidInput

    opening_clock.at(OPENS_AT - timedelta(hours=3))
    with pytest.raises(InvalidInput):
        config.opening_settings_set(values=_values(admit_per_second=9), reason=reason, actor=None)
    assert _rows() == 0


@pytest.mark.usefixtures("booking_env")
def test_the_same_settings_again_change_nothing(opening_clock: Clock) -> None:
    from lapakasik.booking.waitroom import config
    from lapakasik.core.errors import Conflict

    opening_clock.at(OPENS_AT - timedelta(hours=3))
    with pytest.raises(Conflict) as caught:
        config.opening_settings_set(values=_values(), reason=REASON, actor=None)
    assert caught.value.code == "settings_unchanged" and _rows() == 0


@pytest.mark.usefixtures("booking_env")
@pytest.mark.parametrize("change", [{"before_minutes": 30}, {"after_minutes": 10}, {"period_minutes": 60},
                                    {"enabled": False}])
def test_the_window_period_and_switch_cannot_change_while_an_opening_runs(opening_clock: Clock,
                                                                          change: dict[str, Any]) -> None:
    from lapakasik.booking.waitroom import config
    from lapakasik.core.errors import Conflict

    opening_clock.at(OPENS_AT + timedelta(minutes=1))  # inside the window
    with pytest.raises(Conflict) as caught:
        config.opening_settings_set(values=_values(**change), reason=REASON, actor=None)
    assert caught.value.code == "opening_in_progress" and caught.value.extra["fields"] == list(change)
    assert _rows() == 0
    # the rate, the target and the admission's life may change during it
    config.opening_settings_set(values=_values(admit_per_second=5, admission_minutes=15, target_booking_ms=400),
                                reason=REASON, actor=None)
    assert config.conf().admit_per_second == 5 and config.conf().period_minutes == 120


@pytest.mark.usefixtures("booking_env")
def test_a_window_that_would_start_an_opening_at_once_is_refused(opening_clock: Clock) -> None:
    from lapakasik.booking.waitroom import config
    from lapakasik.core.errors import Conflict

    # 07:30 WIB: WIT (UTC+9) opens at 10:00 its time, 08:00 WIB; its 15-minute window starts in 15 minutes
    opening_clock.at(OPENS_AT - timedelta(minutes=150))
    with pytest.raises(Conflict) as caught:
        config.opening_settings_set(values=_values(before_minutes=45), reason=REASON, actor=None)
    assert caught.value.code == "opening_in_progress"
    config.opening_settings_set(values=_values(before_minutes=20), reason=REASON, actor=None)  # starts later
    assert config.conf().before_minutes == 20


@pytest.mark.usefixtures("booking_env")
def test_lowering_the_rate_during_an_opening_unadmits_nobody(client: Client, opening_clock: Clock,
                                                               join_body: Body) -> None:
    from lapakasik.booking.waitroom import config

    tokens = [post_json(client, JOIN_URL, join_body()).json()["place_token"] for _ in range(12)]
    opening_clock.at(DRAW_AT)
    by_position = {poll(client, t).json()["position"]: t for t in tokens}
    opening_clock.at(DRAW_AT + timedelta(seconds=2.75))  # 2 a second: the frontier at 5.5, places 1–6 in
    sixth = poll(client, by_position[6]).json()
    assert sixth["phase"] == "admitted" and poll(client, by_position[7]).json()["phase"] == "waiting"
    config.opening_settings_set(values=_values(admit_per_second=1), reason=REASON, actor=None)
    again = poll(client, by_position[6]).json()
    assert (again["phase"], again["admission_expires_at"]) == ("admitted", sixth["admission_expires_at"])
    assert poll(client, by_position[7]).json()["phase"] == "waiting"
    opening_clock.at(DRAW_AT + timedelta(seconds=3.75))  # one a second from the change: the 7th, not the 8th
    assert poll(client, by_position[7]).json()["phase"] == "admitted"
    assert poll(client, by_position[8]).json()["phase"] == "waiting"
    config.opening_settings_set(values=_values(admit_per_second=4), reason=REASON, actor=None)
    assert poll(client, by_position[8]).json()["phase"] == "waiting"  # seen at once, from 6.5 on
    opening_clock.at(DRAW_AT + timedelta(seconds=4.75))  # raised: four a second, the frontier at 10.5
    assert poll(client, by_position[11]).json()["phase"] == "admitted"
    assert poll(client, by_position[12]).json()["phase"] == "waiting"


@pytest.mark.usefixtures("booking_env")
def test_a_poll_still_reads_no_database_after_a_change(client: Client, opening_clock: Clock,
                                                       join_body: Body) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lapakasik.booking.waitroom import config

    token = post_json(client, JOIN_URL, join_body()).json()["place_token"]
    config.opening_settings_set(values=_values(admit_per_second=3), reason=REASON, actor=None)
    poll(client, token)
    with CaptureQueriesContext(connection) as queries:
        assert poll(client, token).status_code == 200
    assert len(queries) == 0


# --- the settings: the pages ----------------------------------------------------------------------------------

@pytest.mark.usefixtures("booking_env")
def test_the_national_admin_changes_the_settings_on_the_page(national: Client, opening_clock: Clock) -> None:
    opening_clock.at(OPENS_AT - timedelta(hours=3))
    page = national.get(SETTINGS_URL).content.decode()
    assert 'id="opening-settings-form"' in page and "Belum ada perubahan" in page
    answer = national.post(SETTINGS_URL, _form(admit_per_second=8))
    assert answer.status_code == 302 and answer["Location"] == "/petugas/pembukaan/"
    html = national.get("/petugas/pembukaan/").content.decode()
    assert "8 orang per detik" in html and REASON in html and "nasional-atur" in html
    history = national.get(SETTINGS_URL).content.decode()
    assert "8/s" in history and REASON in history


@pytest.mark.usefixtures("booking_env")
@pytest.mark.parametrize("hostile", [
    {"admit_per_second": "0"}, {"admit_per_second": "abc"}, {"admit_per_second": "1e9"},
    {"admit_per_second": ""}, {"before_minutes": "-1"}, {"enabled": "maybe"}, {"enabled": ""},
    {"reason": "<script>alert(1)</script>"[:8]}, {"reason": ""}, {"target_booking_ms": "20"},
    {"period_minutes": "3"},
])
def test_hostile_settings_input_is_a_422_and_changes_nothing(national: Client, opening_clock: Clock,
                                                             hostile: dict[str, str]) -> None:
    opening_clock.at(OPENS_AT - timedelta(hours=3))
    answer = national.post(SETTINGS_URL, {**_form(admit_per_second=8), **hostile})
    assert answer.status_code == 422 and 'class="errorlist' in answer.content.decode()
    assert _rows() == 0


@pytest.mark.usefixtures("booking_env")
def test_during_an_opening_the_page_refuses_a_window_change_with_a_clear_409(national: Client,
                                                                             opening_clock: Clock) -> None:
    opening_clock.at(OPENS_AT + timedelta(minutes=2))
    answer = national.post(SETTINGS_URL, _form(before_minutes=30))
    assert answer.status_code == 409 and "tidak dapat diubah selama pembukaan" in answer.content.decode()
    assert _rows() == 0


@pytest.mark.usefixtures("booking_env")
def test_only_the_national_admin_may_change_the_settings(opening_clock: Clock) -> None:
    from lapakasik.branches.models import Region

    opening_clock.at(OPENS_AT - timedelta(hours=3))
    regional = officer_login(Client(), make_officer("wilayah-atur", "regional_admin", region=Region.objects.first()))
    page = regional.get(SETTINGS_URL)
    assert page.status_code == 200 and 'id="opening-settings-form"' not in page.content.decode()
    assert regional.post(SETTINGS_URL, _form(admit_per_second=8)).status_code == 403
    officer = officer_login(Client(), make_officer("petugas-atur", "officer",
                                                   branch=Region.objects.first().branches.first()))
    assert officer.get(SETTINGS_URL).status_code == 403
    assert Client().post(SETTINGS_URL, _form(admit_per_second=8)).status_code in (302, 403)
    assert _rows() == 0


# --- a branch's seats per session -----------------------------------------------------------------------------

@pytest.mark.usefixtures("booking_env")
def test_a_quota_change_applies_to_the_days_opened_next_not_to_the_sessions_on_sale(opening_clock: Clock) -> None:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services.slots import slots_generate
    from lapakasik.branches.models import Branch, QuotaChange

    branch = Branch.objects.select_related("region").get(code="JKT02")
    regional = officer_login(Client(), make_officer("wilayah-kuota", "regional_admin", region=branch.region))
    on_sale = {s.pk: s.capacity for s in SlotQuota.objects.filter(branch=branch)}
    page = regional.get(f"/petugas/pembukaan/kuota/{branch.code}/").content.decode()
    assert 'id="quota-form"' in page
    answer = regional.post(f"/petugas/pembukaan/kuota/{branch.code}/", {"capacity": "3", "reason": REASON})
    assert answer.status_code == 302
    change = QuotaChange.objects.get()
    assert (change.capacity_before, change.capacity_after, change.set_by.username) == (
        branch.session_capacity, 3, "wilayah-kuota")
    assert {s.pk: s.capacity for s in SlotQuota.objects.filter(branch=branch, pk__in=on_sale)} == on_sale
    opening_clock.at(OPENS_AT + timedelta(days=1))  # the next opening adds a day
    slots_generate(now=opening_clock.now, branch_codes=[branch.code])
    new = SlotQuota.objects.filter(branch=branch).exclude(pk__in=on_sale)
    assert new.exists() and set(new.values_list("capacity", flat=True)) == {3}
    assert "kursi" in regional.get(f"/petugas/pembukaan/kuota/{branch.code}/").content.decode()


@pytest.mark.usefixtures("booking_env")
@pytest.mark.parametrize("capacity", ["0", "-1", "501", "abc", "2.5", "1" * 30])
def test_a_hostile_quota_is_a_422_and_changes_nothing(capacity: str) -> None:
    from lapakasik.branches.models import Branch, QuotaChange

    branch = Branch.objects.select_related("region").get(code="JKT02")
    national = officer_login(Client(), make_officer("nasional-kuota", "national_admin"))
    answer = national.post(f"/petugas/pembukaan/kuota/{branch.code}/", {"capacity": capacity, "reason": REASON})
    assert answer.status_code == 422
    assert QuotaChange.objects.count() == 0
    assert Branch.objects.get(pk=branch.pk).session_capacity == branch.session_capacity


@pytest.mark.usefixtures("booking_env")
def test_a_quota_is_set_only_within_the_admins_scope() -> None:
    from lapakasik.branches.models import Branch, QuotaChange, Region

    branch = Branch.objects.select_related("region").get(code="JKT02")
    other = Region.objects.exclude(pk=branch.region_id).first()
    regional = officer_login(Client(), make_officer("wilayah-lain", "regional_admin", region=other))
    url = f"/petugas/pembukaan/kuota/{branch.code}/"
    assert regional.get(url).status_code == 404
    assert regional.post(url, {"capacity": "3", "reason": REASON}).status_code == 404
    supervisor = officer_login(Client(), make_officer("spv-kuota", "supervisor", branch=branch))
    assert supervisor.post(url, {"capacity": "3", "reason": REASON}).status_code == 403
    national = officer_login(Client(), make_officer("nasional-k", "national_admin"))
    assert national.get("/petugas/pembukaan/kuota/TIDAKADA/").status_code == 404
    assert national.post(url, {"capacity": str(branch.session_capacity or ""), "reason": REASON}).status_code == 409
    assert QuotaChange.objects.count() == 0


# --- the after-opening report ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("booking_env")
def test_the_report_counts_an_opening_once_it_is_over(client: Client, opening_clock: Clock, join_body: Body,
                                                     national: Client) -> None:
    from lapakasik.booking.waitroom import config

    assert "report-none" in national.get(REPORT_URL).content.decode()
    config.opening_settings_set(values=_values(admit_per_second=3), reason=REASON, actor=None)
    bodies = [join_body() for _ in range(3)]
    tokens = [post_json(client, JOIN_URL, b).json()["place_token"] for b in bodies]
    opening_clock.at(DRAW_AT + timedelta(seconds=2))
    first = next(s for s in (poll(client, t).json() for t in tokens) if s["position"] == 1)
    i = next(k for k, t in enumerate(tokens) if poll(client, t).json()["position"] == 1)
    assert post_json(client, "/api/v1/bookings", booking_body(
        bodies[i], admission_token=first["admission_token"])).status_code == 201
    opening_clock.at(OPENS_AT + timedelta(hours=3))  # over
    html = national.get(REPORT_URL).content.decode()
    section = html[html.index('id="opening-report"'):]
    assert '<dd class="joined">3</dd>' in section and '<dd class="in-draw">3</dd>' in section
    assert '<dd class="booked">1</dd>' in section and '<dd class="not-booked">2</dd>' in section
    assert "3 orang per detik" in section and REASON in section
    row = section[section.index('id="report-branch-JKT02"'):]
    assert "<td>3</td><td>1</td>" in row[:row.index("</tr>")]
    for b in bodies:
        assert b["nik"] not in html and b["full_name"] not in html
    at = int(OPENS_AT.timestamp())
    assert national.get(f"{REPORT_URL}?at={at}").status_code == 200
    for bad in ("123", "abc", "9" * 40, f"{at}%00"):
        assert national.get(f"{REPORT_URL}?at={bad}").status_code == 404
    from lapakasik.branches.models import Branch

    officer = officer_login(Client(), make_officer("petugas-laporan", "officer", branch=Branch.objects.first()))
    assert officer.get(REPORT_URL).status_code == 403
