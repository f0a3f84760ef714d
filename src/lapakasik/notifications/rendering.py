"""Rendering a notification from its template: the variables, the text, the HTML, the footer with the
verification code. Templates are Django templates with autoescape off for text and on for HTML."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe

from lapakasik.core import dates

from . import defaults, policy

_TEXT_ENGINE = Engine(autoescape=False, libraries={}, builtins=[])
_HTML_ENGINE = Engine(autoescape=True, libraries={}, builtins=[])

FOOTER = {
    "id": ("\n\nKode keaslian pesan: {code}\nCek keaslian: {url}\nBPJAMSOSTEK tidak pernah meminta biaya, PIN, "
           "kata sandi, atau kode OTP Anda."),
    "en": ("\n\nMessage verification code: {code}\nCheck it is genuine: {url}\nBPJAMSOSTEK never asks for fees, "
           "PINs, passwords or your one-time code."),
}
SMS_FOOTER = {"id": " Kode cek: {code} {url}", "en": " Check code: {code} {url}"}


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    parameters: list[str] = field(default_factory=list)


def check_url(code: str | None = None) -> str:
    base = f"{settings.PUBLIC_BASE_URL}/cek-pesan/"
    return f"{base}?kode={code}" if code else base


def base_context(*, claim: Any, language: str, verification_code: str, name: str = "") -> dict[str, Any]:
    """The variables every template may use (``defaults.COMMON_VARIABLES``)."""
    service = getattr(settings, "LAPAKASIK", {})
    ctx: dict[str, Any] = {
        "contact_centre": service.get("CONTACT_CENTRE", "175"),
        "verification_code": policy.format_code(verification_code),
        "check_url": check_url(),
        "name": name,  # the recipient's (the row's contact), not the claim's
    }
    if claim is not None:
        with translation.override(language):  # the state's label comes with the claim's field choices
            state_label = str(claim.get_state_display())
            type_label = str(claim.get_claim_type_display())
        ctx.update(claim_code=claim.code, claim_type=claim.claim_type,
                   claim_type_label=type_label, state=claim.state, state_label=state_label,
                   branch=getattr(claim.branch, "name", ""), branch_address=getattr(claim.branch, "address", ""))
    return ctx


def _absolute(url: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{url}" if url.startswith("/") else url


def _long_date(day: str, language: str) -> str:
    """'2026-12-22' → 'Selasa, 22 Desember 2026' / 'Tuesday, 22 December 2026' (``core.dates``, the one
    date format a participant reads everywhere)."""
    return dates.long_date(day, language)


def _local_moment(value: str, time_zone: str, language: str) -> str:
    """An ISO timestamp with offset (already in the branch's zone) → 'Senin, 21 Desember 2026 23:59 WITA'."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return dates.long_moment(moment, time_zone, language)


def derived_context(ctx: dict[str, Any], language: str) -> dict[str, Any]:
    """The template variables the catalogue promises, derived from what services store in a row's context:
    services store facts (``date``, ``start``, ``end``, ``time_zone`` in the branch's zone, relative URLs);
    the message shows them in the participant's language with the zone (WIB/WITA/WIT) and full links."""
    out: dict[str, Any] = {}
    zone = str(ctx.get("time_zone", ""))
    for prefix, session_zone in (("", zone), ("old_", str(ctx.get("old_time_zone", zone)))):
        if ctx.get(f"{prefix}date") and ctx.get(f"{prefix}start"):  # the session, and the one it replaced
            out[f"{prefix}session_date"] = _long_date(str(ctx[f"{prefix}date"]), language)
            out[f"{prefix}session_time"] = (f"{ctx[f'{prefix}start']}–{ctx.get(f'{prefix}end', '')} {session_zone}"
                                            .replace("– ", " ").strip())
    if ctx.get("documents_due") and not ctx.get("documents_due_local"):
        out["documents_due_local"] = _local_moment(str(ctx["documents_due"]), zone, language)
    if ctx.get("hold_until") and not ctx.get("hold_until_local") and ctx.get("branch_time_zone"):
        try:
            held = datetime.fromisoformat(str(ctx["hold_until"])).astimezone(ZoneInfo(str(ctx["branch_time_zone"])))
            out["hold_until_local"] = _local_moment(held.isoformat(), zone, language)
        except (ValueError, KeyError):
            pass
    if ctx.get("opened_day") and not ctx.get("opened_date"):  # the day a quota opening added
        out["opened_date"] = _long_date(str(ctx["opened_day"]), language)
    if ctx.get("intake_email") and not ctx.get("email_address"):
        out["email_address"] = ctx["intake_email"]
    if ctx.get("code") and not ctx.get("booking_url"):
        out["booking_url"] = f"{settings.PUBLIC_BASE_URL}/antrean/saya/"
    for key in ("upload_url", "offer_url", "cover_sheet_url", "status_url", "reschedule_url", "booking_url",
                "ticket_pdf_url", "calendar_ics_url", "waiting_room_url"):
        value = out.get(key, ctx.get(key))
        if isinstance(value, str) and value:
            out[key] = _absolute(value)
    return out


@functools.lru_cache(maxsize=512)
def _compiled(autoescape: bool, source: str) -> Any:
    """Compiled templates by source text (an edited template is a new source, so never stale)."""
    return (_HTML_ENGINE if autoescape else _TEXT_ENGINE).from_string(source)


def _render(engine: Engine, source: str, ctx: dict[str, Any]) -> str:
    return str(_compiled(engine.autoescape, source).render(Context(ctx, autoescape=engine.autoescape)))


def template_check(*, event: str, channel: str, subject: str, body: str, body_html: str = "",
                   provider_parameters: str = "") -> dict[str, list[str]]:
    """Validation for admins: syntax errors and variables the event does not provide. Returns
    {field: [messages]} (empty when fine)."""
    allowed = defaults.variables_for(event)
    errors: dict[str, list[str]] = {}
    for name, source in (("subject", subject), ("body", body), ("body_html", body_html)):
        if not source:
            continue
        try:
            if source.count("{{") != source.count("}}") or source.count("{%") != source.count("%}"):
                raise TemplateSyntaxError("tanda {{ }} atau {% %} tidak berpasangan")
            _TEXT_ENGINE.from_string(source)
        except TemplateSyntaxError as exc:
            errors.setdefault(name, []).append(f"Kesalahan sintaks template: {exc}")
            continue
        unknown = policy.unknown_variables(source, allowed)
        if unknown:
            errors.setdefault(name, []).append(
                "Variabel tidak dikenal untuk peristiwa ini: " + ", ".join(unknown)
                + ". Yang tersedia: " + ", ".join(sorted(allowed)))
    if channel == "email" and not subject.strip():
        errors.setdefault("subject", []).append("E-mail memerlukan subjek.")
    params = [p.strip() for p in provider_parameters.split(",") if p.strip()]
    bad = sorted(set(params) - set(allowed) - defaults.PARAMETER_VARIABLES)
    if bad:
        errors.setdefault("provider_parameters", []).append("Parameter tidak dikenal: " + ", ".join(bad))
    return errors


def render(*, template: Any, channel: str, language: str, ctx: dict[str, Any], verification_code: str) -> Rendered:
    """Render ``template`` (a NotificationTemplate or anything with subject/body/body_html/provider_*)."""
    with translation.override(language):
        subject = " ".join(_render(_TEXT_ENGINE, template.subject or "", ctx).split())
        text = _render(_TEXT_ENGINE, template.body, ctx).strip()
        text = "\n".join(line.rstrip() for line in text.splitlines())
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        code = policy.format_code(verification_code)
        html = ""
        params: list[str] = []
        if channel == "sms":  # one line, in the GSM-7 alphabet (one "–" would make it UCS-2: 70 a segment)
            text = " ".join(policy.gsm7_transliterate(text).split())
            tail = policy.gsm7_transliterate(SMS_FOOTER.get(language, SMS_FOOTER["id"]).format(code=code,
                                                                                                url=check_url()))
            text = policy.sms_fit(text, settings.SMS_MAX_SEGMENTS, keep_tail=tail).strip()
        elif channel == "phone":
            text = text + "\n\n" + FOOTER.get(language, FOOTER["id"]).strip().format(code=code, url=check_url())
        else:
            footer = FOOTER.get(language, FOOTER["id"]).format(code=code, url=check_url())
            body_only = text
            text = text + footer
            if channel == "email":
                inner = (_render(_HTML_ENGINE, template.body_html, ctx) if getattr(template, "body_html", "")
                         else linebreaks(urlize(escape(body_only))))
                inner = mark_safe(inner)
                html = render_to_string("notifications/email.html", {
                    "subject": subject, "content": inner, "code": code, "check_url": check_url(),
                    "language": language})
            if channel == "whatsapp":
                names = [p.strip() for p in (template.provider_parameters or "").split(",") if p.strip()]
                values = {**ctx, "message": body_only}
                params = [str(values.get(n, "")) for n in names]
    return Rendered(subject=subject, text=text, html=html, parameters=params)
