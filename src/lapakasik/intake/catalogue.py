"""The requirement catalogue: shipped defaults (from the domain brief, 2020 rules) and the live
checklist of a claim. The catalogue itself is data (``Requirement`` rows, editable in the admin);
``DEFAULTS`` only seeds it (migration 0002 and ``catalogue_seed``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lapakasik.claims.heirs import co_heirs
from lapakasik.claims.policy import ALL_HEIRS, JP_HEIRS, accident_report
from lapakasik.core import clock
from lapakasik.registry.adapters import AccidentKind, MemberRecord, Relation, registry_lookup

from . import pipeline, policy
from .models import Document, DocumentStatus, Requirement

# (code, reasons (empty = all), label_id, label_en, min_files, max_files, condition, keywords, extra)
_R = tuple[str, list[str], str, str, int, int, str, list[str]]

_JHT: list[_R] = [
    ("kartu_peserta", [], "Kartu peserta BPJAMSOSTEK (fisik atau cetak digital)",
     "BPJAMSOSTEK membership card (physical or digital printout)", 1, 2, "always", ["kartu", "kpj", "peserta"]),
    ("ktp", [], "e-KTP", "e-KTP (identity card)", 1, 2, "always", ["ktp", "e-ktp", "ektp", "identitas"]),
    ("kk", [], "Kartu Keluarga (KK)", "Family card (KK)", 1, 2, "always", ["kk", "kartu keluarga", "kartu_keluarga"]),
    ("buku_tabungan", [], "Halaman depan buku tabungan aktif atas nama peserta",
     "Bank book page of an active account in the participant's name", 1, 2, "always",
     ["buku tabungan", "tabungan", "rekening", "bank"]),
    ("foto", [], "Foto terbaru tampak depan", "Recent front-facing photo", 1, 1, "always", ["foto", "selfie", "pasfoto"]),
    ("formulir_5", [], "Formulir 5 (pengajuan klaim JHT) yang ditandatangani", "Signed JHT claim form (Formulir 5)",
     1, 4, "always", ["formulir 5", "formulir5", "form 5", "f5"]),
    ("paklaring", ["RESIGNED"], "Surat pengunduran diri / paklaring dari perusahaan",
     "Resignation or reference letter from the employer (paklaring)", 1, 3, "always",
     ["paklaring", "pengunduran", "resign", "surat keterangan kerja"]),
    ("bukti_phk", ["PHK"], "Perjanjian bersama PHK yang didaftarkan di PHI, atau putusan PHI",
     "Termination agreement registered at the industrial relations court, or its decision", 1, 6, "always",
     ["phk", "perjanjian bersama", "putusan", "phi"]),
    ("surat_pensiun", ["AGE_56"], "Surat keterangan pensiun dari perusahaan",
     "Retirement statement from the employer", 1, 3, "always", ["pensiun"]),
    ("surat_tidak_bekerja", ["LEAVING_INDONESIA"], "Surat pernyataan tidak bekerja lagi di Indonesia",
     "Statement of no longer working in Indonesia", 1, 2, "always", ["tidak bekerja", "pernyataan"]),
    ("paspor", ["LEAVING_INDONESIA"], "Paspor", "Passport", 1, 2, "always", ["paspor", "passport"]),
    ("visa", ["LEAVING_INDONESIA"], "Visa", "Visa", 1, 2, "always", ["visa"]),
    ("surat_dokter", ["DISABILITY"], "Surat keterangan dokter cacat total tetap",
     "Doctor's statement of total permanent disability", 1, 3, "always", ["dokter", "cacat", "medis"]),
    ("akta_kematian", ["DEATH"], "Akta / surat keterangan kematian", "Death certificate", 1, 2, "always",
     ["kematian", "akta kematian", "meninggal"]),
    ("surat_ahli_waris", ["DEATH"], "Surat keterangan ahli waris", "Heir statement", 1, 4, "always",
     ["ahli waris", "waris"]),
    ("ktp_ahli_waris", ["DEATH"], "e-KTP ahli waris", "Heir's e-KTP", 1, 2, "always", ["ktp ahli waris", "ktp waris"]),
    ("kk_ahli_waris", ["DEATH"], "KK ahli waris", "Heir's family card", 1, 2, "always", ["kk ahli waris", "kk waris"]),
    ("akta_nikah", ["DEATH"], "Buku nikah / akta perkawinan", "Marriage certificate", 1, 4, "always",
     ["nikah", "perkawinan", "akta nikah"]),
    ("surat_aktif_bekerja", ["PARTIAL_10", "PARTIAL_30"], "Surat keterangan masih aktif bekerja dari perusahaan",
     "Employer letter of active employment", 1, 2, "always", ["aktif bekerja", "keterangan kerja"]),
    ("perjanjian_kredit", ["PARTIAL_30"], "Perjanjian kredit rumah atau akta jual beli",
     "Housing loan agreement or purchase deed", 1, 8, "always", ["kredit", "kpr", "akta jual beli", "ajb"]),
    ("npwp", [], "NPWP (wajib bila saldo di atas Rp 50.000.000 atau klaim sebagian)",
     "Tax ID (NPWP; required when the balance exceeds Rp 50,000,000 or for a partial claim)", 1, 1,
     "npwp_threshold", ["npwp", "pajak"]),
]

_JKK: list[_R] = [
    ("kartu_peserta", [], "Kartu peserta BPJAMSOSTEK", "BPJAMSOSTEK membership card", 1, 2, "always", ["kartu", "kpj"]),
    ("ktp", [], "e-KTP", "e-KTP (identity card)", 1, 2, "always", ["ktp", "e-ktp", "ektp"]),
    ("formulir_3", [], "Formulir 3 (laporan kecelakaan tahap I) dari perusahaan",
     "Formulir 3 (accident report stage I) from the employer", 1, 4, "always", ["formulir 3", "form 3", "tahap i"]),
    ("formulir_3a", [], "Formulir 3a (laporan tahap II)", "Formulir 3a (report stage II)", 1, 4, "always",
     ["formulir 3a", "form 3a", "tahap ii"]),
    ("formulir_3b", [], "Formulir 3b (surat keterangan dokter)", "Formulir 3b (doctor's statement)", 1, 4, "always",
     ["formulir 3b", "form 3b", "dokter"]),
    ("daftar_hadir", [], "Daftar hadir (absensi) pada hari kejadian", "Attendance record for the day", 1, 3, "always",
     ["absen", "absensi", "daftar hadir"]),
    ("kuitansi", [], "Kuitansi biaya pengobatan dan pengangkutan", "Receipts (treatment, transport)", 1, 10,
     "always", ["kuitansi", "kwitansi", "nota", "biaya"]),
    ("kronologi", [], "Kronologi kejadian dengan 2 saksi", "Incident chronology signed by 2 witnesses", 1, 3,
     "always", ["kronologi", "saksi"]),
    ("laporan_polisi", [], "Laporan polisi atau Jasa Raharja (kecelakaan lalu lintas)",
     "Police or Jasa Raharja report (road accident)", 1, 3, "road_accident", ["polisi", "jasa raharja", "lalu lintas"]),
    ("buku_tabungan", [], "Buku tabungan", "Bank book", 1, 2, "always", ["buku tabungan", "tabungan", "rekening"]),
]

_JKM: list[_R] = [
    ("kartu_peserta", [], "Kartu peserta almarhum/almarhumah", "Deceased's membership card", 1, 2, "always",
     ["kartu", "kpj"]),
    ("ktp_almarhum", [], "e-KTP almarhum/almarhumah", "Deceased's e-KTP", 1, 2, "always", ["ktp almarhum", "ktp alm"]),
    ("ktp_ahli_waris", [], "e-KTP ahli waris", "Heir's e-KTP", 1, 2, "always", ["ktp ahli waris", "ktp waris", "ktp"]),
    ("kk", [], "Kartu Keluarga (KK)", "Family card (KK)", 1, 2, "always", ["kk", "kartu keluarga"]),
    ("akta_nikah", [], "Buku nikah / akta perkawinan", "Marriage book / certificate", 1, 4, "always",
     ["nikah", "perkawinan"]),
    ("akta_kematian", [], "Akta / surat keterangan kematian", "Death certificate", 1, 2, "always",
     ["kematian", "meninggal"]),
    ("surat_ahli_waris", [], "Surat keterangan ahli waris (ditandatangani semua ahli waris, 2 saksi, lurah, camat)",
     "Heir statement (signed by all heirs, 2 witnesses, village head, camat)", 1, 4, "always", ["ahli waris", "waris"]),
    ("surat_kuasa", [], "Surat kuasa ahli waris kepada wakilnya (ditandatangani ahli waris lainnya)",
     "Heirs' power of attorney to their representative (signed by the other heirs)", 1, 3, "co_heirs", ["kuasa"]),
    ("surat_wasiat", [], "Surat wasiat almarhum/almarhumah", "The deceased's will", 1, 4, "will_declared",
     ["wasiat"]),
    ("surat_perusahaan", [], "Surat keterangan dari perusahaan", "Employer letter", 1, 2, "always",
     ["perusahaan", "keterangan kerja"]),
    ("formulir_4", [], "Formulir 4 (pengajuan JKM)", "Formulir 4 (JKM claim form)", 1, 4, "always",
     ["formulir 4", "form 4", "f4"]),
    ("buku_tabungan", [], "Buku tabungan ahli waris", "Heir's bank book", 1, 2, "always",
     ["buku tabungan", "tabungan", "rekening"]),
    ("npwp", [], "NPWP (bila manfaat di atas Rp 50.000.000)", "Tax ID (NPWP; when over Rp 50,000,000)", 1, 1,
     "npwp_threshold", ["npwp", "pajak"]),
]

_JP: list[_R] = [
    ("formulir_7", [], "Formulir 7 (pengajuan Jaminan Pensiun)", "Formulir 7 (pension claim form)", 1, 4, "always",
     ["formulir 7", "form 7", "f7"]),
    ("kartu_peserta", [], "Kartu peserta BPJAMSOSTEK", "BPJAMSOSTEK membership card", 1, 2, "always", ["kartu", "kpj"]),
    ("ktp", [], "e-KTP", "e-KTP (identity card)", 1, 2, "always", ["ktp", "e-ktp", "ektp"]),
    ("kk", [], "Kartu Keluarga (KK)", "Family card (KK)", 1, 2, "always", ["kk", "kartu keluarga"]),
    ("buku_tabungan", [], "Buku tabungan", "Bank book", 1, 2, "always", ["buku tabungan", "tabungan", "rekening"]),
    ("akta_nikah", [], "Buku nikah / akta perkawinan (bila menikah)", "Marriage certificate (if married)", 1, 4,
     "married", ["nikah", "perkawinan"]),
    ("akta_lahir_anak", [], "Akta kelahiran anak (bila ada anak)", "Children's birth certificates (if any)", 1, 8,
     "has_children", ["akta lahir", "kelahiran", "akta anak"]),
    ("surat_perusahaan", [], "Surat keterangan dari perusahaan", "Employer statement", 1, 2, "always",
     ["perusahaan", "keterangan kerja"]),
    ("surat_dokter", ["DISABILITY"], "Surat keterangan dokter (cacat total tetap)",
     "Doctor's statement (total permanent disability)", 1, 3, "always", ["dokter", "cacat"]),
    ("akta_kematian", ["DEATH"], "Akta / surat keterangan kematian", "Death certificate", 1, 2, "always",
     ["kematian", "meninggal"]),
    ("surat_ahli_waris", ["DEATH"], "Surat keterangan ahli waris", "Heir statement", 1, 4, "always",
     ["ahli waris", "waris"]),
]

DEFAULTS: dict[str, list[_R]] = {"JHT": _JHT, "JKK": _JKK, "JKM": _JKM, "JP": _JP}
# Reasons for which a conditional requirement is always required (the condition does not apply).
UNCONDITIONAL_FOR: dict[tuple[str, str], list[str]] = {("JHT", "npwp"): ["PARTIAL_10", "PARTIAL_30"]}


#: Requirement codes that can also be met by filling the form online (the forms app, which sits above
#: intake, registers them in its ``AppConfig.ready``): the upload page then offers the form beside the
#: upload — an alternative to a signed scan, never an extra step.
_online_forms: set[str] = set()


def online_form_register(*codes: str) -> None:
    _online_forms.update(codes)


def online_form_codes() -> frozenset[str]:
    return frozenset(_online_forms)


def default_rows() -> list[dict[str, Any]]:
    rows = []
    for claim_type, items in DEFAULTS.items():
        for order, (code, reasons, label_id, label_en, mn, mx, cond, keywords) in enumerate(items, start=1):
            rows.append({
                "claim_type": claim_type, "code": code, "reasons": reasons, "label_id": label_id,
                "label_en": label_en, "min_files": mn, "max_files": mx, "condition": cond, "keywords": keywords,
                "order": order * 10, "unconditional_reasons": UNCONDITIONAL_FOR.get((claim_type, code), []),
            })
    return rows


def catalogue_seed(model: Any = Requirement) -> int:
    """Create the default requirements that are missing (existing rows, possibly edited by an admin,
    are left alone). Returns how many were created."""
    created = 0
    for row in default_rows():
        _, was_created = model.objects.get_or_create(claim_type=row["claim_type"], code=row["code"], defaults=row)
        created += int(was_created)
    return created


# --- facts and the live checklist ---------------------------------------------------------------


_MISSING = object()
logger = logging.getLogger(__name__)


#: What the claimant declared on a form (the forms app, above intake, registers it in its
#: ``AppConfig.ready``): ``(claim) -> bool | None``, whether the heir statement declares a will.
_will_declared: list[Callable[[Any], bool | None]] = []


def claim_declaration_register(will_declared: Callable[[Any], bool | None]) -> None:
    if will_declared not in _will_declared:
        _will_declared.append(will_declared)


def claim_will_declared(claim: Any) -> bool | None:
    """Whether the claimant declared a will naming a beneficiary (None: not answered, or no form)."""
    for ask in _will_declared:
        answer = ask(claim)
        if answer is not None:
            return answer
    return None


def claim_facts(claim: Any) -> policy.Facts:
    """What the conditions need to know about the claim, from the registry through its adapter
    (``registry.adapters.registry_lookup`` with the insured worker's NIK and KPJ) and from nowhere else:
    the JHT balance; ``married`` (a living spouse in the family data — for a deceased worker, the widow
    or widower); ``has_children`` (a living child); ``road_accident`` (the employer's report the JKK
    reason rests on is of a road accident). Unknown stays None — the registry does not know the worker,
    cannot be reached, or holds no such report — and the requirement is then shown as "bila berlaku"
    (optional, with its condition explained)."""
    record = claim_registry_record(claim)
    married = has_children = road_accident = several = None
    if record is not None:
        married = any(m.alive for m in record.relatives(Relation.SPOUSE))
        has_children = any(m.alive for m in record.relatives(Relation.CHILD))
        if claim.claim_reason == "DEATH":
            several = co_heirs(record, JP_HEIRS if claim.claim_type == "JP" else ALL_HEIRS)
        if claim.claim_type == "JKK":
            report = accident_report(record, claim.claim_reason, clock.now().date())
            road_accident = None if report is None else report.kind == AccidentKind.ROAD
    return policy.Facts(
        claim_type=claim.claim_type, reason=claim.claim_reason,
        balance=record.balance if record is not None else None,
        married=married, has_children=has_children, road_accident=road_accident, co_heirs=several,
        will_declared=claim_will_declared(claim) if claim.claim_reason == "DEATH" else None,
        npwp_threshold=int(getattr(settings, "LAPAKASIK", {}).get("NPWP_THRESHOLD_RUPIAH", 50_000_000)),
    )


def claim_registry_record(claim: Any) -> MemberRecord | None:
    """The insured worker's registry record, looked up once per claim object (a page that computes the
    checklist several times asks the adapter once). None when the registry does not know the NIK/KPJ
    pair, or cannot be reached (logged; the conditions then stay unknown rather than the page failing)."""
    cached = getattr(claim, "_intake_registry_record", _MISSING)
    if cached is not _MISSING:
        return cast("MemberRecord | None", cached)
    try:
        record = registry_lookup(nik=claim.insured_nik, kpj=claim.insured_kpj)
    except Exception:  # the registry is down: the checklist still shows, with "bila berlaku"
        logger.warning("registry lookup failed for claim %s", getattr(claim, "code", "?"), exc_info=True)
        return None  # not cached: the next computation asks again
    claim._intake_registry_record = record
    return record


@dataclass
class ChecklistItem:
    requirement: Requirement
    code: str
    label: str
    required: bool
    condition_note: str
    status: str  # missing | received | refused | accepted
    min_files: int
    max_files: int
    documents: list[Document] = field(default_factory=list)
    refusals: list[Document] = field(default_factory=list)
    held: list[Document] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(policy.STATUS_LABELS[self.status])

    @property
    def files(self) -> list[dict[str, Any]]:
        """Stored files and refusals, oldest first, ready for a page."""
        return [document_row(d) for d in sorted([*self.documents, *self.refusals, *self.held], key=lambda d: (d.created_at, d.pk))]

    @property
    def can_add(self) -> bool:
        return len(self.documents) < self.max_files


def document_reason(doc: Document) -> str:
    """Why a refused file was refused, in the active language ("" for a file that was not refused)."""
    if doc.status != DocumentStatus.REFUSED:
        return ""
    if doc.reason_code in pipeline.REASONS:
        return pipeline.reason_message(doc.reason_code)
    if doc.reviewed_at is not None:  # an officer's refusal: its reason came in the "Minta dokumen" message
        return str(_("Ditolak petugas; alasannya ada di pesan kami. Kirim ulang dokumen ini."))
    return pipeline.reason_message("type_not_allowed")  # a reason code this version no longer words


def is_unmatched(doc: Document) -> bool:
    """The participant's own stored file that no requirement is matched to yet ("dokumen apa ini?"):
    they can say which document it is themselves (``services.document_assign_participant``)."""
    return doc.requirement_id is None and doc.status == DocumentStatus.RECEIVED


def document_status_label(doc: Document) -> str:
    if is_unmatched(doc):
        return str(_("Diterima — dokumen apa ini?"))
    return str(doc.get_status_display())


def document_row(doc: Document) -> dict[str, Any]:
    return {"id": doc.pk, "name": doc.original_name, "status": doc.status, "status_label": document_status_label(doc),
            "refused": doc.status == DocumentStatus.REFUSED, "unmatched": is_unmatched(doc),
            "reason": document_reason(doc), "created_at": doc.created_at}


@dataclass
class Checklist:
    items: list[ChecklistItem]
    #: every file not matched to a requirement — stored, held and refused (with its reason), oldest first
    unassigned: list[Document]

    @property
    def unassigned_rows(self) -> list[dict[str, Any]]:
        return [document_row(d) for d in self.unassigned]

    @property
    def unmatched(self) -> list[Document]:
        """The participant's stored files that still wait to be told which document they are."""
        return [d for d in self.unassigned if is_unmatched(d)]

    @property
    def assignable(self) -> list[ChecklistItem]:
        """The requirements an unmatched file can still be assigned to (room left), missing ones first."""
        return sorted((i for i in self.items if i.can_add), key=lambda i: i.status != policy.MISSING)

    @property
    def complete(self) -> bool:
        return all(i.status in {policy.RECEIVED, policy.ACCEPTED} for i in self.items if i.required)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.required and i.status not in {policy.RECEIVED, policy.ACCEPTED}]

    def item(self, code: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.code == code), None)


