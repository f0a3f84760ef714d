"""Reads of the intake app shared by pages, API, the mail gateway and reports: which claim an address or
link belongs to, a claim's live links, and the context of the messages intake sends (what arrived and
what is missing; where to go when uploading fails)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lapakasik.branches.selectors import branch_list, effective_policies
from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.core.dates import long_moment

from . import catalogue, policy
from .models import CoverSheet, Document, DocumentStatus, IntakeAccess
from .types import IntakeLinks, ReceiveResult


def _local_token(value: str) -> str | None:
    value = (value or "").strip().strip("<>").lower()
    if "@" in value:
        local, _, domain = value.rpartition("@")
        if domain != str(settings.INTAKE_DOMAIN).lower():
            return None
    else:
        local = value
    if "+" in local:  # plus-addressing: dokumen+<token>@domain
        local = local.rpartition("+")[2]
    if not local or len(local) > 64:
        return None
    return local


def intake_address_resolve(local_part_or_address: str) -> Claim | None:
    """The claim whose live intake address is ``local_part_or_address`` (``tok``, ``tok@domain`` or
    ``anything+tok@domain``; case-insensitive). None for unknown, revoked, wrong-domain addresses."""
    token = _local_token(local_part_or_address)
    if token is None:
        return None
    access = (IntakeAccess.objects.select_related("claim", "claim__branch")
              .filter(kind=IntakeAccess.Kind.EMAIL, token=token, revoked_at__isnull=True).first())
    return access.claim if access else None


def intake_upload_resolve(token: str) -> Claim | None:
    """The claim whose live upload link has ``token`` (None otherwise)."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    access = (IntakeAccess.objects.select_related("claim", "claim__branch")
              .filter(kind=IntakeAccess.Kind.UPLOAD, token=token, revoked_at__isnull=True).first())
    return access.claim if access else None


def upload_path(token: str) -> str:
    return reverse("intake:upload", kwargs={"token": token})


