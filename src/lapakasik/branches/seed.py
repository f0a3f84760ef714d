"""Sample branch network (SAMPLE DATA: names and addresses are illustrative, not the agency's
official list). 11 regions; DKI Jakarta's 17 KC + 6 KCP with the dropbox suspended (ONLINE_ONLY);
branches in WIB, WITA and WIT."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from .models import Branch, ChannelPolicy, Region, SessionTemplate

REGIONS = [
    ("SUMBAGUT", "Kanwil Sumatera Bagian Utara", "Asia/Jakarta"),
    ("SUMBARRIAU", "Kanwil Sumatera Barat dan Riau", "Asia/Jakarta"),
    ("SUMBAGSEL", "Kanwil Sumatera Bagian Selatan", "Asia/Jakarta"),
    ("DKI", "Kanwil DKI Jakarta", "Asia/Jakarta"),
    ("BANTEN", "Kanwil Banten", "Asia/Jakarta"),
    ("JABAR", "Kanwil Jawa Barat", "Asia/Jakarta"),
    ("JATENGDIY", "Kanwil Jawa Tengah dan DI Yogyakarta", "Asia/Jakarta"),
    ("JATIM", "Kanwil Jawa Timur", "Asia/Jakarta"),
    ("KALIMANTAN", "Kanwil Kalimantan", "Asia/Makassar"),
    ("SULAMA", "Kanwil Sulawesi dan Maluku", "Asia/Makassar"),
    ("BANUSPA", "Kanwil Bali, Nusa Tenggara dan Papua", "Asia/Makassar"),
]

_DKI_KC = [
    "Sudirman", "Cilandak", "Grogol", "Mampang Prapatan", "Rawamangun", "Slipi", "Pluit", "Cilincing",
    "Salemba", "Kebon Sirih", "Menara Jamsostek", "Kelapa Gading", "Tanah Abang", "Ciracas",
    "Pulogadung", "Cempaka Putih", "Kebayoran Baru",
]
_DKI_KCP = ["Tebet", "Cengkareng", "Marunda", "Kuningan", "Jakarta Kota", "Pasar Minggu"]

# (code, name, kind, region, city, tz, lat, lon)
OTHER_BRANCHES: list[tuple[str, str, str, str, str, str, float, float]] = [
    ("MDN01", "Medan Kota", "KC", "SUMBAGUT", "Medan", "Asia/Jakarta", 3.5952, 98.6722),
    ("BNA01", "Banda Aceh", "KC", "SUMBAGUT", "Banda Aceh", "Asia/Jakarta", 5.5483, 95.3238),
    ("PDG01", "Padang", "KC", "SUMBARRIAU", "Padang", "Asia/Jakarta", -0.9471, 100.4172),
    ("PKU01", "Pekanbaru Kota", "KC", "SUMBARRIAU", "Pekanbaru", "Asia/Jakarta", 0.5071, 101.4478),
    ("PLG01", "Palembang", "KC", "SUMBAGSEL", "Palembang", "Asia/Jakarta", -2.9761, 104.7754),
    ("BDL01", "Bandar Lampung", "KC", "SUMBAGSEL", "Bandar Lampung", "Asia/Jakarta", -5.3971, 105.2668),
    ("TNG01", "Tangerang Cikokol", "KC", "BANTEN", "Tangerang", "Asia/Jakarta", -6.1783, 106.6319),
    ("SRG01", "Serang", "KC", "BANTEN", "Serang", "Asia/Jakarta", -6.1200, 106.1503),
    ("BDG01", "Bandung Suci", "KC", "JABAR", "Bandung", "Asia/Jakarta", -6.9039, 107.6186),
    ("BKS01", "Bekasi Cikarang", "KC", "JABAR", "Bekasi", "Asia/Jakarta", -6.2615, 107.1522),
    ("BGR01", "Bogor Kota", "KCP", "JABAR", "Bogor", "Asia/Jakarta", -6.5971, 106.8060),
    ("SMG01", "Semarang Pemuda", "KC", "JATENGDIY", "Semarang", "Asia/Jakarta", -6.9784, 110.4159),
    ("YOG01", "Yogyakarta", "KC", "JATENGDIY", "Yogyakarta", "Asia/Jakarta", -7.7956, 110.3695),
    ("SBY01", "Surabaya Darmo", "KC", "JATIM", "Surabaya", "Asia/Jakarta", -7.2875, 112.7383),
    ("MLG01", "Malang", "KC", "JATIM", "Malang", "Asia/Jakarta", -7.9666, 112.6326),
    ("PTK01", "Pontianak", "KC", "KALIMANTAN", "Pontianak", "Asia/Jakarta", -0.0263, 109.3425),
    ("BPN01", "Balikpapan", "KC", "KALIMANTAN", "Balikpapan", "Asia/Makassar", -1.2379, 116.8529),
    ("BJM01", "Banjarmasin", "KC", "KALIMANTAN", "Banjarmasin", "Asia/Makassar", -3.3194, 114.5908),
    ("MKS01", "Makassar", "KC", "SULAMA", "Makassar", "Asia/Makassar", -5.1477, 119.4327),
    ("MDO01", "Manado", "KC", "SULAMA", "Manado", "Asia/Makassar", 1.4748, 124.8421),
    ("AMB01", "Ambon", "KC", "SULAMA", "Ambon", "Asia/Jayapura", -3.6954, 128.1814),
    ("DPS01", "Denpasar", "KC", "BANUSPA", "Denpasar", "Asia/Makassar", -8.6705, 115.2126),
    ("MTR01", "Mataram", "KC", "BANUSPA", "Mataram", "Asia/Makassar", -8.5833, 116.1167),
    ("KPG01", "Kupang", "KC", "BANUSPA", "Kupang", "Asia/Makassar", -10.1772, 123.6070),
    ("JAP01", "Jayapura", "KC", "BANUSPA", "Jayapura", "Asia/Jayapura", -2.5337, 140.7181),
    ("TIM01", "Timika", "KCP", "BANUSPA", "Timika", "Asia/Jayapura", -4.5460, 136.8883),
]

DEFAULT_SESSIONS = [
    (time(8, 0), time(9, 0)), (time(9, 0), time(10, 0)), (time(10, 0), time(11, 0)),
    (time(11, 0), time(12, 0)), (time(12, 0), time(13, 0)), (time(13, 0), time(14, 0)),
    (time(14, 0), time(14, 30)),
]

DKI_POLICY_START = datetime(2020, 3, 23, tzinfo=ZoneInfo("Asia/Jakarta"))


def dki_branches() -> list[tuple[str, str, str]]:
    rows = [(f"JKT{i + 1:02d}", name, "KC") for i, name in enumerate(_DKI_KC)]
    rows += [(f"JKP{i + 1:02d}", name, "KCP") for i, name in enumerate(_DKI_KCP)]
    return rows


@transaction.atomic
def seed_demo(stdout: Any = None, **options: Any) -> None:
    capacity = 10
    for start, end in DEFAULT_SESSIONS:
        SessionTemplate.objects.get_or_create(branch=None, start=start, defaults={"end": end, "capacity": capacity})
    regions = {}
    for code, name, tz in REGIONS:
        regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name, "time_zone": tz})
    for i, (code, name, kind) in enumerate(dki_branches()):
        Branch.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "region": regions["DKI"], "city": "Jakarta",
                "address": f"Jl. Contoh {name} No. {i + 1}, Jakarta (data contoh)",
                "time_zone": "Asia/Jakarta", "latitude": -6.2 - i * 0.005, "longitude": 106.8 + i * 0.004,
            },
        )
    for code, name, kind, region, city, tz, lat, lon in OTHER_BRANCHES:
        Branch.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "region": regions[region], "city": city,
                "address": f"Jl. Contoh Raya No. 1, {city} (data contoh)", "time_zone": tz,
                "latitude": lat, "longitude": lon,
            },
        )
    if not ChannelPolicy.objects.filter(region=regions["DKI"]).exists():
        ChannelPolicy.objects.create(
            region=regions["DKI"], mode=ChannelPolicy.Mode.ONLINE_ONLY, valid_from=DKI_POLICY_START,
            announced_at=DKI_POLICY_START,
            reason="Imbauan Pemerintah Provinsi DKI Jakarta: penyerahan dokumen lewat dropbox dihentikan sementara.",
        )
    for code, region_obj in regions.items():
        if code != "DKI" and not ChannelPolicy.objects.filter(region=region_obj).exists():
            ChannelPolicy.objects.create(
                region=region_obj, mode=ChannelPolicy.Mode.ONLINE_AND_DROPBOX, valid_from=DKI_POLICY_START,
            announced_at=DKI_POLICY_START,
                reason="Layanan Lapak Asik: online dan dropbox.",
            )
    if stdout:
        stdout.write(f"branches: {Region.objects.count()} regions, {Branch.objects.count()} branches (sample data)")
