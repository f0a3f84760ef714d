"""Demo officer log-ins (demo mode only; printed by `lapakasik up`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from lapakasik.branches.models import Branch, Region

from .models import OfficerProfile, Role

DEMO_PASSWORD = "lapakasik-demo"  # noqa: S105 - demo data, shown on the demo home page

DEMO_USERS = [
    # username, role, branch code, region code, superuser
    ("admin", Role.NATIONAL_ADMIN, None, None, True),
    ("petugas.sudirman", Role.OFFICER, "JKT01", None, False),
    ("kepala.sudirman", Role.SUPERVISOR, "JKT01", None, False),
    ("petugas.makassar", Role.OFFICER, "MKS01", None, False),
    ("petugas.jayapura", Role.OFFICER, "JAP01", None, False),
    ("satpam.bandung", Role.FRONT_DESK, "BDG01", None, False),
    ("kanwil.dki", Role.REGIONAL_ADMIN, None, "DKI", False),
]


@transaction.atomic
def seed_demo(stdout: Any = None, **options: Any) -> None:
    User = get_user_model()
    for username, role, branch_code, region_code, is_super in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": is_super, "email": f"{username}@lapakasik.localhost"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        OfficerProfile.objects.get_or_create(
            user=user,
            defaults={
                "role": role,
                "branch": Branch.objects.get(code=branch_code) if branch_code else None,
                "region": Region.objects.get(code=region_code) if region_code else None,
            },
        )
    if stdout:
        stdout.write(f"accounts: {len(DEMO_USERS)} demo officers (password '{DEMO_PASSWORD}')")
