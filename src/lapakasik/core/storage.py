"""Housekeeping shared by the apps that keep files in Django storage (intake documents, raw inbound
mail): find files no row points to — left by a crash between storing a file and committing its row —
and delete them once they are older than a grace period."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any


def walk_folders(store: Any, top: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) for ``top`` and every folder below it; a missing folder yields nothing."""
    try:
        dirs, files = store.listdir(top)
    except (FileNotFoundError, OSError):
        return
    if files:
        yield top, list(files)
    for d in dirs:
        yield from walk_folders(store, f"{top}/{d}")


def unreferenced_files_delete(*, store: Any, tops: Iterable[str], referenced: Callable[[list[str]], set[str]],
                              cutoff: datetime) -> int:
    """Delete the files under ``tops`` that ``referenced(paths)`` (one query per folder) does not
    return and that were last modified before ``cutoff`` (files whose age the storage cannot tell are
    deleted). Returns how many were removed."""
    removed = 0
    for top in tops:
        for folder, names in walk_folders(store, top):
            paths = [f"{folder}/{n}" for n in names]
            known = referenced(paths)
            for name in paths:
                if name in known:
                    continue
                try:
                    modified = store.get_modified_time(name)
                except (NotImplementedError, OSError):
                    modified = None
                if modified is not None and modified > cutoff:
                    continue
                store.delete(name)
                removed += 1
    return removed
