"""Every write of the employer side (docs/employers.md), each in one transaction:

- ``invitation_send``: an HR address the registry lists for the company gets a single-use, expiring link;
- ``invitation_accept``: the invitee sets a name and password, and becomes an ``employer_officer`` of the
  company (the authenticator app is enrolled by the officer sign-in, ``accounts.views.signin_enrol``);
- ``stage1_report``: the accident report that opens the JKK claim (``claims.services.claim_open``, channel
  ``employer_report``, the worker as the applicant) and tells the worker how to complete their part;
- ``stage2_report``: the outcome (recovery, disability, death), only after stage I;
- ``reports_tick``: the periodic job — the branch told once of a late report, the company reminded once of
  a missing stage II.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.branches.models import Branch
from lapakasik.claims.models import Claim, ClaimEvent, ClaimParty
from lapakasik.claims.parties import Applicant, Insured, applicant_validate, full_name_clean
from lapakasik.claims.parties import Role as PartyRole
from lapakasik.claims.services import Actor, applicant_recipient, claim_event_record, claim_lock, claim_open
from lapakasik.claims.workflow import TERMINAL, State
from lapakasik.core import clock
from lapakasik.core.codes import new_token, token_digest
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.core.validators import normalize_email, parse_nik, validate_kpj
from lapakasik.intake.services import intake_open
from lapakasik.notifications.recipients import Recipient
from lapakasik.notifications.services import notification_enqueue
from lapakasik.registry.adapters import registry_employer, registry_lookup

from . import policy
from .models import AccidentKind, Invitation, JkkReport, Outcome


def employer_actor(user: Any) -> Actor:
    return Actor(kind=ClaimEvent.ActorKind.EMPLOYER, label=user.get_username(), user=user)


# --- invitations -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    link: str  # the single-use link, shown to nobody but the e-mail


def invitation_send(*, npp: str, email: str, invited_by: Any) -> SentInvitation:
    """Invite the HR address ``email`` of the company ``npp`` (the link's expiry in WIB: an invitation belongs
    to no branch): refused (nothing written) for an unknown NPP or
    an address the registry does not list for it. An earlier unused invitation to the same address stops
    working. The e-mail goes through the notification outbox (event ``employer_invitation``)."""
    npp = "".join(str(npp or "").split())
    try:
        address = normalize_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": exc.messages}) from None
    employer = registry_employer(npp=npp) if npp.isascii() and npp.isdigit() and len(npp) == 8 else None
    if employer is None:
        raise InvalidInput(code="unknown_employer", fields={"npp": [_("NPP tidak terdaftar.")]})
    if not policy.may_invite(address, employer.hr_emails):
        raise InvalidInput(code="email_not_listed", fields={"email": [
            _("Alamat ini tidak tercatat sebagai alamat HR perusahaan di data kepesertaan.")]})
    address = next(e for e in employer.hr_emails if policy.may_invite(e, [address]))  # as the registry writes it
    token = new_token()
    now = clock.now()
    expires = now + timedelta(hours=settings.EMPLOYER_INVITATION_HOURS)
    with transaction.atomic():
        Invitation.objects.filter(npp=npp, email=address, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now)
        invitation = Invitation.objects.create(npp=npp, email=address, token_digest=token_digest(token),
                                               invited_by=invited_by, created_at=now, expires_at=expires)
        link = f"{settings.PUBLIC_BASE_URL}/perusahaan/undangan/{token}/"
        notification_enqueue(event="employer_invitation", recipient=address, channels=["email"], language="id",
                             context={"employer_name": employer.name, "invite_url": link,
                                      "expires_local": long_moment(expires, "WIB", "id", time_zone="Asia/Jakarta")})
    return SentInvitation(invitation=invitation, link=link)


def invitation_accept(*, token: str, full_name: Any, password: Any, password_again: Any) -> Any:
    """The invitee becomes an ``employer_officer`` of the invitation's company: user name = the invited
    address. Refused (nothing written): an unknown, used or expired link (``NotFound``, the three not told
    apart), a weak or mismatched password, an address that already has an account (``Conflict``)."""
    digest = token_digest(str(token or ""))
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update()
                      .filter(token_digest=digest, used_at__isnull=True, expires_at__gt=clock.now()).first())
        if invitation is None:
            raise NotFound(_("Tautan undangan tidak berlaku: sudah dipakai, kedaluwarsa atau salah. Minta "
                             "undangan baru kepada kantor cabang."), code="invitation_invalid")
        fields: dict[str, list[Any]] = {}
        try:
            name = full_name_clean(full_name)
        except ValidationError as exc:
            fields["full_name"] = list(exc.messages)
            name = ""
        User = get_user_model()
        candidate = User(username=invitation.email, email=invitation.email, first_name=name[:150])
        if str(password or "") != str(password_again or ""):
            fields["password_again"] = [_("Kedua kata sandi tidak sama.")]
        else:
            try:
                validate_password(str(password or ""), user=candidate)
            except ValidationError as exc:
                fields["password"] = list(exc.messages)
        if fields:
            raise InvalidInput(fields=fields)
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise Conflict(_("Alamat ini sudah punya akun. Masuk dengan akun itu."), code="account_exists")
        candidate.set_password(str(password))
        candidate.save()
        OfficerProfile.objects.create(user=candidate, role=Role.EMPLOYER_OFFICER, npp=invitation.npp)
        invitation.used_at = clock.now()
        invitation.user = candidate
        invitation.save(update_fields=["used_at", "user"])
    return candidate


# --- JKK reports ------------------------------------------------------------------------------------------

def _local_moment(day: Any, at: Any, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def stage1_report(
    *, user: Any, npp: str, branch_code: Any, nik: Any, kpj: Any, occurred_on: Any, occurred_time: Any,
    kind: Any, place: Any, description: Any, worker_email: Any = "", worker_phone: Any = "",
    worker_language: Any = "id", officer_name: str = "", officer_email: str = "",
) -> JkkReport:
    """Stage I (Formulir 3): the claim is opened for the worker (applicant and insured), the company's officer
    is a party of it, the worker gets the upload link and address. All problems are reported together
    (``InvalidInput``); a worker the company did not employ on the day is refused; a second report while the
    worker's JKK claim is open is a ``Conflict``. Filed more than 2 × 24 h after the accident: accepted, and
    flagged late (the branch is told by ``reports_tick``)."""
    fields: dict[str, list[Any]] = {}
    branch = Branch.objects.filter(code=str(branch_code or "")).first()
    if branch is None:
        fields["branch"] = [_("Pilih kantor cabang yang melayani klaim.")]
    nik_value = kpj_value = ""
    try:
        nik_value = parse_nik(nik).nik
    except ValidationError as exc:
        fields["nik"] = list(exc.messages)
    try:
        kpj_value = str(validate_kpj(kpj))
    except ValidationError as exc:
        fields["kpj"] = list(exc.messages)
    if kind not in AccidentKind.values:
        fields["kind"] = [_("Pilih jenis kejadian.")]
    place_text = " ".join(str(place or "").split())
    if not place_text or len(place_text) > 200:
        fields["place"] = [_("Tulis tempat kejadian (paling banyak 200 huruf).")]
    text = str(description or "").strip()
    if len(text) < 10 or len(text) > 2000:
        fields["description"] = [_("Ceritakan kejadiannya (10–2000 huruf).")]
    now = clock.now()
    occurred_at = None
    if not isinstance(occurred_on, date) or not isinstance(occurred_time, time):
        fields["occurred_on"] = [_("Isi tanggal dan jam kejadian.")]
    elif branch is not None:
        occurred_at = _local_moment(occurred_on, occurred_time, branch.time_zone)
        if occurred_at > now:
            fields["occurred_on"] = [_("Waktu kejadian tidak boleh di masa depan.")]
            occurred_at = None
    worker: Applicant | None = None
    try:
        worker = applicant_validate(
            full_name="Pekerja", email=worker_email, phone=worker_phone, language=worker_language,
            channels=[c for c, v in (("email", worker_email), ("whatsapp", worker_phone)) if str(v or "").strip()]
            or ["email"], nik=nik_value or "", kpj=kpj_value or "", require=())
    except InvalidInput as exc:
        for key, messages in (exc.fields or {}).items():
            if key in ("email", "phone", "language", "channels"):
                fields.setdefault(f"worker_{key}", []).extend(messages)
    if fields:
        raise InvalidInput(fields=fields)
    assert branch is not None and occurred_at is not None and worker is not None  # checked above
    member = registry_lookup(nik=nik_value, kpj=kpj_value)
    day = occurred_at.date()
    if member is None or not policy.employed_on(member.employments, npp, day):
        # An unknown worker and another company's worker get the same answer.
        raise InvalidInput(code="not_employed", fields={"nik": [
            _("Menurut data kepesertaan, pekerja dengan NIK dan KPJ ini tidak bekerja di perusahaan Anda pada "
              "tanggal kejadian.")]})
    worker = Applicant(full_name=member.full_name, email=worker.email, phone=worker.phone,
                       language=worker.language, channels=worker.channels, nik=nik_value, kpj=kpj_value)
    company = Applicant(full_name=officer_name or user.get_username(), email=officer_email or user.email,
                        role=PartyRole.EMPLOYER_OFFICER, npp=npp, channels=("email",))
    due = policy.stage1_due(occurred_at)
    is_late = policy.late(now, due)
    reason = policy.REASON_OF_KIND[str(kind)]
    actor = employer_actor(user)
    if Claim.objects.filter(insured_nik=nik_value, claim_type="JKK").exclude(state__in=list(TERMINAL)).exists():
        raise Conflict(_("Pekerja ini sudah punya klaim JKK yang sedang berjalan."), code="duplicate_claim")
    try:
        with transaction.atomic():
            opened = claim_open(
                applicant=worker, claim_type="JKK", claim_reason=reason, branch=branch, channel="employer_report",
                actor=actor, insured=Insured(nik=nik_value, kpj=kpj_value), others=(company,),
                state=State.AWAITING_DOCUMENTS,
                first_event_data={"npp": npp, "stage": 1, "late": is_late, "kind": str(kind),
                                  "occurred_at": occurred_at.isoformat(), "due_at": due.isoformat()})
            report = JkkReport.objects.create(
                claim=opened.claim, npp=npp, worker_nik=nik_value, worker_kpj=kpj_value, occurred_at=occurred_at,
                kind=str(kind), place=place_text, description=text, stage1_at=now, stage1_due_at=due,
                stage1_late=is_late, stage1_by=user)
            links = intake_open(claim=opened.claim, new_claim=True)
            employer = registry_employer(npp=npp)
            notification_enqueue(
                claim=opened.claim, to=applicant_recipient(opened.claim), event="jkk_claim_started",
                context={"employer_name": employer.name if employer else npp, "upload_url": links.upload_url,
                         "intake_email": links.email_address,
                         "occurred_local": long_moment(occurred_at, branch.tz_abbreviation, worker.language,
                                                       time_zone=branch.time_zone)})
    except IntegrityError:  # the one-open-claim rule, met by a report filed at the same moment
        raise Conflict(_("Pekerja ini sudah punya klaim JKK yang sedang berjalan."), code="duplicate_claim") from None
    return report


def _stage2_figures(treatment_cost: Any, days_unable: Any, monthly_wage: Any) -> dict[str, list[Any]]:
    """The stage II figures (optional): whole numbers from 0 up to the policy's limits."""
    fields: dict[str, list[Any]] = {}
    for name, value, limit, why in (
            ("treatment_cost", treatment_cost, policy.MAX_TREATMENT_COST,
             _("Biaya pengobatan harus antara Rp 0 dan Rp 10.000.000.000.")),
            ("days_unable", days_unable, policy.MAX_DAYS_UNABLE, _("Hari tidak mampu bekerja harus antara 0 dan 3660.")),
            ("monthly_wage", monthly_wage, policy.MAX_MONTHLY_WAGE,
             _("Upah sebulan harus antara Rp 0 dan Rp 1.000.000.000."))):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit):
            fields[name] = [why]
    return fields


