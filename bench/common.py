"""Shared helpers of the benchmark: a fresh PostgreSQL database per size, timing and memory."""

import gc
import os
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database: str):
    """Point Django at a benchmark database on the machine's PostgreSQL and set it up."""
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongliao_portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DEBUG"] = "false"
    os.environ["PORTAL_HTTPS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()


def recreate_database(database: str):
    import psycopg2

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()


@dataclass
class Arm:
    """One contender of a case: its timings (seconds), peak Python memory (bytes) and output check."""

    name: str
    times: list[float] = field(default_factory=list)
    peak: int = 0
    check: object = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def measure(name: str, func, *, rounds: int, warmup: int = 1, memory: bool = True) -> Arm:
    """Run ``func`` ``warmup`` times untimed, then ``rounds`` times; its last result is the output check."""
    arm = Arm(name)
    for _ in range(warmup):
        arm.check = func()
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        arm.check = func()
        arm.times.append(time.perf_counter() - started)
    if memory:
        gc.collect()
        tracemalloc.start()
        func()
        arm.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return arm


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f}"
