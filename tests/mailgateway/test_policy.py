"""The gateway's pure rules: reading the receiving MTA's Authentication-Results (real-world header shapes,
forged and malformed ones) and who gets which reply. No database."""

from __future__ import annotations

import time

import pytest

from lapakasik.mailgateway.policy import MAX_RESULTS_HEADER_CHARS, AuthVerdict, auth_verdict, reply_plan

GMAIL = ("mx.google.com; dkim=pass header.i=@example.net header.s=20230601 header.b=AbCdEf12; "
         "spf=pass (google.com: domain of a@example.net designates 209.85.220.41 as permitted sender) "
         "smtp.mailfrom=a@example.net; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.net")
GMAIL_FORGED = ("mx.google.com; spf=fail (google.com: domain of a@example.net does not designate 203.0.113.9 as "
                "permitted sender) smtp.mailfrom=a@example.net; dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) "
                "header.from=example.net")
MICROSOFT = ("mx.example; spf=pass (sender IP is 40.107.1.1) smtp.mailfrom=example.net; dkim=pass (signature was "
             "verified) header.d=example.net;dmarc=pass action=none header.from=example.net;compauth=pass reason=100")
MICROSOFT_NO_ID = ("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=example.net; dkim=none (message not signed) "
                   "header.d=none;dmarc=fail action=oreject header.from=example.net;compauth=fail reason=000")
OPENDKIM = ('mx.example; dkim=pass (2048-bit key; unprotected) header.d=example.net header.i=@example.net '
            'header.b="abcDEF12"; dkim-atps=neutral')
OPENDMARC_FAIL = "mx.example; dmarc=fail (p=reject dis=none) header.from=example.net"
POSTFIX_SPF_FAIL = "mx.example; spf=fail (mailfrom) smtp.mailfrom=example.net (client-ip=203.0.113.9)"
RSPAMD = ("mx.example; dkim=pass header.d=mail.example.net header.s=dkim header.b=abc; spf=fail (mx.example: "
          "domain of a@example.net does not designate 203.0.113.9 as permitted sender) smtp.mailfrom=a@example.net")
GMAIL_ARC_COMMENT = ("mx.google.com; arc=pass (i=1 spf=pass spfdomain=example.net dkim=pass dkdomain=example.net "
                     "dmarc=fail fromdomain=example.net); dmarc=pass (p=NONE) header.from=example.net")
UNALIGNED_DKIM = "mx.example; spf=fail smtp.mailfrom=example.net; dkim=pass header.d=mailer.other.example"


@pytest.mark.parametrize(("headers", "trusted", "expected"), [
    ([GMAIL], ["mx.google.com"], AuthVerdict(seen=True, dmarc="pass", dkim_aligned_pass=True)),
    ([GMAIL_FORGED], ["mx.google.com"], AuthVerdict(seen=True, dmarc="fail", spf_fail=True)),
    ([GMAIL_ARC_COMMENT], ["mx.google.com"], AuthVerdict(seen=True, dmarc="pass")),  # a comment is no verdict
    ([MICROSOFT], ["mx.example"], AuthVerdict(seen=True, dmarc="pass", dkim_aligned_pass=True)),
    ([MICROSOFT_NO_ID], ["mx.example"], AuthVerdict()),  # no authserv-id: cannot be ours
    ([OPENDKIM], ["mx.example"], AuthVerdict(seen=True, dkim_aligned_pass=True)),
    ([OPENDMARC_FAIL], ["mx.example"], AuthVerdict(seen=True, dmarc="fail")),
    ([POSTFIX_SPF_FAIL], ["mx.example"], AuthVerdict(seen=True, spf_fail=True)),
    ([RSPAMD], ["mx.example"], AuthVerdict(seen=True, spf_fail=True, dkim_aligned_pass=True)),  # subdomain aligns
    ([UNALIGNED_DKIM], ["mx.example"], AuthVerdict(seen=True, spf_fail=True)),
    ([OPENDKIM, OPENDMARC_FAIL], ["mx.example"], AuthVerdict(seen=True, dmarc="fail", dkim_aligned_pass=True)),
    (["mx.example; dmarc=pass header.from=example.net", OPENDMARC_FAIL], ["mx.example"],
     AuthVerdict(seen=True, dmarc="fail")),  # one trusted failure is enough
    (["evil.example; dmarc=fail header.from=example.net"], ["mx.example"], AuthVerdict()),
    (["mx.example.evil; dmarc=fail", "MX.EXAMPLE.; dmarc=fail"], ["mx.example"], AuthVerdict()),
    ([OPENDMARC_FAIL], [], AuthVerdict()),  # nothing trusted: a sender can write any header
    ([OPENDMARC_FAIL], ["  "], AuthVerdict()),
    (["MX.Example; DMARC=FAIL header.from=Example.NET"], ["mx.example"], AuthVerdict(seen=True, dmarc="fail")),
    (["mx.example 1; spf=fail smtp.mailfrom=example.net"], ["mx.example"], AuthVerdict(seen=True, spf_fail=True)),
    (["mx.example; none"], ["mx.example"], AuthVerdict(seen=True)),
    (["mx.example; spf=softfail smtp.mailfrom=example.net; dmarc=none"], ["mx.example"], AuthVerdict(seen=True)),
    (["mx.example; dmarc=temperror; spf=permerror"], ["mx.example"], AuthVerdict(seen=True)),
    (["mx.example; dkim=pass"], ["mx.example"], AuthVerdict(seen=True)),  # no signing domain: not aligned
], ids=["gmail", "gmail_forged", "gmail_arc_comment", "microsoft", "microsoft_without_authserv_id", "opendkim", "opendmarc_fail",
        "postfix_spf_fail", "rspamd_subdomain_dkim", "unaligned_dkim", "two_headers", "pass_and_fail",
        "other_authserv_id", "lookalike_ids", "nothing_trusted", "blank_trusted", "case", "version",
        "none", "softfail_is_not_fail", "errors_are_not_fail", "dkim_without_domain"])
