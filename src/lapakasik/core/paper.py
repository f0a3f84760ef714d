"""Printed paper (ticket, dropbox cover sheet): a standard QR code and a text flow that never runs
into it.

- ``qr_png``: a **standard** QR code (``segno.make_qr``; ``segno.make`` picks Micro QR for short data,
  which common phone scanners and zbar do not read) with the 4-module quiet zone the standard asks for.
- ``PageFlow``: writes lines top-down on a reportlab canvas, wraps each line to the width left free
  at its height by the reserved boxes (the QR code), breaks long words (addresses, links) and starts a
  new page at the bottom margin. Every text box it draws is kept in ``boxes`` (page, x0, y0, x1, y1 in
  points, origin bottom-left), so the builders can be checked against their own layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

QR_BORDER = 4  # modules of quiet zone (ISO/IEC 18004)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (points, bottom-left origin)


def qr_code(data: str) -> Any:
    import segno  # paper libraries load when a page is drawn, not on import (reportlab below too)

    return segno.make_qr(data, error="m")


def qr_png(data: str, *, scale: int = 8) -> io.BytesIO:
    png = io.BytesIO()
    qr_code(data).save(png, kind="png", scale=scale, border=QR_BORDER)
    png.seek(0)
    return png


def split_line(text: str, font: str, size: float, width: float) -> tuple[str, str]:
    """The longest head of ``text`` that fits ``width`` points, and the rest. Words are kept whole; a
    word longer than the width (an e-mail address, a link) is broken between characters instead of
    running off the page or under the QR code."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = text.strip()
    if stringWidth(text, font, size) <= width:
        return text, ""
    words = text.split(" ")
    head = ""
    for i, word in enumerate(words):
        candidate = f"{head} {word}" if head else word
        if stringWidth(candidate, font, size) > width:
            if head:
                return head, " ".join(words[i:])
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            return word[:cut], " ".join([word[cut:], *words[i + 1:]])
        head = candidate
    return head, ""


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    rest = text
    while True:
        head, rest = split_line(rest, font, size, width)
        lines.append(head)
        if not rest:
            return lines


@dataclass
class PageFlow:
    pdf: Any  # reportlab canvas
    left: float
    right: float
    top: float
    bottom: float
    gutter: float = 12.0  # points kept free between text and a reserved box
    y: float = 0.0
    page: int = 1
    reserved: list[tuple[int, Box]] = field(default_factory=list)
    boxes: list[tuple[int, Box]] = field(default_factory=list)
    floor: float = 0.0  # the lowest point of the last line drawn (a taller line below moves down)

    def __post_init__(self) -> None:
        self.y = self.top
        self.floor = self.top + 1000

    def reserve(self, box: Box) -> None:
        """Keep ``box`` (on the current page) free of text: lines beside it are wrapped short of it."""
        self.reserved.append((self.page, box))

    def right_edge(self, y0: float, y1: float) -> float:
        edge = self.right
        for page, (bx0, by0, _bx1, by1) in self.reserved:
            if page == self.page and y0 < by1 + self.gutter / 2 and y1 > by0 - self.gutter / 2:
                edge = min(edge, bx0 - self.gutter)
        return edge

    def new_page(self) -> None:
        self.pdf.showPage()
        self.page += 1
        self.y = self.top
        self.floor = self.top + 1000

    def space(self, points: float) -> None:
        self.y -= points

    def _extent(self, size: float) -> tuple[float, float]:
        """The vertical extent of a line whose baseline is at ``self.y`` (descenders to cap height)."""
        return self.y - 0.25 * size, self.y + 0.95 * size

    def line(self, text: str, *, font: str = "Helvetica", size: float = 10.5, leading: float | None = None,
             indent: float = 0.0, right_text: str = "", box: bool = False) -> None:
        """Write ``text`` (wrapped) from the current position; ``right_text`` is set flush right on the
        first line; ``box`` draws a tick box before the first line (checklists)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        leading = leading or size * 1.35
        first = True
        pending = [text]
        while pending:
            self.y = min(self.y, self.floor - 0.95 * size - 1.5)  # a big line never reaches into the one above
            if self.y - 0.25 * size < self.bottom:
                self.new_page()
            y0, y1 = self._extent(size)
            edge = self.right_edge(y0, y1)
            right_width = stringWidth(right_text, font, size) + 8 if (first and right_text) else 0.0
            width = edge - self.left - indent - right_width
            head, rest = split_line(pending.pop(0), font, size, width)
            self.pdf.setFont(font, size)
            x = self.left + indent
            self.pdf.drawString(x, self.y, head)
            if head:
                self.boxes.append((self.page, (x, y0, x + stringWidth(head, font, size), y1)))
            if first and right_text:
                self.pdf.drawRightString(edge, self.y, right_text)
                self.boxes.append((self.page, (edge - stringWidth(right_text, font, size), y0, edge, y1)))
            if first and box:
                side = size * 0.95
                self.pdf.rect(self.left, self.y - 0.15 * size, side, side)
            self.floor = y0
            first = False
            if rest:
                pending.insert(0, rest)
            self.y -= leading
