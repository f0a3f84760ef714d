"""The claim forms as versioned data: Formulir 5 (JHT), 3 / 3a / 3b (JKK), 4 (JKM) and 7 (JP).

Each form is a ``FormDefinition``: a code (the same as its row in intake's requirement catalogue, so a
completed form satisfies that row), a version with the date it is valid from, and its sections. A
section is filled and signed by one kind of party (``participant``, ``heir``, ``employer_officer``; a
section open to the claimant is filled by whoever applies — the worker, or the heir after a death).
Fields carry their type (which decides the validation in ``validation.py``), whether they are
mandatory, their choices, and where the registry can prefill them (``prefill``, see
``services.prefill_values``).

The content follows the domain description (docs/forms.md names what is taken from it and what is
assumed). Changing a form means adding a definition with a new version and ``valid_from``; a draft
keeps the version it was started with (``definition_get(code, version)``), so an answer never moves
under a participant's feet. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PARTICIPANT = "participant"
HEIR = "heir"
EMPLOYER_OFFICER = "employer_officer"
PARTIES = (PARTICIPANT, HEIR, EMPLOYER_OFFICER)
CLAIMANT = (PARTICIPANT, HEIR)  # whoever applies: the worker, or the heir after a death

#: The claim's facts a field's ``required_when`` may name (``services.form_facts`` computes them).
FACTS = ("co_heirs",)

KINDS = ("text", "textarea", "nik", "kpj", "npp", "date", "amount", "number", "choice", "phone", "email",
         "account", "confirm")


@dataclass(frozen=True)
class Choice:
    value: str
    label_id: str
    label_en: str

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass(frozen=True)
class Field:
    code: str
    kind: str
    label_id: str
    label_en: str
    required: bool = True
    choices: tuple[Choice, ...] = ()
    max_length: int = 150
    minimum: int | None = None  # number / amount
    maximum: int | None = None
    not_future: bool = False  # date: on or before today
    prefill: str = ""  # a key of services.prefill_values
    help_id: str = ""
    help_en: str = ""
    #: An optional field that becomes mandatory when a condition holds: a fact of the claim the services
    #: know (``co_heirs``: several heirs of the same place are alive) or another answer of the same
    #: section (``"wasiat=ya"``). See ``validation.required_now``.
    required_when: str = ""

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" else self.label_id

    def help(self, language: str = "id") -> str:
        return self.help_en if language == "en" else self.help_id

    def choice_label(self, value: str, language: str = "id") -> str:
        return next((c.label(language) for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class Section:
    code: str
    title_id: str
    title_en: str
    parties: tuple[str, ...]
    fields: tuple[Field, ...]

    def title(self, language: str = "id") -> str:
        return self.title_en if language == "en" else self.title_id

    def field(self, code: str) -> Field | None:
        return next((f for f in self.fields if f.code == code), None)


@dataclass(frozen=True)
class FormDefinition:
    code: str  # = the requirement code in intake's catalogue
    claim_types: tuple[str, ...]
    title_id: str
    title_en: str
    version: str
    valid_from: date
    sections: tuple[Section, ...]
    reasons: tuple[str, ...] = ()  # empty: every reason of the claim types

    def title(self, language: str = "id") -> str:
        return self.title_en if language == "en" else self.title_id

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)


# --- shared pieces ---------------------------------------------------------------------------------------

def _c(value: str, label_id: str, label_en: str) -> Choice:
    return Choice(value, label_id, label_en)


RELATIONS = (
    _c("self", "Diri sendiri (peserta)", "Myself (the participant)"),
    _c("spouse", "Suami / istri", "Husband / wife"),
    _c("child", "Anak", "Child"),
    _c("parent", "Orang tua", "Parent"),
    _c("grandchild", "Cucu", "Grandchild"),
    _c("sibling", "Saudara kandung", "Sibling"),
    _c("parent_in_law", "Mertua", "Parent-in-law"),
    _c("will", "Pihak yang ditunjuk dalam wasiat", "Person named in a will"),
)
HEIR_RELATIONS = RELATIONS[1:]
BANKS = (
    _c("BRI", "Bank BRI", "Bank BRI"), _c("BNI", "Bank BNI", "Bank BNI"), _c("MANDIRI", "Bank Mandiri", "Bank Mandiri"),
    _c("BTN", "Bank BTN", "Bank BTN"), _c("BSI", "Bank Syariah Indonesia", "Bank Syariah Indonesia"),
    _c("BCA", "Bank BCA", "Bank BCA"), _c("BPD", "Bank Pembangunan Daerah", "Regional development bank (BPD)"),
)
ACCIDENT_KINDS = (
    _c("workplace", "Di tempat kerja / saat bertugas", "At the workplace / on duty"),
    _c("road", "Kecelakaan lalu lintas", "Road accident"),
    _c("occupational_disease", "Penyakit akibat kerja", "Occupational disease"),
)


def _name(code: str, label_id: str, label_en: str, prefill: str = "") -> Field:
    return Field(code, "text", label_id, label_en, prefill=prefill)


def _nik(code: str, label_id: str, label_en: str, prefill: str = "") -> Field:
    return Field(code, "nik", label_id, label_en, prefill=prefill, help_id="16 angka, sesuai e-KTP",
                 help_en="16 digits, as on the e-KTP")


def _address(code: str = "alamat") -> Field:
    return Field(code, "textarea", "Alamat lengkap", "Full address", max_length=300)


def _phone(prefill: str = "applicant_phone") -> Field:
    return Field("telepon", "phone", "Nomor ponsel", "Mobile number", prefill=prefill, max_length=20)


def _bank_fields() -> tuple[Field, ...]:
    return (
        Field("bank", "choice", "Bank penerima", "Receiving bank", choices=BANKS),
        Field("nomor_rekening", "account", "Nomor rekening", "Account number", max_length=20,
              help_id="Hanya angka, 6–20 digit", help_en="Digits only, 6–20"),
        _name("nama_rekening", "Nama pemilik rekening", "Account holder's name", prefill="applicant_name"),
    )


def _employer_officer_fields() -> tuple[Field, ...]:
    return (
        _name("nama_petugas", "Nama petugas perusahaan", "Employer officer's name"),
        _name("jabatan_petugas", "Jabatan", "Position"),
    )


_V1 = date(2026, 12, 1)

# --- Formulir 5: JHT -------------------------------------------------------------------------------------

FORMULIR_5 = FormDefinition(
    code="formulir_5", claim_types=("JHT",), version="2026.1", valid_from=_V1,
    title_id="Formulir 5 — Pengajuan Pembayaran Jaminan Hari Tua",
    title_en="Form 5 — Old-age savings (JHT) payment claim",
    sections=(
        Section("pemohon", "Data pemohon", "Applicant", CLAIMANT, (
            _name("nama_pemohon", "Nama lengkap pemohon", "Applicant's full name", prefill="applicant_name"),
            _nik("nik_pemohon", "NIK pemohon", "Applicant's NIK", prefill="applicant_nik"),
            _address(),
            _phone(),
            Field("email", "email", "E-mail", "E-mail", required=False, max_length=254, prefill="applicant_email"),
            Field("hubungan", "choice", "Hubungan dengan peserta", "Relation to the participant", choices=RELATIONS,
                  prefill="applicant_relation"),
        )),
        Section("peserta", "Data peserta dan klaim", "Participant and claim", CLAIMANT, (
            _name("nama_peserta", "Nama lengkap peserta", "Participant's full name", prefill="insured_name"),
            _nik("nik_peserta", "NIK peserta", "Participant's NIK", prefill="insured_nik"),
            Field("kpj", "kpj", "Nomor peserta (KPJ)", "Membership number (KPJ)", prefill="insured_kpj",
                  help_id="11 angka", help_en="11 digits"),
            _name("tempat_lahir", "Tempat lahir", "Place of birth"),
            Field("tanggal_lahir", "date", "Tanggal lahir", "Date of birth", not_future=True, prefill="insured_birth_date"),
            _name("nama_ibu", "Nama ibu kandung", "Mother's maiden name"),
            Field("email_peserta", "email", "E-mail peserta", "Participant's e-mail", required=False, max_length=254),
            _name("perusahaan_terakhir", "Perusahaan terakhir", "Last employer", prefill="employer_name"),
            Field("mulai_bekerja", "date", "Mulai bekerja", "Employment start", not_future=True,
                  prefill="employment_start"),
            Field("berhenti_bekerja", "date", "Berhenti bekerja", "Employment end", required=False, not_future=True,
                  prefill="employment_end", help_id="Kosongkan bila masih bekerja", help_en="Leave empty if still employed"),
            Field("alasan", "choice", "Alasan klaim", "Reason for the claim", prefill="claim_reason", choices=(
                _c("RESIGNED", "Mengundurkan diri", "Resigned"),
                _c("PHK", "Pemutusan hubungan kerja (PHK)", "Dismissal (PHK)"),
                _c("AGE_56", "Mencapai usia 56 tahun", "Reached age 56"),
                _c("DISABILITY", "Cacat total tetap", "Total permanent disability"),
                _c("LEAVING_INDONESIA", "Meninggalkan Indonesia untuk selamanya", "Leaving Indonesia permanently"),
                _c("DEATH", "Meninggal dunia", "Death"),
                _c("PARTIAL_10", "Klaim sebagian 10%", "Partial withdrawal 10%"),
                _c("PARTIAL_30", "Klaim sebagian 30%", "Partial withdrawal 30%"),
            )),
            *_bank_fields(),
        )),
    ),
)

# --- Formulir 3, 3a, 3b: JKK ---------------------------------------------------------------------------

FORMULIR_3 = FormDefinition(
    code="formulir_3", claim_types=("JKK",), version="2026.1", valid_from=_V1,
    title_id="Formulir 3 — Laporan Kecelakaan Kerja Tahap I",
    title_en="Form 3 — Work accident report, stage I",
    sections=(
        Section("laporan", "Laporan perusahaan (paling lambat 2 × 24 jam setelah kecelakaan)",
                "Employer's report (within 2 × 24 h of the accident)", (EMPLOYER_OFFICER,), (
            _name("nama_perusahaan", "Nama perusahaan", "Company name", prefill="employer_name"),
            Field("npp", "npp", "NPP (nomor pendaftaran perusahaan)", "Company registration number (NPP)",
                  prefill="employer_npp", max_length=10),
            Field("tanggal_kecelakaan", "date", "Tanggal kecelakaan", "Date of the accident", not_future=True,
                  prefill="accident_date"),
            Field("jam_kecelakaan", "text", "Jam kejadian (JJ:MM)", "Time (HH:MM)", max_length=5),
            Field("jenis", "choice", "Jenis kecelakaan", "Kind of accident", choices=ACCIDENT_KINDS,
                  prefill="accident_kind"),
            Field("tempat", "textarea", "Tempat kejadian", "Place of the accident", max_length=300),
            Field("uraian", "textarea", "Uraian kejadian", "What happened", max_length=1500),
            _name("saksi_1", "Nama saksi 1", "Witness 1"),
            _name("saksi_2", "Nama saksi 2", "Witness 2"),
            Field("upah", "amount", "Upah sebulan (Rp)", "Monthly wage (Rp)", minimum=1, maximum=1_000_000_000),
            *_employer_officer_fields(),
        )),
        Section("pekerja", "Data pekerja", "The worker", (PARTICIPANT,), (
            _name("nama_pekerja", "Nama lengkap pekerja", "Worker's full name", prefill="insured_name"),
            _nik("nik_pekerja", "NIK pekerja", "Worker's NIK", prefill="insured_nik"),
            Field("kpj", "kpj", "Nomor peserta (KPJ)", "Membership number (KPJ)", prefill="insured_kpj"),
            _address(),
            _phone(),
            Field("keterangan", "textarea", "Keterangan pekerja (bila ada)", "The worker's own account (if any)",
                  required=False, max_length=1500),
        )),
    ),
)

FORMULIR_3A = FormDefinition(
    code="formulir_3a", claim_types=("JKK",), version="2026.1", valid_from=_V1,
    title_id="Formulir 3a — Laporan Kecelakaan Kerja Tahap II",
    title_en="Form 3a — Work accident report, stage II",
    sections=(
        Section("laporan", "Laporan perusahaan (2 × 24 jam setelah sembuh, cacat atau meninggal)",
                "Employer's report (within 2 × 24 h of recovery, disability or death)", (EMPLOYER_OFFICER,), (
            Field("npp", "npp", "NPP", "NPP", prefill="employer_npp", max_length=10),
            Field("tanggal_kecelakaan", "date", "Tanggal kecelakaan", "Date of the accident", not_future=True,
                  prefill="accident_date"),
            Field("tanggal_selesai", "date", "Tanggal selesai perawatan", "End of treatment", not_future=True),
            Field("akibat", "choice", "Akibat kecelakaan", "Outcome", choices=(
                _c("recovered", "Sembuh", "Recovered"),
                _c("partial_disability", "Cacat sebagian", "Partial disability"),
                _c("total_disability", "Cacat total tetap", "Total permanent disability"),
                _c("death", "Meninggal dunia", "Death"),
            )),
            Field("hari_tidak_bekerja", "number", "Hari tidak mampu bekerja", "Days unable to work",
                  minimum=0, maximum=3650),
            Field("biaya_pengobatan", "amount", "Biaya pengobatan dan perawatan (Rp)", "Treatment costs (Rp)",
                  minimum=0, maximum=10_000_000_000),
            Field("biaya_pengangkutan", "amount", "Biaya pengangkutan (Rp)", "Transport costs (Rp)", required=False,
                  minimum=0, maximum=100_000_000),
            Field("upah", "amount", "Upah sebulan (Rp)", "Monthly wage (Rp)", minimum=1, maximum=1_000_000_000),
            *_employer_officer_fields(),
        )),
        Section("penerima", "Penerima manfaat", "Beneficiary", CLAIMANT, (
            _name("nama_penerima", "Nama lengkap penerima", "Beneficiary's full name", prefill="applicant_name"),
            _nik("nik_penerima", "NIK penerima", "Beneficiary's NIK", prefill="applicant_nik"),
            _phone(),
            *_bank_fields(),
        )),
    ),
)

FORMULIR_3B = FormDefinition(
    code="formulir_3b", claim_types=("JKK",), version="2026.1", valid_from=_V1,
    title_id="Formulir 3b — Surat Keterangan Dokter", title_en="Form 3b — Doctor's statement",
    sections=(
        # Assumed: the product has no doctor users, so the employer's officer transcribes the treating
        # doctor's statement (and the signed original stays with the employer's report).
        Section("dokter", "Keterangan dokter pemeriksa (diisi perusahaan dari surat dokter)",
                "The treating doctor's statement (entered by the employer from the doctor's letter)",
                (EMPLOYER_OFFICER,), (
            _name("nama_dokter", "Nama dokter pemeriksa", "Treating doctor"),
            _name("fasilitas", "Rumah sakit / fasilitas kesehatan", "Hospital / health facility"),
            Field("diagnosa", "textarea", "Diagnosa", "Diagnosis", max_length=1000),
            Field("mulai_rawat", "date", "Mulai dirawat", "Treatment start", not_future=True),
            Field("selesai_rawat", "date", "Selesai dirawat", "Treatment end", required=False, not_future=True),
            Field("persen_cacat", "number", "Persentase cacat (%)", "Disability (%)", minimum=0, maximum=100),
            *_employer_officer_fields(),
        )),
        Section("pekerja", "Persetujuan pekerja", "The worker's consent", CLAIMANT, (
            _name("nama_pekerja", "Nama lengkap", "Full name", prefill="applicant_name"),
            _nik("nik_pekerja", "NIK", "NIK", prefill="applicant_nik"),
            Field("setuju_rekam_medis", "confirm", "Saya mengizinkan BPJS Ketenagakerjaan memeriksa rekam medis "
                  "kecelakaan ini", "I allow BPJS Ketenagakerjaan to examine the medical records of this accident"),
        )),
    ),
)

# --- Formulir 4: JKM -------------------------------------------------------------------------------------

FORMULIR_4 = FormDefinition(
    code="formulir_4", claim_types=("JKM",), version="2026.1", valid_from=_V1,
    title_id="Formulir 4 — Pengajuan Jaminan Kematian", title_en="Form 4 — Death benefit (JKM) claim",
    sections=(
        Section("ahli_waris", "Data ahli waris", "The heir", (HEIR,), (
            _name("nama_ahli_waris", "Nama lengkap ahli waris", "Heir's full name", prefill="applicant_name"),
            _nik("nik_ahli_waris", "NIK ahli waris", "Heir's NIK", prefill="applicant_nik"),
            Field("hubungan", "choice", "Hubungan dengan almarhum/almarhumah", "Relation to the deceased",
                  choices=HEIR_RELATIONS, prefill="applicant_relation"),
            _address(),
            _phone(),
            *_bank_fields(),
        )),
        Section("almarhum", "Data peserta yang meninggal", "The deceased participant", (HEIR,), (
            _name("nama_peserta", "Nama lengkap almarhum/almarhumah", "Deceased's full name", prefill="insured_name"),
            _nik("nik_peserta", "NIK almarhum/almarhumah", "Deceased's NIK", prefill="insured_nik"),
            Field("kpj", "kpj", "Nomor peserta (KPJ)", "Membership number (KPJ)", prefill="insured_kpj"),
            Field("tanggal_meninggal", "date", "Tanggal meninggal", "Date of death", not_future=True,
                  prefill="date_of_death"),
            _name("tempat_meninggal", "Tempat meninggal", "Place of death"),
            Field("sebab", "choice", "Sebab kematian", "Cause of death", choices=(
                _c("illness", "Sakit / wajar", "Illness / natural"),
                _c("work_accident", "Kecelakaan kerja", "Work accident"),
                _c("other_accident", "Kecelakaan lain", "Other accident"),
            )),
        )),
        Section("perusahaan", "Keterangan perusahaan", "Employer's statement", (EMPLOYER_OFFICER,), (
            _name("nama_perusahaan", "Nama perusahaan", "Company name", prefill="employer_name"),
            Field("npp", "npp", "NPP", "NPP", prefill="employer_npp", max_length=10),
            Field("upah_terakhir", "amount", "Upah terakhir sebulan (Rp)", "Last monthly wage (Rp)", minimum=1,
                  maximum=1_000_000_000),
            *_employer_officer_fields(),
        )),
    ),
)

# Version 2026.2: the heir statement lists the heirs (prefilled from the family data), names the heirs'
# representative when several heirs of the same place are alive (who then also hand in the power of
# attorney the others signed), and declares a will naming a beneficiary (the will then becomes a
# required document). The other sections are unchanged.
MAX_HEIRS_LISTED = 5
FACT_CO_HEIRS = FACTS[0]
WILL_DECLARED = "wasiat=ya"


def _heir_row(n: int) -> tuple[Field, ...]:
    first = n == 1
    return (
        Field(f"nama_ahli_waris_{n}", "text", f"Ahli waris {n}: nama lengkap", f"Heir {n}: full name",
              required=first, prefill=f"heir_{n}_name"),
        Field(f"nik_ahli_waris_{n}", "nik", f"Ahli waris {n}: NIK", f"Heir {n}: NIK", required=False,
              prefill=f"heir_{n}_nik", help_id="16 angka, sesuai e-KTP / KK", help_en="16 digits, as on the e-KTP / KK"),
        Field(f"hubungan_ahli_waris_{n}", "choice", f"Ahli waris {n}: hubungan dengan almarhum/almarhumah",
              f"Heir {n}: relation to the deceased", required=first, choices=HEIR_RELATIONS,
              prefill=f"heir_{n}_relation"),
    )


HEIRS_SECTION = Section(
    "daftar_ahli_waris", "Daftar ahli waris, wakil dan wasiat", "Heirs, representative and will", (HEIR,), (
        *(f for n in range(1, MAX_HEIRS_LISTED + 1) for f in _heir_row(n)),
        Field("nama_wakil", "text", "Nama wakil ahli waris (penerima kuasa)", "Heirs' representative (attorney)",
            required=False, required_when=FACT_CO_HEIRS,
            help_id="Wajib bila lebih dari satu ahli waris yang sama urutannya masih hidup: mereka menunjuk satu "
                    "wakil dengan surat kuasa yang ditandatangani ahli waris lainnya.",
            help_en="Required when more than one heir of the same place in the order is alive: they name one "
                    "representative, with a power of attorney signed by the other heirs."),
        Field("nik_wakil", "nik", "NIK wakil ahli waris", "Representative's NIK", required=False,
              required_when=FACT_CO_HEIRS),
        Field("wasiat", "choice", "Apakah almarhum/almarhumah meninggalkan surat wasiat yang menunjuk penerima?",
              "Did the deceased leave a will naming a beneficiary?", choices=(
                  _c("tidak", "Tidak ada surat wasiat", "No will"),
                  _c("ya", "Ada surat wasiat (dokumennya dilampirkan)", "There is a will (its document is attached)"),
              )),
        Field("nama_penerima_wasiat", "text", "Nama penerima menurut surat wasiat", "Beneficiary named in the will",
              required=False, required_when=WILL_DECLARED, help_id="Wajib bila ada surat wasiat.",
              help_en="Required when there is a will."),
        Field("nik_penerima_wasiat", "nik", "NIK penerima menurut surat wasiat", "NIK of the will's beneficiary",
              required=False),
    ))

FORMULIR_4_V2 = FormDefinition(
    code="formulir_4", claim_types=("JKM",), version="2026.2", valid_from=date(2026, 12, 3),
    title_id=FORMULIR_4.title_id, title_en=FORMULIR_4.title_en,
    sections=(FORMULIR_4.sections[0], FORMULIR_4.sections[1], HEIRS_SECTION, FORMULIR_4.sections[2]),
)

# --- Formulir 7: JP --------------------------------------------------------------------------------------

FORMULIR_7 = FormDefinition(
    code="formulir_7", claim_types=("JP",), version="2026.1", valid_from=_V1,
    title_id="Formulir 7 — Pengajuan Jaminan Pensiun", title_en="Form 7 — Pension (JP) claim",
    sections=(
        Section("pemohon", "Data pemohon dan manfaat", "Applicant and benefit", CLAIMANT, (
            _name("nama_pemohon", "Nama lengkap pemohon", "Applicant's full name", prefill="applicant_name"),
            _nik("nik_pemohon", "NIK pemohon", "Applicant's NIK", prefill="applicant_nik"),
            Field("hubungan", "choice", "Hubungan dengan peserta", "Relation to the participant", choices=RELATIONS,
                  prefill="applicant_relation"),
            _name("nama_peserta", "Nama lengkap peserta", "Participant's full name", prefill="insured_name"),
            Field("kpj", "kpj", "Nomor peserta (KPJ)", "Membership number (KPJ)", prefill="insured_kpj"),
            Field("tanggal_lahir", "date", "Tanggal lahir peserta", "Participant's date of birth", not_future=True,
                  prefill="insured_birth_date"),
            _address(),
            _phone(),
            Field("jenis_manfaat", "choice", "Jenis manfaat", "Benefit", choices=(
                _c("old_age", "Pensiun hari tua", "Old-age pension"),
                _c("disability", "Pensiun cacat", "Disability pension"),
                _c("survivor_spouse", "Pensiun janda / duda", "Widow's / widower's pension"),
                _c("survivor_child", "Pensiun anak", "Child's pension"),
                _c("survivor_parent", "Pensiun orang tua", "Parent's pension"),
            )),
            Field("pembayaran", "choice", "Cara pembayaran", "Payment", choices=(
                _c("monthly", "Manfaat pensiun berkala (bulanan)", "Monthly pension"),
                _c("lump_sum", "Manfaat sekaligus (bila iuran kurang dari 15 tahun)",
                   "Lump sum (when contributions are under 15 years)"),
            )),
            *_bank_fields(),
        )),
        Section("perusahaan", "Keterangan perusahaan", "Employer's statement", (EMPLOYER_OFFICER,), (
            _name("nama_perusahaan", "Nama perusahaan", "Company name", prefill="employer_name"),
            Field("npp", "npp", "NPP", "NPP", prefill="employer_npp", max_length=10),
            Field("berhenti_bekerja", "date", "Tanggal berhenti bekerja", "Employment end", not_future=True,
                  prefill="employment_end"),
            Field("upah_terakhir", "amount", "Upah terakhir sebulan (Rp)", "Last monthly wage (Rp)", minimum=1,
                  maximum=1_000_000_000),
            *_employer_officer_fields(),
        )),
    ),
)

#: Every version of every form, by form code (oldest first).
FORMS: dict[str, tuple[FormDefinition, ...]] = {
    d.code: (d,) for d in (FORMULIR_5, FORMULIR_3, FORMULIR_3A, FORMULIR_3B, FORMULIR_4, FORMULIR_7)
}
FORMS["formulir_4"] = (FORMULIR_4, FORMULIR_4_V2)


def definition_current(code: str, on: date) -> FormDefinition | None:
    """The version of form ``code`` in force on ``on`` (the latest ``valid_from`` not after it)."""
    versions = [d for d in FORMS.get(code, ()) if d.valid_from <= on]
    return max(versions, key=lambda d: d.valid_from) if versions else None


def definition_get(code: str, version: str) -> FormDefinition | None:
    """One exact version (what a draft was started with)."""
    return next((d for d in FORMS.get(code, ()) if d.version == version), None)


def sections_for_party(definition: FormDefinition, party: str) -> list[Section]:
    """The sections of ``definition`` that ``party`` fills and signs (the employer's side asks this too)."""
    return [s for s in definition.sections if party in s.parties]


def definition_problems(definition: FormDefinition) -> list[str]:
    """What is wrong with a definition (empty: valid). Checked by the tests for every shipped version."""
    problems: list[str] = []
    seen_sections: set[str] = set()
    if not definition.sections:
        problems.append(f"{definition.code}: no sections")
    for section in definition.sections:
        where = f"{definition.code}/{section.code}"
        if section.code in seen_sections:
            problems.append(f"{where}: section code repeated")
        seen_sections.add(section.code)
        if not section.parties or set(section.parties) - set(PARTIES):
            problems.append(f"{where}: unknown or no party {section.parties}")
        if not any(f.required for f in section.fields):
            problems.append(f"{where}: nothing mandatory")
        codes = [f.code for f in section.fields]
        if len(codes) != len(set(codes)):
            problems.append(f"{where}: field code repeated")
        for f in section.fields:
            if f.kind not in KINDS:
                problems.append(f"{where}/{f.code}: unknown kind {f.kind}")
            if (f.kind == "choice") != bool(f.choices):
                problems.append(f"{where}/{f.code}: choices belong to choice fields only")
            if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
                problems.append(f"{where}/{f.code}: minimum above maximum")
            if not f.label_id or not f.label_en:
                problems.append(f"{where}/{f.code}: label missing in a language")
            if f.required_when:
                other, _eq, value = f.required_when.partition("=")
                target = section.field(other) if _eq else None
                if f.required:
                    problems.append(f"{where}/{f.code}: required_when on a mandatory field")
                elif _eq and (target is None or target.kind != "choice"
                              or value not in {c.value for c in target.choices}):
                    problems.append(f"{where}/{f.code}: required_when names no choice of this section")
                elif not _eq and f.required_when not in FACTS:
                    problems.append(f"{where}/{f.code}: required_when names an unknown fact")
    return problems