def requirements_for(claim: Any) -> list[tuple[Requirement, bool]]:
    """The active requirements that apply to the claim, each with whether it is required (False =
    conditional and the condition is unknown)."""
    facts = claim_facts(claim)
    rows = Requirement.objects.filter(claim_type=claim.claim_type, is_active=True).order_by("order", "code")
    out = []
    for req in rows:
        applies = policy.requirement_applies(
            reasons=req.reasons, condition=req.condition, unconditional_reasons=req.unconditional_reasons,
            facts=facts)
        if applies is False:
            continue
        out.append((req, applies is True))
    return out


def claim_checklist(claim: Any, language: str | None = None) -> Checklist:
    """The claim's live checklist: every applicable requirement with its status."""
    lang = (language or get_language() or "id")[:2]
    docs = list(Document.objects.filter(claim=claim).order_by("created_at", "id"))
    items = []
    for req, required in requirements_for(claim):
        mine = [d for d in docs if d.requirement_id == req.id]
        # HELD files (mail from another sender) wait for an officer and do not count yet.
        stored = [d for d in mine if d.status in {DocumentStatus.RECEIVED, DocumentStatus.ACCEPTED}]
        refused = [d for d in mine if d.status == DocumentStatus.REFUSED]
        held = [d for d in mine if d.status == DocumentStatus.HELD]
        status = policy.requirement_status(
            stored_statuses=[d.status for d in stored], refused_count=len(refused), min_files=req.min_files)
        note = ""
        if not required:
            note = str(policy.CONDITION_NOTES.get(req.condition, ""))
        elif req.condition in policy.DECLARED_NOTES:  # required on the claimant's word: say so
            note = str(policy.DECLARED_NOTES[req.condition])
        items.append(ChecklistItem(
            requirement=req, code=req.code, label=req.label(lang), required=required, condition_note=note,
            status=status, min_files=req.min_files, max_files=req.max_files, documents=stored, refusals=refused,
            held=held))
    unassigned = [d for d in docs if d.requirement_id is None]
    return Checklist(items=items, unassigned=unassigned)


def requirement_classify(*, claim: Any, filename: str = "", text: str = "") -> str | None:
    """The requirement code a file most likely belongs to, from keywords in its name (and the e-mail
    subject/body passed as ``text``). None when nothing (or more than one equally) matches."""
    codes = [(req, required) for req, required in requirements_for(claim)]
    return policy.classify(
        filename=filename, text=text,
        candidates=[(req.code, list(req.keywords or [])) for req, _required in codes],
    )


def requirement_get(claim: Any, code: str) -> Requirement | None:
    return Requirement.objects.filter(Q(claim_type=claim.claim_type) & Q(code=code) & Q(is_active=True)).first()
