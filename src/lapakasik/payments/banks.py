"""The Indonesian banks a benefit can be paid to: the bank's clearing code (sandi bank, Bank Indonesia),
its name, and the lengths its account numbers have. Pure data; ``account_problem`` says what is wrong
with an account number for a bank, in words the participant can act on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    lengths: tuple[int, ...]

    @property
    def lengths_text(self) -> str:
        return " / ".join(str(n) for n in self.lengths)


BANKS: tuple[Bank, ...] = (
    Bank("002", "Bank Rakyat Indonesia (BRI)", (15,)),
    Bank("008", "Bank Mandiri", (13,)),
    Bank("009", "Bank Negara Indonesia (BNI)", (10,)),
    Bank("011", "Bank Danamon", (10,)),
    Bank("013", "Bank Permata", (10,)),
    Bank("014", "Bank Central Asia (BCA)", (10,)),
    Bank("016", "Maybank Indonesia", (10,)),
    Bank("019", "Bank Panin", (10,)),
    Bank("022", "Bank CIMB Niaga", (13, 14)),
    Bank("028", "Bank OCBC NISP", (12,)),
    Bank("110", "Bank BJB", (13,)),
    Bank("111", "Bank DKI", (10,)),
    Bank("200", "Bank Tabungan Negara (BTN)", (16,)),
    Bank("213", "Bank BTPN", (11, 12)),
    Bank("426", "Bank Mega", (15,)),
    Bank("451", "Bank Syariah Indonesia (BSI)", (10,)),
)

BY_CODE: dict[str, Bank] = {b.code: b for b in BANKS}
CHOICES: list[tuple[str, str]] = [(b.code, f"{b.code} — {b.name}") for b in BANKS]


def bank_get(code: str) -> Bank | None:
    return BY_CODE.get(str(code or "").strip())


def account_problem(bank_code: str, account_number: str) -> str | None:
    """None when ``account_number`` can be an account of the bank; else the reason, in the active language.
    Only digits, and one of the bank's lengths (spaces and dashes the participant typed are not allowed
    here: ``normalise_account`` strips them first)."""
    bank = bank_get(bank_code)
    if bank is None:
        return _("Bank tidak dikenal. Pilih bank dari daftar.")
    if not account_number:
        return _("Nomor rekening wajib diisi.")
    if not account_number.isascii() or not account_number.isdigit():
        return _("Nomor rekening hanya berisi angka.")
    if len(account_number) not in bank.lengths:
        return _("Nomor rekening %(bank)s terdiri dari %(n)s angka; yang diisi %(got)s angka.") % {
            "bank": bank.name, "n": bank.lengths_text, "got": len(account_number)}
    return None


def normalise_account(value: str) -> str:
    """What the participant typed, without the spaces, dots and dashes people write account numbers with."""
    return "".join(ch for ch in str(value or "") if ch not in " .-\u00a0\t")
