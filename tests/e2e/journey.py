"""Steps the browser journeys share: a page fits a 360 px phone, a form filled by field name, a section of a
form signed by typed name, and a branch officer signing in (password, then the TOTP code) and taking the next
claim from the queue."""

from __future__ import annotations

import re
from typing import Any

OFFICER_PASSWORD = "kata-sandi-petugas-2026"


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def fill(page: Any, data: dict[str, str]) -> None:
    for name, value in data.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def sign_section(page: Any, section: str, data: dict[str, str], name: str) -> None:
    """Open a form's section from its overview, fill it, confirm and sign it; wait until it says signed."""
    from playwright.sync_api import expect

    page.locator(f"#section-{section} a").click()
    fits(page)
    fill(page, data)
    page.locator("input[name=konfirmasi]").check()
    page.fill("#id_nama_tanda_tangan", name)
    page.locator("button[value=sign]").click()
    expect(page.locator(f"#section-{section}")).to_have_attribute("data-signed", "yes")


def officer_signs_in(context: Any, base: str, *, username: str, device: Any) -> Any:
    """A new page of ``context`` where the officer has signed in with password and TOTP (on the work queue)."""
    from tests.accounts.helpers import totp_code

    page = context.new_page()
    page.goto(f"{base}/petugas/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", OFFICER_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/petugas/")
    return page


def officer_takes_next(chromium: Any, base: str, *, username: str, device: Any, claim_code: str,
                       accept_downloads: bool = False) -> Any:
    """A desk browser: the officer signs in and takes the next claim, which must be ``claim_code``; returns
    the claim's page."""
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID",
                                accept_downloads=accept_downloads)
    desk.set_default_timeout(20000)
    page = officer_signs_in(desk, base, username=username, device=device)
    page.click("text=Ambil berikutnya")
    page.wait_for_url(re.compile(rf".*/petugas/klaim/{claim_code}/$"))
    return page