def stage2_report(*, user: Any, npp: str, code: str, outcome: Any, outcome_on: Any, description: Any,
                  treatment_cost: Any = None, days_unable: Any = None, monthly_wage: Any = None) -> JkkReport:
    """Stage II (Formulir 3a): recovery, disability or death, on a claim the company opened with stage I,
    with the figures the JKK benefit is computed from (optional: treatment costs, days unable to work, the
    monthly wage). Refused: no stage I (``NotFound``), another company's claim (``NotFound``), a second
    stage II (``Conflict``), an outcome before the accident or in the future, a figure below zero or beyond
    the policy's limits, more days unable to work than from the accident to the outcome. Filed more than
    2 × 24 h after the outcome's day began: accepted, flagged late."""
    fields: dict[str, list[Any]] = _stage2_figures(treatment_cost, days_unable, monthly_wage)
    if outcome not in Outcome.values:
        fields["outcome"] = [_("Pilih keadaan pekerja: sembuh, cacat atau meninggal dunia.")]
    text = str(description or "").strip()
    if len(text) > 2000:
        fields["description"] = [_("Keterangan paling banyak 2000 huruf.")]
    if not isinstance(outcome_on, date):
        fields["outcome_on"] = [_("Isi tanggal keterangan dokter.")]
    with transaction.atomic():
        report = (JkkReport.objects.select_for_update().select_related("claim", "claim__branch")
                  .filter(claim__code=code, npp=npp).first())
        if report is None:
            raise NotFound(code="not_found")
        if report.stage2_at is not None:
            raise Conflict(_("Laporan tahap II untuk klaim ini sudah dikirim."), code="already_reported")
        zone = ZoneInfo(report.claim.branch.time_zone)
        now = clock.now()
        if isinstance(outcome_on, date) and (outcome_on < report.occurred_at.astimezone(zone).date()
                                             or outcome_on > now.astimezone(zone).date()):
            fields["outcome_on"] = [_("Tanggal harus antara tanggal kejadian dan hari ini.")]
        if isinstance(outcome_on, date) and "days_unable" not in fields and isinstance(days_unable, int) and (
                days_unable > (outcome_on - report.occurred_at.astimezone(zone).date()).days + 1):
            fields["days_unable"] = [_("Hari tidak mampu bekerja lebih banyak dari hari sejak kejadian sampai "
                                       "keterangan dokter.")]
        if fields:
            raise InvalidInput(fields=fields)
        claim_lock(report.claim)
        due = policy.stage2_due(datetime.combine(outcome_on, time(0), tzinfo=zone))
        report.outcome, report.outcome_on, report.stage2_description = str(outcome), outcome_on, text
        report.stage2_at, report.stage2_due_at, report.stage2_by = now, due, user
        report.stage2_late = policy.late(now, due)
        report.treatment_cost, report.days_unable, report.monthly_wage = treatment_cost, days_unable, monthly_wage
        report.save(update_fields=["outcome", "outcome_on", "stage2_description", "stage2_at", "stage2_due_at",
                                   "stage2_by", "stage2_late", "treatment_cost", "days_unable", "monthly_wage"])
        claim_event_record(claim=report.claim, kind=ClaimEvent.Kind.EMPLOYER_REPORT_FILED, actor=employer_actor(user),
                           data={"stage": 2, "outcome": str(outcome), "outcome_on": outcome_on.isoformat(),
                                 "late": report.stage2_late, "npp": npp})
    return report


