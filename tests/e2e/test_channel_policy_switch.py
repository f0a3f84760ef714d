"""A region switched to online-only from the regional admin's page, in a browser (Debian Chromium via
Playwright): the admin sets the mode, reads the preview (who will be told), applies; the periodic job runs
twice; the development inbox shows each affected participant's message once, in their language, and
nothing to the participant the change does not concern."""

from __future__ import annotations

import os
from typing import Any

import pytest
from tests.branchops.conftest import branch, other_branch, region, staff, trouble  # noqa: F401 - fixtures
from tests.intake.conftest import _fresh_rate_limits, _private_storage, make_claim  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Kasus COVID-19 meningkat di wilayah ini"


@pytest.fixture
def dki(network: None) -> Any:  # the branchops staff fixture asks for it
    from lapakasik.branches.models import Region

    return Region.objects.get(code="DKI")


def test_a_region_switch_with_its_preview_tells_each_participant_once(
        live_server: Any, settings: Any, staff: Any, trouble: dict[str, Any], region: Any) -> None:  # noqa: F811
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.test_dropbox_journey import _signed_in
    from tests.notifications.conftest import run_queue

    from lapakasik.branches.models import ChannelPolicy
    from lapakasik.branchops.services import channel_policy_announce
    from lapakasik.notifications.services import template_defaults_install

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PUBLIC_BASE_URL = live_server.url
    settings.INTAKE_PUBLIC_BASE_URL = live_server.url
    template_defaults_install()  # an earlier transactional test may have flushed the migration's rows
    page_url = f"{live_server.url}/petugas/kebijakan-kanal/wilayah/{region.code}/"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        admin = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        admin.set_default_timeout(20000)
        _signed_in(admin, live_server, staff["regional"])
        page = admin.new_page()
        page.goto(page_url)
        page.check("input[name=mode][value=ONLINE_ONLY]")
        page.check("input[name=when][value=now]")
        page.fill("[name=reason]", REASON)
        page.click("button[name=step][value=preview]")
        # The preview: who will be told, before anything is written
        expect(page.get_by_text("2 peserta akan diberi tahu")).to_be_visible()
        assert not ChannelPolicy.objects.filter(reason=REASON).exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click("button[name=step][value=apply]")
        page.wait_for_url(page_url)
        expect(page.get_by_text(REASON).first).to_be_visible()  # the history names the change and why
        assert ChannelPolicy.objects.filter(reason=REASON, mode="ONLINE_ONLY", set_by=staff["regional"]).count() == 1

        # The periodic job, run twice (a second run tells nobody again), then the worker's deliveries
        channel_policy_announce()
        channel_policy_announce()
        outcomes = run_queue()

        inbox = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
        failed, dropbox, booked = trouble["failed"], trouble["dropbox"], trouble["booked"]
        inbox.goto(f"{live_server.url}/dev/inbox?to=gagal@example.id")
        assert outcomes.count("sent") >= 2, outcomes
        expect(inbox.locator("li.msg-email", has_text=f"Klaim {failed.code}")).to_have_count(1)
        expect(inbox.locator("li.msg-email", has_text="dihentikan")).to_have_count(1)
        inbox.goto(f"{live_server.url}/dev/inbox?to=dropbox@example.id")
        expect(inbox.locator("li.msg-email", has_text=dropbox.code)).to_have_count(1)  # in English, once
        inbox.goto(f"{live_server.url}/dev/inbox?to=booked@example.id")
        expect(inbox.locator("li.msg-email", has_text=booked.code)).to_have_count(0)  # not concerned
        browser.close()
