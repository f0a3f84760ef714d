"""Rate limits follow the person, not the address (docs/security.md, "Rate limits: the person, not the
address"): many people behind one carrier-grade NAT address are not refused at the opening, while one NIK
or one phone number is limited whatever address it comes from."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import error_of

from .conftest import new_phone

pytestmark = pytest.mark.usefixtures("booking_env")
URL = "/api/v1/bookings"
NAT = "36.68.1.1"  # one public address of a mobile carrier, shared by its subscribers


def post(client: Client, body: dict[str, Any], ip: str) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json", REMOTE_ADDR=ip)


def test_the_per_ip_limit_is_a_high_safety_net_by_default(settings: Any) -> None:
    from lapakasik.booking import ratelimit

    assert settings.LAPAKASIK["RATE_LIMIT_IP_PER_MINUTE"] >= 1000
    assert settings.LAPAKASIK["RATE_LIMIT_NIK_PER_MINUTE"] <= 10
    assert settings.LAPAKASIK["RATE_LIMIT_PHONE_PER_MINUTE"] <= 10
    limits = {**settings.LAPAKASIK}
    del limits["RATE_LIMIT_IP_PER_MINUTE"]
    settings.LAPAKASIK = limits  # unset: the code's own default is the same safety net
    for _ in range(200):
        ratelimit.check_ip(NAT)


def test_a_hundred_people_behind_one_nat_address_are_not_refused(
        client: Client, payload: Callable[..., dict[str, Any]], person: Callable[..., Any]) -> None:
    """More than the old limit of 60 a minute from one address: everyone gets an answer about their own
    request (here the registry's: the KPJ is unknown), nobody a 429 for sharing the carrier's address."""
    base = person("eligible").nik
    statuses = [post(client, payload(nik=base[:12] + f"{i:04d}", kpj="99999999999", phone=new_phone()), NAT)
                .status_code for i in range(1, 101)]
    assert 429 not in statuses and set(statuses) == {409}


def test_one_nik_is_limited_whatever_address_it_comes_from(
        client: Client, payload: Callable[..., dict[str, Any]], person: Callable[..., Any], settings: Any) -> None:
    p = person("still_active")  # refused by eligibility: the request reaches the limits, books nothing
    statuses = [post(client, payload(p, phone=new_phone()), f"10.0.{i}.1").status_code for i in range(11)]
    assert statuses == [409] * settings.LAPAKASIK["RATE_LIMIT_NIK_PER_MINUTE"] + [429]


def test_one_phone_is_limited_whatever_address_and_nik_it_comes_with(
        client: Client, payload: Callable[..., dict[str, Any]], person: Callable[..., Any], settings: Any) -> None:
    base, phone = person("eligible").nik, new_phone()
    statuses = [post(client, payload(nik=base[:12] + f"{i:04d}", kpj="99999999999", phone=phone), f"10.1.{i}.1")
                .status_code for i in range(1, 12)]
    assert statuses == [409] * settings.LAPAKASIK["RATE_LIMIT_PHONE_PER_MINUTE"] + [429]
    r = post(client, payload(phone=phone), "10.9.9.9")
    assert r.status_code == 429 and error_of(r)["code"] == "rate_limited" and int(r["Retry-After"]) >= 1


def test_behind_a_proxy_the_per_ip_limit_counts_each_client_not_the_proxy(
        client: Client, payload: Callable[..., dict[str, Any]], person: Callable[..., Any], settings: Any) -> None:
    """Every request reaches the server from the proxy's address; with TRUSTED_PROXY_HOPS=1 the limit counts
    the address the proxy saw (X-Forwarded-For), and a client cannot escape it by writing its own header."""
    settings.TRUSTED_PROXY_HOPS = 1
    settings.LAPAKASIK = {**settings.LAPAKASIK, "RATE_LIMIT_IP_PER_MINUTE": 3}
    base = person("eligible").nik
    proxy = "10.0.0.5"

    def through_proxy(i: int, forwarded: str) -> int:
        body = payload(nik=base[:12] + f"{i:04d}", kpj="99999999999", phone=new_phone())
        return int(client.post(URL, data=json.dumps(body), content_type="application/json", REMOTE_ADDR=proxy,
                               HTTP_X_FORWARDED_FOR=forwarded).status_code)

    first = [through_proxy(i, "36.68.1.1") for i in range(1, 5)]
    assert first == [409, 409, 409, 429]  # this client's fourth attempt in the minute
    # Another client behind the same proxy is counted on its own.
    assert through_proxy(5, "36.68.2.2") == 409
    # The first client writing a fresh address of its own in front: the proxy's entry is still the last.
    assert through_proxy(6, "8.8.8.8, 36.68.1.1") == 429