# --- the periodic job -----------------------------------------------------------------------------------

def _supervisors(branch: Any) -> list[Recipient]:
    return [Recipient(name=p.user.get_full_name() or p.user.get_username(), email=p.user.email, channels=("email",))
            for p in OfficerProfile.objects.select_related("user").filter(
                role=Role.SUPERVISOR, branch=branch, user__is_active=True).exclude(user__email="")]


def _employer_party(claim: Claim) -> ClaimParty | None:
    return ClaimParty.objects.filter(claim=claim, role=ClaimParty.Role.EMPLOYER_OFFICER).first()


def reports_tick(*, now: datetime | None = None) -> int:
    """Tell the branch once of each late report (a claim event on its history, an e-mail to its
    supervisors), and remind the company once of a stage II still missing ``EMPLOYER_STAGE2_REMIND_DAYS``
    after stage I. Returns the messages stored. Each report in its own transaction, its row locked."""
    now = now or clock.now()
    done = 0
    late1 = JkkReport.objects.filter(stage1_late=True, late_told_at__isnull=True).values_list("pk", flat=True)
    late2 = JkkReport.objects.filter(stage2_late=True, stage2_late_told_at__isnull=True).values_list("pk", flat=True)
    for pk, stage in [*((pk, 1) for pk in late1), *((pk, 2) for pk in late2)]:
        done += _flag_late(pk, stage, now)
    cutoff = now - timedelta(days=settings.EMPLOYER_STAGE2_REMIND_DAYS)
    pending = (JkkReport.objects.filter(stage2_at__isnull=True, stage2_reminded_at__isnull=True, stage1_at__lte=cutoff)
               .exclude(claim__state__in=list(TERMINAL)).values_list("pk", flat=True))
    for pk in pending:
        done += _remind(pk, now)
    return done


