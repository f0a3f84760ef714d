"""Templates: a default for every event × channel × language, rendering with every variable, admin
validation of variables and syntax, admin preview."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login

pytestmark = pytest.mark.django_db

REQUIRED_EVENTS = ["booking_confirmed", "booking_cancelled", "booking_rescheduled", "waitlist_offer", "otp_code",
                   "intake_ack", "intake_unverified_reply", "intake_held_notice", "upload_failed",
                   "documents_incomplete_reminder"]


def _state_events() -> list[str]:
    from lapakasik.claims.workflow import EVENT_FOR_STATE

    return [e for e in EVENT_FOR_STATE.values() if e]


def test_data_migration_ships_every_event_channel_and_language() -> None:
    from lapakasik.notifications.models import NotificationTemplate

    have = set(NotificationTemplate.objects.values_list("event", "channel", "language"))
    for event in REQUIRED_EVENTS + _state_events():
        for channel in ("email", "whatsapp", "sms", "phone"):
            for language in ("id", "en"):
                assert (event, channel, language) in have, (event, channel, language)


def test_every_default_validates_and_renders_with_sample_data() -> None:
    from lapakasik.notifications import defaults, rendering
    from lapakasik.notifications.models import NotificationTemplate

    for t in NotificationTemplate.objects.all():
        assert rendering.template_check(event=t.event, channel=t.channel, subject=t.subject, body=t.body,
                                        body_html=t.body_html, provider_parameters=t.provider_parameters) == {}, t
        out = rendering.render(template=t, channel=t.channel, language=t.language, ctx=dict(defaults.SAMPLE_CONTEXT),
                               verification_code="7KQ2M9XD")
        assert "7KQ2-M9XD" in out.text, t
        assert "{{" not in out.text and "{%" not in out.text, t
        if t.channel == "email":
            assert out.subject and "7KQ2-M9XD" in out.html
        if t.channel == "sms":
            from lapakasik.notifications.policy import sms_segments

            assert sms_segments(out.text) <= 4, (t, out.text)
        if t.language == "en":
            assert "Halo" not in out.text, t


def test_unknown_event_falls_back_to_the_generic_status_message(claim: Any) -> None:
    from lapakasik.notifications.services import template_for

    t = template_for(event="something_new", channel="sms", language="en")
    assert t is not None and t.event == "claim_status"


@pytest.mark.parametrize(("body", "error"), [
    ("Halo {{ nik }}", "nik"),
    ("{% for d in documents %}{{ d }}{% endfor %}", "documents"),
    ("{% if saldo > 0 %}x{% endif %}", "saldo"),
    ("Halo {{ name ", "sintaks"),
    ("{% load static %}{% static 'x' %}", "sintaks"),
    ("{% for x in %}", "sintaks"),
])
def test_template_check_refuses_unknown_variables_and_bad_syntax(body: str, error: str) -> None:
    from lapakasik.notifications.rendering import template_check

    errors = template_check(event="claim_approved", channel="sms", subject="", body=body)
    assert error in " ".join(errors.get("body", [])), errors


def test_template_check_accepts_event_variables_and_loops() -> None:
    from lapakasik.notifications.rendering import template_check

    ok = ("{{ name }} {{ reason|default:'-' }} {% for m in missing %}{{ m.label }}{{ forloop.counter }}{% endfor %}"
          "{% if complete and not held_sender %}ok{% elif missing|length > 1 %}x{% endif %}")
    assert template_check(event="intake_ack", channel="sms", subject="", body=ok + " {{ documents_due_local }}") == {}
    assert "amount" in str(template_check(event="intake_ack", channel="sms", subject="", body="{{ amount }}"))
    assert "subject" in template_check(event="claim_paid", channel="email", subject=" ", body="x")
    bad = template_check(event="claim_paid", channel="whatsapp", subject="", body="x",
                         provider_parameters="message, nik")
    assert "nik" in str(bad["provider_parameters"])


def test_template_cannot_reach_settings_or_files() -> None:
    from lapakasik.notifications import rendering

    class T:
        subject = ""
        body = "{{ settings.SECRET_KEY }}{% include '/etc/passwd' %}"
        body_html = ""
        provider_parameters = ""

    with pytest.raises(Exception):
        rendering.render(template=T(), channel="sms", language="id", ctx={}, verification_code="AAAABBBB")
    T.body = "{{ settings.SECRET_KEY }}{{ request.user }}"
    out = rendering.render(template=T(), channel="sms", language="id", ctx={"name": "x"}, verification_code="AAAABBBB")
    assert out.text.startswith("Kode cek")  # nothing but the footer: no settings, no request in templates
    T.body = "{{ name.__class__ }}"
    with pytest.raises(Exception):
        rendering.render(template=T(), channel="sms", language="id", ctx={"name": "x"}, verification_code="AAAABBBB")


@pytest.fixture
def admin_client(db: Any) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("tmpl-admin", "a@example.id", "x")
    client = Client()
    officer_login(client, user)
    return client


def test_admin_refuses_an_unknown_variable_and_saves_a_good_one(admin_client: Client) -> None:
    from lapakasik.notifications.models import NotificationTemplate

    t = NotificationTemplate.objects.get(event="claim_approved", channel="sms", language="id")
    url = f"/admin/notifications/notificationtemplate/{t.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pratinjau" in html
    assert "12.345.678" in html  # the preview renders with sample data
    form = {"event": t.event, "channel": t.channel, "language": t.language, "subject": "", "body_html": "",
            "provider_template": "", "provider_parameters": "", "active": "on"}
    bad = admin_client.post(url, {**form, "body": "Saldo {{ saldo }} untuk NIK {{ nik }}"})
    assert bad.status_code == 200 and "Variabel tidak dikenal" in bad.content.decode()
    t.refresh_from_db()
    assert "saldo" not in t.body
    good = admin_client.post(url, {**form, "body": "Klaim {{ claim_code }} disetujui: Rp {{ amount }}."})
    assert good.status_code == 302
    t.refresh_from_db()
    assert t.body == "Klaim {{ claim_code }} disetujui: Rp {{ amount }}."
    unknown_event = admin_client.post("/admin/notifications/notificationtemplate/add/",
                                      {**form, "event": "made_up", "body": "x"})
    assert "Peristiwa tidak dikenal" in unknown_event.content.decode()


def test_migration_0007_gives_shipped_acknowledgements_the_outcome_subject_and_keeps_edited_ones() -> None:
    import importlib

    from django.apps import apps

    from lapakasik.notifications.models import NotificationTemplate

    migration = importlib.import_module("lapakasik.notifications.migrations.0007_unverified_sender_templates")
    rows = NotificationTemplate.objects.filter(event="intake_ack")
    old = migration.OLD_ACK
    rows.filter(channel="email", language="id").update(subject=old["id"]["subject"])
    rows.filter(channel="email", language="en").update(subject="Edited by an admin: {{ claim_code }}")
    sms = rows.get(channel="sms", language="id")
    sms.body = old["id"]["short_start"] + sms.body.partition("}}. ")[2]
    sms.save()
    NotificationTemplate.objects.filter(event__in=migration.NEW_EVENTS).delete()

    migration.install(apps, None)

    assert rows.get(channel="email", language="id").subject.endswith("{{ outcome_label|default:'dokumen kami terima' }}")
    assert rows.get(channel="email", language="en").subject == "Edited by an admin: {{ claim_code }}"
    assert rows.get(channel="sms", language="id").body.startswith("Klaim {{ claim_code }}: {{ outcome_label")
    assert NotificationTemplate.objects.filter(event="intake_unverified_reply").count() == 8
