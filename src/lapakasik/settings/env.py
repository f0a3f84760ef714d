"""Small helpers to read typed environment variables, and the data directory."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def development_base_url(host: str, port: int | str) -> str:
    """The address links point to in development: the one the web server listens on. A wildcard
    listen address (0.0.0.0, ::) is not an address a browser can open, so links use 127.0.0.1."""
    host = (host or "127.0.0.1").strip()
    if host in {"0.0.0.0", "::", "[::]", ""}:  # noqa: S104 - a listen address, not a bind
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _default_data_dir() -> str:
    # The test settings (lapakasik.settings.test) get a throw-away directory per process.
    if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith("settings.test"):
        return tempfile.mkdtemp(prefix="lapakasik-test-")
    return "data"


DATA_DIR = Path(env_str("LAPAKASIK_DATA_DIR", "") or _default_data_dir()).resolve()


def ensure_data_dir() -> Path:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return DATA_DIR


def secret_key(*, production: bool = False) -> tuple[str, bool]:
    """``(key, from_environment)``. ``SECRET_KEY`` from the environment; outside production a key is
    generated once and kept in the data dir. In production nothing is generated or written: a throw-away
    key lets ``check --deploy`` run and report the missing variable, and every start refuses
    (``lapakasik.E001``)."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env, True
    if production:
        return secrets.token_urlsafe(50), False
    path = ensure_data_dir() / "secret_key"
    if path.exists():
        return path.read_text().strip(), False
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key, False
