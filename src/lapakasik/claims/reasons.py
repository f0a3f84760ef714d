"""Claim reasons per programme (codes shared by booking, intake's requirement catalogue and forms)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS: dict[str, dict[str, object]] = {
    "JHT": {
        "RESIGNED": _("Mengundurkan diri"),
        "PHK": _("Pemutusan hubungan kerja (PHK)"),
        "AGE_56": _("Mencapai usia 56 tahun"),
        "DISABILITY": _("Cacat total tetap"),
        "LEAVING_INDONESIA": _("Meninggalkan Indonesia untuk selamanya"),
        "DEATH": _("Meninggal dunia (diajukan ahli waris)"),
        "PARTIAL_10": _("Klaim sebagian 10% (persiapan pensiun)"),
        "PARTIAL_30": _("Klaim sebagian 30% (perumahan)"),
    },
    "JKK": {"ACCIDENT": _("Kecelakaan kerja"), "OCCUPATIONAL_DISEASE": _("Penyakit akibat kerja")},
    "JKM": {"DEATH": _("Meninggal dunia")},
    "JP": {
        "OLD_AGE": _("Pensiun hari tua"),
        "DISABILITY": _("Cacat total tetap"),
        "DEATH": _("Meninggal dunia (janda/duda/anak)"),
    },
}


#: The reasons a claim is made for an insured worker who died: the applicant is an heir, who books with their
#: own NIK and the deceased worker's NIK and KPJ (JKM, the JP survivor's pension, JHT after a death).
HEIR_REASONS = frozenset({"DEATH"})


def claimed_by_heir(claim_type: str, reason: str) -> bool:
    """Whether this claim type and reason is one an heir makes for a deceased worker."""
    return reason in HEIR_REASONS and is_valid_reason(claim_type, reason)


def is_valid_reason(claim_type: str, reason: str) -> bool:
    return reason in REASONS.get(claim_type, {})


def reason_label(claim_type: str, reason: str) -> str:
    return str(REASONS.get(claim_type, {}).get(reason, reason))
