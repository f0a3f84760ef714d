"""Compile gettext catalogues with polib, so a fresh machine needs no GNU gettext. Indonesian is the
source language; each app keeps ``<app>/locale/en/LC_MESSAGES/django.po``; templates and core
strings live in ``lapakasik/locale``."""

from __future__ import annotations

from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def po_files() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/*.po"))


def compiled(po_path: Path) -> bytes:
    po = polib.pofile(str(po_path))
    tmp = po_path.with_suffix(".mo.tmp")
    po.save_as_mofile(str(tmp))
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def stale_catalogues() -> list[Path]:
    """.po files whose .mo is missing or does not match what the .po compiles to."""
    stale = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or (polib.mofile(str(mo_path)).translated_entries() != [] and (
            {e.msgid: e.msgstr for e in polib.mofile(str(mo_path))}
            != {e.msgid: e.msgstr for e in polib.pofile(str(po_path)).translated_entries()}
        )):
            stale.append(po_path)
    return stale


def compile_all() -> list[Path]:
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written
