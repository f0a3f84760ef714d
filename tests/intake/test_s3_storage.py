"""Documents on S3 (django-storages) against moto in server mode: a real S3 endpoint on 127.0.0.1.
Skipped when moto is not installed, except in CI (CI=true), where it is mandatory."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from lapakasik.claims.services import Actor
from lapakasik.intake.models import Document

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def _moto_server() -> str | None:
    exe = shutil.which("moto_server") or os.path.join(os.path.dirname(sys.executable), "moto_server")
    return exe if os.path.exists(exe) else None


@pytest.fixture
def s3(settings: Any) -> Iterator[Any]:
    exe = _moto_server()
    try:
        import boto3
        import storages  # noqa: F401
    except ImportError:
        exe = None
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("moto[server] and django-storages[s3] are required in CI (pip install -e '.[s3]')")
        pytest.skip("moto server not installed (pip install -e '.[s3]')")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                              region_name="us-east-1")
        client.create_bucket(Bucket="lapakasik-test")
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "lapakasik-test", "endpoint_url": endpoint, "access_key": "test",
                        "secret_key": "test", "region_name": "us-east-1", "default_acl": "private",
                        "querystring_auth": True, "file_overwrite": False},
        }}
        yield client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _keys(client: Any) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket="lapakasik-test").get("Contents", []))


def test_document_stored_on_s3_and_refusal_writes_nothing(s3: Any, claim: Any) -> None:
    from lapakasik.intake.files import storage
    from lapakasik.intake.receive import document_receive
    from lapakasik.intake.services import intake_orphans_clean

    bad = document_receive(claim=claim, fileobj=io.BytesIO(b"<html></html>"), filename="ktp.jpg",
                           declared_type="image/jpeg", source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert bad.outcome == "refused" and _keys(s3) == []
    ok = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type="image/jpeg",
                          source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert ok.outcome == "received"
    doc = Document.objects.get(pk=ok.document.pk)
    assert _keys(s3) == sorted([doc.file, doc.thumbnail])
    with storage().open(doc.file) as fh:
        assert fh.read()[:3] == b"\xff\xd8\xff"
    # an orphan (a crash between storage and row) is removed by the cleanup job; rows' files stay
    from lapakasik.core import clock

    s3.put_object(Bucket="lapakasik-test", Key=f"documents/{clock.now():%Y/%m}/{claim.code}/orphan.jpg", Body=b"x")
    s3.put_object(Bucket="lapakasik-test", Key=f"documents/2020/01/{claim.code}/old-orphan.jpg", Body=b"x")
    assert intake_orphans_clean(older_than_minutes=0) == 1  # recent months only
    assert intake_orphans_clean(older_than_minutes=0, full=True) == 1
    assert _keys(s3) == sorted([doc.file, doc.thumbnail])
