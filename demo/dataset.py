"""A synthetic data set at province scale for benchmarks (``generate_dataset``).

Enterprises spread over the units with valid credit codes and Chinese names (some with
half-width brackets, some beginning with ``=`` or ``+`` to exercise formula injection
in exports), certificates over the years with re-certification on the three-year
cycle, SME registrations over several years, and a few revocations. Rows are flagged
``is_demo`` (synthetic) and written with bulk inserts in chunks.
"""

import datetime
import random

from django.db import transaction
from stdnum.cn import uscc

from enterprises import rules
from enterprises.models import CertificationKind, Enterprise, HighTechCertification, Stage, TechSMERegistration
from units.models import County

BRAND_CHARS = (
    "金银华中东西南北天宏鑫源泰盛通达恒信瑞丰嘉禾博远聚能铭启明青城万安宇昊益锦长河凯新佳汇智蒙富科创草原绿星辰光海"
)
CORES = [
    "生物科技",
    "新材料",
    "农牧科技",
    "电子科技",
    "智能装备",
    "环保科技",
    "新能源",
    "药业",
    "信息技术",
    "食品科技",
    "化工",
    "机械制造",
    "软件",
    "检测技术",
    "节能技术",
]
HOSTILE_PREFIXES = ["=", "+", "-", "@"]
BATCH_DAYS = [(10, 26), (11, 30), (12, 14)]
CHUNK = 5_000


class DatasetGenerator:
    def __init__(self, *, enterprises: int, seed: int, today: datetime.date):
        self.total = enterprises
        self.rng = random.Random(seed)
        self.today = today
        self.counties = list(County.objects.filter(is_active=True))
        self.cert_serial = 0
        self.sme_serial = 0
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def _name(self) -> str:
        while True:
            brand = "".join(self.rng.choice(BRAND_CHARS) for _ in range(self.rng.choice((2, 3, 3, 4))))
            name = f"{brand}{self.rng.choice(CORES)}有限公司"
            roll = self.rng.random()
            if roll < 0.05:
                name = f"{brand}({self.rng.choice(['通辽', '内蒙古', '科尔沁'])}){self.rng.choice(CORES)}有限公司"
            elif roll < 0.055:
                name = self.rng.choice(HOSTILE_PREFIXES) + name
            key = rules.name_key(name)
            if key not in self.names:
                self.names.add(key)
                return name

    def _code(self, county: County) -> str:
        while True:
            body = "91" + county.code + "".join(self.rng.choice(rules.CREDIT_CODE_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _issue_date(self, year: int) -> datetime.date | None:
        month, day = self.rng.choice(BATCH_DAYS)
        issued = datetime.date(year, month, day)
        return issued if issued <= self.today else None

    def _certifications(self, enterprise: Enterprise) -> list[HighTechCertification]:
        if self.rng.random() > 0.95:
            return []
        year = self.rng.randint(2010, 2025)
        rows, kind = [], CertificationKind.FIRST
        while year <= self.today.year:
            issued = self._issue_date(year)
            if issued is None:
                break
            self.cert_serial += 1
            cert = HighTechCertification(
                enterprise=enterprise,
                number=f"GR{year}15{self.cert_serial:06d}"
                if self.cert_serial < 1_000_000
                else f"GF{year}15{self.cert_serial % 1_000_000:06d}",
                issued_on=issued,
                valid_until=rules.hte_valid_until(issued),
                kind=kind,
                batch=f"{year}年第{BATCH_DAYS.index((issued.month, issued.day)) + 1}批",
            )
            if self.rng.random() < 0.005:
                cert.revoked_on = issued + datetime.timedelta(days=self.rng.randint(30, 700))
                cert.revoke_reason = "年度发展情况报表连续两年未填报"
            rows.append(cert)
            if cert.revoked_on or self.rng.random() > 0.94:
                break
            year, kind = year + 3, CertificationKind.RENEWAL
        return rows

    def _registrations(self, enterprise: Enterprise) -> list[TechSMERegistration]:
        if self.rng.random() > 0.55:
            return []
        rows = []
        for year in range(2019, self.today.year + 1):
            if self.rng.random() > 0.6:
                continue
            latest = min(datetime.date(year, 10, 31), self.today)
            start = datetime.date(year, 5, 20)
            if latest < start:
                continue
            self.sme_serial += 1
            reg = TechSMERegistration(
                enterprise=enterprise,
                year=year,
                number=f"{year}{enterprise.county.code}{self.sme_serial:08d}",
                registered_on=start + datetime.timedelta(days=self.rng.randint(0, (latest - start).days)),
            )
            if self.rng.random() < 0.005:
                reg.revoked_on = min(reg.registered_on + datetime.timedelta(days=60), self.today)
                reg.revoke_reason = "核查发现不符合评价条件"
            rows.append(reg)
        return rows

    def run(self, progress=None) -> dict[str, int]:
        counts = {"enterprises": 0, "certifications": 0, "registrations": 0}
        for start in range(0, self.total, CHUNK):
            size = min(CHUNK, self.total - start)
            with transaction.atomic():
                batch = []
                for _ in range(size):
                    county = self.rng.choice(self.counties)
                    name = rules.normalize_name(self._name())
                    batch.append(
                        Enterprise(
                            credit_code=self._code(county),
                            name=name,
                            name_key=rules.name_key(name),
                            county=county,
                            stage=self.rng.choice(list(Stage)),
                            is_demo=True,
                        )
                    )
                saved = Enterprise.objects.bulk_create(batch, batch_size=CHUNK)
                certs, regs = [], []
                for enterprise in saved:
                    certs += self._certifications(enterprise)
                    regs += self._registrations(enterprise)
                HighTechCertification.objects.bulk_create(certs, batch_size=CHUNK)
                TechSMERegistration.objects.bulk_create(regs, batch_size=CHUNK)
            counts["enterprises"] += len(saved)
            counts["certifications"] += len(certs)
            counts["registrations"] += len(regs)
            if progress:
                progress(counts)
        return counts