def _flag_late(pk: int, stage: int, now: datetime) -> int:
    told = "late_told_at" if stage == 1 else "stage2_late_told_at"
    with transaction.atomic():
        report = JkkReport.objects.select_for_update().select_related("claim", "claim__branch").get(pk=pk)
        if getattr(report, told) is not None:
            return 0
        setattr(report, told, now)
        report.save(update_fields=[told])
        claim = claim_lock(report.claim)
        claim_event_record(claim=claim, kind=ClaimEvent.Kind.EMPLOYER_REPORT_LATE, actor=Actor.system(),
                           data={"stage": stage, "npp": report.npp})
        sent = 0
        for recipient in _supervisors(claim.branch):
            sent += len(notification_enqueue(claim=claim, to=recipient, event="jkk_report_late",
                                             context={"stage": stage, "npp": report.npp}))
        return sent


def _remind(pk: int, now: datetime) -> int:
    with transaction.atomic():
        report = JkkReport.objects.select_for_update().select_related("claim").get(pk=pk)
        if report.stage2_reminded_at is not None or report.stage2_at is not None:
            return 0
        report.stage2_reminded_at = now
        report.save(update_fields=["stage2_reminded_at"])
        claim = claim_lock(report.claim)
        claim_event_record(claim=claim, kind=ClaimEvent.Kind.EMPLOYER_REMINDED, actor=Actor.system(),
                           data={"stage": 2, "npp": report.npp})
        party = _employer_party(claim)
        if party is None:
            return 0
        to = Recipient(name=party.full_name, email=party.email, phone=party.phone, language=party.language,
                       channels=tuple(party.channels or ("email",)))
        return len(notification_enqueue(claim=claim, to=to, event="jkk_stage2_reminder",
                                         context={"report_url": f"{settings.PUBLIC_BASE_URL}/perusahaan/klaim/"
                                                                f"{claim.code}/tahap-2/"}))
