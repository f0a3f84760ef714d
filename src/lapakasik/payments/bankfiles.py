"""The files exchanged with the bank (pure, no database).

The batch file we send (CSV, UTF-8, comma-separated, RFC 4180 quoting)::

    H,<batch reference>,<branch code>,<business date YYYY-MM-DD>,<count>,<control total>
    D,<instruction reference>,<bank code>,<account number>,<holder name>,<amount>,<claim code>
    ...
    T,<count>,<control total>

The result file the bank returns, one line per instruction of the batch::

    H,<batch reference>,<count>,<control total>
    D,<instruction reference>,OK,<amount>,<value date YYYY-MM-DD>
    D,<instruction reference>,FAIL,<amount>,,<bank's reason code>,<bank's reason text>
    T,<count>,<total of the lines>

``result_parse`` checks the file's own shape (and nothing about the database): every problem is
reported with its line number, and a file with any problem is refused whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

MAX_RESULT_BYTES = 8 * 1024 * 1024  # 10,000 lines are about 600 kB
OK, FAIL = "OK", "FAIL"


@dataclass(frozen=True)
class Line:
    reference: str
    bank_code: str
    account_number: str
    holder_name: str
    amount: int
    claim_code: str


def _safe(text: str) -> str:
    """No cell may start like a spreadsheet formula (a name never does; this is the backstop)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def batch_csv(*, reference: str, branch_code: str, business_date: date, lines: Iterable[Line]) -> tuple[str, int, int]:
    """The batch file: (text, count, control total). The header and trailer repeat count and total."""
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    count = total = 0
    for line in lines:
        writer.writerow(["D", line.reference, line.bank_code, line.account_number, _safe(line.holder_name),
                         line.amount, line.claim_code])
        count += 1
        total += line.amount
    out = io.StringIO()
    head = csv.writer(out, lineterminator="\r\n")
    head.writerow(["H", reference, branch_code, business_date.isoformat(), count, total])
    out.write(body.getvalue())
    head.writerow(["T", count, total])
    return out.getvalue(), count, total


@dataclass(frozen=True)
class ResultLine:
    line_no: int
    reference: str
    ok: bool
    amount: int
    value_date: date | None
    failure_code: str = ""
    failure_reason: str = ""


@dataclass
class ResultFile:
    batch_reference: str = ""
    count: int = 0
    total: int = 0
    lines: list[ResultLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def result_parse(content: bytes) -> ResultFile:
    """Read the bank's result file. ``errors`` lists every problem of its shape (line numbers from 1)."""
    result = ResultFile()
    if len(content) > MAX_RESULT_BYTES:
        result.errors.append(_("Berkas terlalu besar."))
        return result
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(_("Berkas bukan teks UTF-8."))
        return result
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in row)]
    if not rows or rows[0][1][0] != "H" or len(rows[0][1]) != 4:
        result.errors.append(_("Baris 1: baris kepala (H,referensi batch,jumlah baris,total) tidak ada."))
        return result
    if len(rows) < 2 or rows[-1][1][0] != "T" or len(rows[-1][1]) != 3:
        result.errors.append(_("Baris penutup (T,jumlah baris,total) tidak ada."))
        return result
    head, tail = rows[0][1], rows[-1][1]
    result.batch_reference = head[1].strip()
    count, total = _int(head[2]), _int(head[3])
    t_count, t_total = _int(tail[1]), _int(tail[2])
    if count is None or total is None or t_count is None or t_total is None:
        result.errors.append(_("Jumlah baris dan total di baris kepala dan penutup harus angka."))
        return result
    result.count, result.total = count, total
    seen: dict[str, int] = {}
    for n, row in rows[1:-1]:
        problem = _result_line(n, row, result, seen)
        if problem:
            result.errors.append(problem)
    lines_total = sum(line.amount for line in result.lines)
    if not result.errors:
        if (count, total) != (t_count, t_total):
            result.errors.append(_("Baris kepala (%(c1)s baris, Rp %(t1)s) dan penutup (%(c2)s baris, Rp %(t2)s) "
                                   "tidak sama.") % {"c1": count, "t1": total, "c2": t_count, "t2": t_total})
        elif len(result.lines) != count or lines_total != total:
            result.errors.append(_("Total tidak cocok: berkas menyebut %(c1)s baris, Rp %(t1)s; isinya %(c2)s baris, "
                                   "Rp %(t2)s.") % {"c1": count, "t1": total, "c2": len(result.lines), "t2": lines_total})
    return result


def _result_line(n: int, row: list[str], result: ResultFile, seen: dict[str, int]) -> str | None:
    if row[0] != "D" or len(row) not in (5, 7):
        return _("Baris %(n)s: bukan baris rincian (D,referensi,OK/FAIL,jumlah,tanggal[,kode,alasan]).") % {"n": n}
    reference, status, amount = row[1].strip(), row[2].strip().upper(), _int(row[3])
    if reference in seen:
        return _("Baris %(n)s: instruksi %(ref)s sudah ada di baris %(m)s (baris ganda).") % {
            "n": n, "ref": reference[:24], "m": seen[reference]}
    seen[reference] = n
    if amount is None or amount <= 0:
        return _("Baris %(n)s: jumlah harus rupiah bulat lebih dari nol.") % {"n": n}
    if status == OK:
        value_date = _date(row[4])
        if value_date is None:
            return _("Baris %(n)s: tanggal bayar harus berformat TTTT-BB-HH.") % {"n": n}
        result.lines.append(ResultLine(n, reference, True, amount, value_date))
        return None
    if status == FAIL:
        code = row[5].strip() if len(row) == 7 else ""
        reason = row[6].strip() if len(row) == 7 else ""
        if not reason:
            return _("Baris %(n)s: instruksi yang gagal harus menyebut alasan bank.") % {"n": n}
        result.lines.append(ResultLine(n, reference, False, amount, None, code[:16], reason[:200]))
        return None
    return _("Baris %(n)s: status harus OK atau FAIL.") % {"n": n}


def result_csv(*, batch_reference: str, lines: Iterable[tuple[str, bool, int, date | None, str, str]]) -> bytes:
    """A result file in the bank's format (for tests, the benchmark and the bank's test environment)."""
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    count = total = 0
    for reference, ok, amount, value_date, code, reason in lines:
        if ok:
            writer.writerow(["D", reference, OK, amount, value_date.isoformat() if value_date else ""])
        else:
            writer.writerow(["D", reference, FAIL, amount, "", code, reason])
        count += 1
        total += amount
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["H", batch_reference, count, total])
    out.write(body.getvalue())
    w.writerow(["T", count, total])
    return out.getvalue().encode()