def upload_url(token: str) -> str:
    base = (getattr(settings, "INTAKE_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{upload_path(token)}"


def intake_links_get(claim: Claim) -> IntakeLinks | None:
    """The claim's live links (None when intake was never opened or everything is revoked)."""
    live = {a.kind: a for a in IntakeAccess.objects.filter(claim=claim, revoked_at__isnull=True)}
    email, upload = live.get(IntakeAccess.Kind.EMAIL), live.get(IntakeAccess.Kind.UPLOAD)
    if email is None or upload is None:
        return None
    return IntakeLinks(email_address=f"{email.token}@{settings.INTAKE_DOMAIN}", upload_url=upload_url(upload.token))


def document_list(claim: Claim) -> list[Document]:
    return list(Document.objects.filter(claim=claim).select_related("requirement").order_by("created_at", "id"))


def stored_documents(claim: Claim) -> QuerySet[Document]:
    return Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)


# --- what intake's messages say -----------------------------------------------------------------


# What the acknowledgement's subject says after "Klaim <code>: " (intake.policy.ack_outcome).
ACK_OUTCOME_LABELS = {
    "received": _("dokumen kami terima"),
    "partial": _("sebagian dokumen tidak dapat kami terima"),
    "refused": _("dokumen tidak dapat kami terima"),
    "none": _("tidak ada dokumen yang kami terima"),
}


def ack_context(claim: Claim, results: list[ReceiveResult], language: str = "id") -> dict[str, Any]:
    """The ``intake_ack`` message's variables: what arrived, what was refused and why, what is still
    missing, the documents deadline in the branch's time, and the outcome for the subject (``outcome``,
    ``outcome_label``: see ``ACK_OUTCOME_LABELS``)."""
    with translation.override(language):
        checklist = catalogue.claim_checklist(claim, language=language)
        labels = {i.code: i.label for i in checklist.items}
        received, refused = [], []
        for r in results:
            if r.outcome == "refused":
                refused.append({"filename": r.filename, "reason_code": r.reason_code,
                                "reason": r.message_en if language == "en" else r.message})
            else:
                received.append({"filename": r.filename, "outcome": r.outcome,
                                 "requirement": labels.get(r.requirement_code or "", ""),
                                 "requirement_code": r.requirement_code or ""})
        missing = [{"code": i.code, "label": i.label} for i in checklist.missing]
        outcome = policy.ack_outcome(received=len(received), refused=len(refused))
        outcome_label = str(ACK_OUTCOME_LABELS[outcome])
    due = claim.documents_due_at
    due_local = ""
    if due is not None:
        local = timezone.localtime(due, ZoneInfo(getattr(claim.branch, "time_zone", "") or "Asia/Jakarta"))
        due_local = long_moment(local, getattr(claim.branch, "tz_abbreviation", ""), language)  # the one format
    return {"received": received, "refused": refused, "missing": missing, "complete": checklist.complete,
            "outcome": outcome, "outcome_label": outcome_label,
            "documents_due_at": due.isoformat() if due else "", "documents_due_local": due_local,
            "claim_code": claim.code}


def dropbox_branches(claim: Claim) -> list[Any]:
    """The branches whose dropbox this participant may use (``policy.usable_dropbox_branches``): the claim's
    own branch when its effective channel policy allows a dropbox, else the nearest branches of the same
    region that allow one — never a branch in another region. Empty: online alternatives only."""
    home = claim.branch
    branches = list(branch_list(region=home.region.code))
    if home.pk not in {b.pk for b in branches}:
        branches.append(home)
    policies = effective_policies(branches)

    def distance(b: Any) -> float:
        if home.latitude is None or b.latitude is None or home.longitude is None or b.longitude is None:
            return 0.0
        return float((home.latitude - b.latitude) ** 2 + (home.longitude - b.longitude) ** 2)

    return policy.usable_dropbox_branches(
        home_region=home.region_id, home_branch=home,
        candidates=[(b, b.region_id, policies[b.id].dropbox_allowed, distance(b)) for b in branches
                    if b.id in policies])


def upload_failed_context(claim: Claim) -> dict[str, Any]:
    """What the ``upload_failed`` message and the help page need: the dropbox the participant may use (their
    own branch's, or the nearest one in their own region) or, when their region serves online only, the
    online alternatives — the personal upload link and e-mail address, the help page, the contact centre."""
    usable = dropbox_branches(claim)
    own = bool(usable) and usable[0] == claim.branch
    service = getattr(settings, "LAPAKASIK", {})
    context: dict[str, Any] = {
        "dropbox_allowed": own, "branch": claim.branch.name,
        "branch_address": claim.branch.address, "contact_centre": service.get("CONTACT_CENTRE", "175"),
    }
    links = intake_links_get(claim)
    if links:
        context["upload_url"] = links.upload_url
        context["email_address"] = links.email_address
        context["help_url"] = links.upload_url.rstrip("/") + "/bantuan/"
        if usable:  # the printable cover sheet lives under the personal upload link
            context["cover_sheet_url"] = links.upload_url.rstrip("/") + "/lembar-sampul.pdf"
    if usable and not own:
        context["nearest_dropbox_branch"] = usable[0].name
        context["nearest_dropbox_address"] = usable[0].address
        context["dropbox_branches"] = [{"name": b.name, "address": b.address} for b in usable]
    return context


# --- the dropbox plan and its cover sheets ------------------------------------------------------------


def branch_today(branch: Any) -> Any:
    """Today's date in the branch's own zone."""
    return timezone.localtime(clock.now(), ZoneInfo(getattr(branch, "time_zone", "") or "Asia/Jakarta")).date()


def dropbox_plan_max_days() -> int:
    """How far ahead a participant may plan to bring the envelope (``INTAKE_DROPBOX_PLAN_MAX_DAYS``, 14)."""
    return int(getattr(settings, "INTAKE_DROPBOX_PLAN_MAX_DAYS", 14))


def dropbox_grace_days() -> int:
    """Days after the planned date before a claim whose envelope never came expires
    (``INTAKE_DROPBOX_GRACE_DAYS``, 7)."""
    return int(getattr(settings, "INTAKE_DROPBOX_GRACE_DAYS", 7))


def cover_sheet_latest(claim: Claim) -> CoverSheet | None:
    """The claim's last printed cover sheet (its plan), or None."""
    return CoverSheet.objects.select_related("branch").filter(claim=claim).order_by("-printed_at", "-id").first()


def cover_sheet_by_serial(serial: str) -> CoverSheet | None:
    """The cover sheet with this serial (normalised by ``policy.serial_from_scan``), with its claim."""
    if not serial:
        return None
    return (CoverSheet.objects.select_related("claim", "claim__branch", "claim__branch__region", "branch")
            .filter(serial=serial).first())


def dropbox_expected_context(claim: Claim, sheet: CoverSheet) -> dict[str, Any]:
    """The ``dropbox_expected`` message's variables: the dropbox the participant chose (as
    ``nearest_dropbox_branch``, which the text names) and the link of the cover sheet."""
    context = upload_failed_context(claim)
    context["nearest_dropbox_branch"] = sheet.branch.name
    context["nearest_dropbox_address"] = sheet.branch.address
    context["dropbox_allowed"] = sheet.branch_id == claim.branch_id
    context.pop("dropbox_branches", None)
    return context
