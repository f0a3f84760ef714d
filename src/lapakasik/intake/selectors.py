"""Reads of the intake app shared by pages, API, the mail gateway and reports."""

from __future__ import annotations

from django.conf import settings

from lapakasik.claims.models import Claim

from .models import Document, DocumentStatus, IntakeAccess


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
    token = _local_token(local_part_or_address)
    if token is None:
        return None
    access = (IntakeAccess.objects.select_related("claim", "claim__branch")
              .filter(kind=IntakeAccess.Kind.EMAIL, token=token, revoked_at__isnull=True).first())
    return access.claim if access else None


def intake_upload_resolve(token: str) -> Claim | None:
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    access = (IntakeAccess.objects.select_related("claim", "claim__branch")
              .filter(kind=IntakeAccess.Kind.UPLOAD, token=token, revoked_at__isnull=True).first())
    return access.claim if access else None


def intake_links_get(claim: Claim):  # type: ignore[no-untyped-def]
    from .services import IntakeLinks, upload_url

    live = {a.kind: a for a in IntakeAccess.objects.filter(claim=claim, revoked_at__isnull=True)}
    email, upload = live.get(IntakeAccess.Kind.EMAIL), live.get(IntakeAccess.Kind.UPLOAD)
    if email is None or upload is None:
        return None
    return IntakeLinks(email_address=f"{email.token}@{settings.INTAKE_DOMAIN}", upload_url=upload_url(upload.token))


def document_list(claim: Claim) -> list[Document]:
    return list(Document.objects.filter(claim=claim).select_related("requirement").order_by("created_at", "id"))


def stored_documents(claim: Claim):  # type: ignore[no-untyped-def]
    return Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)
