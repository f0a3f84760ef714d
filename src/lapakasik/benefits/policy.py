"""Benefit rules, pure (no database): the gross amount from the registry balance, the final tax under
PP 68/2009 on a lump-sum old-age benefit, the net amount, and when an approval needs a second signature.

Tax: 0 % on the first ``threshold`` rupiah of the gross (Rp 50,000,000), ``rate`` (5 %) on the part above,
and a rate 20 % higher (6 %) when the recipient has no NPWP. Rates are in basis points (500 = 5 %), amounts in
whole rupiah; the tax is rounded down to the whole rupiah (never more than the law's figure), so the net is
``gross - tax`` exactly. The rates and the threshold come from a ``TaxRule`` row chosen by its valid-from
date: the caller passes the rule's numbers in, this module never reads them itself."""

from __future__ import annotations

from dataclasses import dataclass

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class TaxTable:
    """The numbers of one tax rule: ``threshold`` (taxed at 0 %), ``rate_bp`` above it with an NPWP,
    ``no_npwp_rate_bp`` above it without."""

    threshold: int
    rate_bp: int
    no_npwp_rate_bp: int

    def __post_init__(self) -> None:
        if self.threshold < 0 or not 0 <= self.rate_bp <= BASIS_POINTS or not 0 <= self.no_npwp_rate_bp <= BASIS_POINTS:
            raise ValueError(f"a tax table needs a threshold >= 0 and rates within 0..10000 bp: {self}")


#: PP 68/2009, the defaults of the first ``TaxRule`` row.
PP_68_2009 = TaxTable(threshold=50_000_000, rate_bp=500, no_npwp_rate_bp=600)


@dataclass(frozen=True)
class Benefit:
    """The amounts of one decision and how they were reached."""

    gross: int
    threshold: int
    taxable: int  # the part of the gross above the threshold
    rate_bp: int  # the rate applied to ``taxable``
    has_npwp: bool
    tax: int
    net: int

    @property
    def rate_percent(self) -> str:
        """"5", "6", "2.5": the rate as the participant reads it."""
        whole, part = divmod(self.rate_bp, 100)
        return f"{whole}" if not part else f"{whole}.{part:02d}".rstrip("0")


def gross_amount(balance: int, percent: int | None = None) -> int:
    """The gross benefit: the whole JHT balance, or ``percent`` of it for a partial withdrawal (rounded
    down to the whole rupiah)."""
    if balance < 0:
        raise ValueError("a balance is never negative")
    if percent is None:
        return balance
    if not 0 < percent <= 100:
        raise ValueError("a share is 1..100 per cent")
    return balance * percent // 100


def benefit(gross: int, *, has_npwp: bool, table: TaxTable) -> Benefit:
    """Tax and net of ``gross`` under ``table`` (final tax: nothing else is deducted)."""
    if gross < 0:
        raise ValueError("a gross amount is never negative")
    rate = table.rate_bp if has_npwp else table.no_npwp_rate_bp
    taxable = max(0, gross - table.threshold)
    tax = taxable * rate // BASIS_POINTS
    return Benefit(gross=gross, threshold=table.threshold, taxable=taxable, rate_bp=rate, has_npwp=has_npwp,
                   tax=tax, net=gross - tax)


def needs_second_approval(net: int, above: int) -> bool:
    """Four-eyes: an approval whose net is above ``above`` waits for a second, different approver."""
    return net > above


def rupiah(amount: int, language: str = "id") -> str:
    """"75.000.000" (Indonesian) or "75,000,000" (English): the figure after "Rp"."""
    text = f"{amount:,}"
    return text.replace(",", ".") if language != "en" else text

