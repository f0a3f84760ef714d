"""Demo officer log-ins (demo mode only; printed by `lapakasik up`): the published password and, per
officer, a confirmed TOTP device whose secret is derived from the user name (``totp.demo_key``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapakasik.branches.models import Branch, Region

from .models import OfficerProfile, Role
from .totp import demo_key

DEMO_PASSWORD = "lapakasik-demo"  # noqa: S105 - demo data, shown on the demo home page
DEMO_DEVICE_NAME = "Demo (rahasia diumumkan)"

DEMO_USERS = [
    # username, role, branch code, region code, superuser
    ("admin", Role.NATIONAL_ADMIN, None, None, True),
    ("petugas.sudirman", Role.OFFICER, "JKT01", None, False),
    ("kepala.sudirman", Role.SUPERVISOR, "JKT01", None, False),
    ("petugas.makassar", Role.OFFICER, "MKS01", None, False),
    ("petugas.jayapura", Role.OFFICER, "JAP01", None, False),
    ("satpam.bandung", Role.FRONT_DESK, "BDG01", None, False),
    ("kanwil.dki", Role.REGIONAL_ADMIN, None, "DKI", False),
    ("hrd.majubersama", Role.EMPLOYER_OFFICER, None, None, False),
]
#: The company of each demo employer's officer: an NPP and an HR address of the demo registry
#: (``registry.seed.EMPLOYER_DETAILS``; a test keeps them in step).
DEMO_EMPLOYER_OFFICERS = {"hrd.majubersama": ("31001001", "hrd@maju-bersama.contoh.id")}
#: The name a demo employer's officer signs the company's sections of the claim forms with.
DEMO_EMPLOYER_OFFICER_NAMES = {"hrd.majubersama": "Rina Personalia"}


@transaction.atomic
def seed_demo(stdout: Any = None, **options: Any) -> None:
    User = get_user_model()
    for username, role, branch_code, region_code, is_super in DEMO_USERS:
        npp, email = DEMO_EMPLOYER_OFFICERS.get(username, ("", f"{username}@lapakasik.localhost"))
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": is_super, "is_superuser": is_super, "email": email}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if username in DEMO_EMPLOYER_OFFICER_NAMES and not user.first_name:
            user.first_name = DEMO_EMPLOYER_OFFICER_NAMES[username]
            user.save(update_fields=["first_name"])
        OfficerProfile.objects.get_or_create(
            user=user,
            defaults={
                "role": role,
                "branch": Branch.objects.get(code=branch_code) if branch_code else None,
                "region": Region.objects.get(code=region_code) if region_code else None,
                "npp": npp,
            },
        )
        # An officer who enrolled an app of their own keeps it; otherwise the published demo secret.
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=demo_key(username), confirmed=True)
    if stdout:
        stdout.write(f"accounts: {len(DEMO_USERS)} demo officers (one of them a company's HR officer) (password '{DEMO_PASSWORD}', "
                     "TOTP secrets: `lapakasik demo_logins`)")