def test_auth_verdict_real_world_shapes(headers: list[str], trusted: list[str], expected: AuthVerdict) -> None:
    assert auth_verdict(headers, trusted=trusted, from_address="Orang <a@Example.net>") == expected


@pytest.mark.parametrize("header", [
    "", ";", "mx.example", "mx.example;", "mx.example; ;;; =", "mx.example; dmarc", "mx.example; dmarc=",
    "mx.example; dmarc=fail (unclosed comment", 'mx.example; dkim=pass header.b="unclosed',
    "mx.example; spf=fail smtp.mailfrom=<a@example.net>", "mx.example; \x00dmarc=fail",
    "mx.example; " + "(" * 5000 + "dmarc=fail", "mx.example; " + "x=" * 3000 + " dmarc=fail",
    "mx.example; dmarc=fail header.from=" + "a" * MAX_RESULTS_HEADER_CHARS,
], ids=["empty", "semicolon", "id_only", "id_semicolon", "garbage", "no_result", "empty_result",
        "unclosed_comment", "unclosed_quote", "angle_address", "nul", "deep_comments", "many_equals", "too_long"])
def test_malformed_trusted_headers_never_raise_and_give_no_verdict(header: str) -> None:
    started = time.monotonic()
    verdict = auth_verdict([header], trusted=["mx.example"], from_address="a@example.net")
    assert time.monotonic() - started < 2
    assert verdict.forged is False and verdict.dmarc != "fail"


@pytest.mark.parametrize(("verdict", "forged"), [
    (AuthVerdict(), False),
    (AuthVerdict(seen=True, dmarc="fail"), True),
    (AuthVerdict(seen=True, dmarc="fail", dkim_aligned_pass=True), True),
    (AuthVerdict(seen=True, dmarc="pass", spf_fail=True), False),  # forwarded mail: DMARC already judged
    (AuthVerdict(seen=True, spf_fail=True), True),
    (AuthVerdict(seen=True, spf_fail=True, dkim_aligned_pass=True), False),
])
def test_forged(verdict: AuthVerdict, forged: bool) -> None:
    assert verdict.forged is forged


BASE = dict(verified=False, automatic=False, forged=False, has_results=True, held_files=1, replies_to_sender_today=0,
            replies_for_claim_today=0, notices_today=0, per_sender_day=1, per_claim_day=5)


@pytest.mark.parametrize(("changes", "ack", "reply", "notice", "reason"), [
    ({"verified": True}, True, False, False, ""),
    ({"verified": True, "has_results": False}, True, False, False, ""),  # "no attachment" explanation
    ({"verified": True, "automatic": True}, True, False, False, ""),  # files of an auto-reply: to the participant
    ({"verified": True, "automatic": True, "has_results": False}, False, False, False, ""),
    ({}, False, True, True, ""),
    ({"held_files": 0}, False, True, False, ""),
    ({"notices_today": 1}, False, True, False, ""),
    ({"forged": True}, False, False, True, "forged"),
    ({"automatic": True}, False, False, True, "automatic"),
    ({"replies_to_sender_today": 1}, False, False, True, "limited"),
    ({"replies_for_claim_today": 5}, False, False, True, "limited"),
    ({"per_sender_day": 0}, False, False, True, "limited"),
    ({"per_sender_day": 3, "replies_to_sender_today": 2}, False, True, True, ""),
], ids=["verified", "verified_no_files", "verified_auto_with_files", "verified_auto_no_files", "stranger",
        "stranger_nothing_held", "notice_already_sent", "forged", "automatic", "sender_limit", "claim_limit",
        "replies_off", "configured_three"])
def test_reply_plan(changes: dict[str, object], ack: bool, reply: bool, notice: bool, reason: str) -> None:
    plan = reply_plan(**{**BASE, **changes})  # type: ignore[arg-type]
    assert (plan.participant_ack, plan.unverified_reply, plan.held_notice, plan.reason) == (ack, reply, notice, reason)
