"""Benchmark of request-letter rendering: the app's pipeline against bare WeasyPrint.

What it measures, in one run against a fresh temporary database (setup is not timed):

1. Overhead. N letters finalised through the app (``letter_finalise``: compose the HTML,
   render it with the asset-only fetcher, per-thread fonts and the letter stylesheet
   parsed once per thread, hash the PDF, store it through Django storage and write a
   ``LetterVersion`` row), and the same letters rendered by bare WeasyPrint from the HTML
   the request page previews, which links the stylesheet (default fetcher, one shared
   ``FontConfiguration``).
   The two sides alternate in batches of 25 letters, so a burst of load from anything
   else on the machine falls on both alike. Both are warmed up on 5 uncounted letters.
   Overhead = app time / bare time - 1. Target: at most 10%.
2. Scaling. N fresh draft letters finalised by a pool of 1 worker process, then another
   N by a pool of 2 (spawned processes, each setting up Django against the same SQLite
   database and warming up on one throwaway letter before the clock starts).
   Speed-up = time with 1 / time with 2. Target: at least 1.8x (issue 18).

Each figure is the median of ``--runs`` runs (default 3), every run on fresh letters.
Figures are reported, not asserted: the script always exits 0.

Run from the repository root:

    .venv/bin/python bench/letters.py [--letters 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

    from requests_app.records.models import RecordsRequest
    from requests_app.teams.models import Organization, User

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSET_DIR = REPO_ROOT / "requests_app" / "letters" / "static" / "letters"
WARM_UP_LETTERS = 5
CHUNK_SIZE = 10
BATCH = 25
OVERHEAD_TARGET = 0.10
SPEED_UP_TARGET = 1.8
QUIET_LOGGERS = ("weasyprint", "fontTools", "requests_app.letters")


# Django setup (main process and every pool worker) ----------------------------------


def setup_django(var_dir: str) -> None:
    """Points the settings at ``var_dir`` and sets Django up; no app import may precede this."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="recordsreq.settings",
        DEBUG="0",  # as in production: no query log
        SECRET_KEY="bench-only-" + "x9Qm2Lr7Tz4Wv8Kp3Nc6" * 3,
        SECURE_SSL_REDIRECT="0",
        VAR_DIR=var_dir,
        CELERY_BROKER_URL="memory://",
    )
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(frozen=True)
class Fixture:
    user: User
    organization: Organization
    agency_ids: list[int]


def create_fixture(letters: int) -> Fixture:
    """Migrates the database, then creates a user, an organization and one agency per letter."""
    from django.core.management import call_command

    from bench.fixtures import organization_with_letterhead
    from requests_app.agencies.models import Agency
    from requests_app.laws.models import Jurisdiction

    call_command("migrate", verbosity=0)
    user, organization = organization_with_letterhead()
    codes = list(Jurisdiction.objects.order_by("code").values_list("code", flat=True))
    jurisdictions = {code: Jurisdiction.objects.get(code=code) for code in codes}
    agencies = [
        Agency.objects.create(
            name=f"Bench {n} Police Department",
            kind=Agency.Kind.POLICE,
            jurisdiction=jurisdictions[codes[n % len(codes)]],
            mailing_address=f"{n} Main Street\nSpringfield",
        )
        for n in range(letters)
    ]
    return Fixture(user, organization, [a.pk for a in agencies])


def create_requests(fixture: Fixture, count: int, label: str, today: date) -> list[RecordsRequest]:
    """``count`` draft requests asking for every built-in item, spread over the agencies."""
    from requests_app.agencies.models import Agency
    from requests_app.records.catalogue import BUILT_IN
    from requests_app.letters.drafts import request_create
    from requests_app.records.services import items_for

    items = items_for(organization=fixture.organization, keys=[item.key for item in BUILT_IN])
    agencies = Agency.objects.in_bulk(fixture.agency_ids)
    return [
        request_create(
            organization=fixture.organization,
            agency=agencies[fixture.agency_ids[n % len(fixture.agency_ids)]],
            user=fixture.user,
            title=f"ALPR records ({label} {n})",
            items=items,
            today=today,
        )
        for n in range(count)
    ]


# Single process: app pipeline against bare WeasyPrint --------------------------------


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def finalise_all(requests: Sequence[RecordsRequest], user: User, today: date) -> None:
    from requests_app.letters.services import letter_finalise

    for request in requests:
        letter_finalise(request=request, user=user, today=today, acknowledge_residency=True)


def html_of(requests: Sequence[RecordsRequest], today: date) -> list[str]:
    from requests_app.letters.services import preview_html

    return [preview_html(request, today=today, stylesheet="letter.css") for request in requests]


def bare_render_all(documents: Sequence[str], font_config: FontConfiguration) -> None:
    from weasyprint import HTML

    base_url = ASSET_DIR.as_uri() + "/"
    for html in documents:
        HTML(string=html, base_url=base_url).write_pdf(font_config=font_config)


def measure_interleaved(
    requests: Sequence[RecordsRequest], warm_up: Sequence[RecordsRequest], user: User, today: date
) -> tuple[float, float]:
    """Seconds for the app and for bare WeasyPrint, alternating batch by batch."""
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    bare_render_all(html_of(warm_up, today), font_config)
    finalise_all(warm_up, user, today)
    app_seconds = bare_seconds = 0.0
    for start in range(0, len(requests), BATCH):
        batch = requests[start : start + BATCH]
        documents = html_of(batch, today)  # the exact HTML the app is about to render
        app_seconds += timed(lambda: finalise_all(batch, user, today))
        bare_seconds += timed(lambda: bare_render_all(documents, font_config))
    return app_seconds, bare_seconds


# Process pools -----------------------------------------------------------------------

_worker_user: User | None = None
_worker_today: date | None = None


def init_worker(var_dir: str, user_id: int, today: date, warm_up_id: int, ready: Barrier) -> None:
    """Sets Django up in a spawned worker, renders one throwaway letter, then waits for the start."""
    global _worker_user, _worker_today
    setup_django(var_dir)
    from requests_app.letters.rendering import render_pdf
    from requests_app.letters.services import preview_html
    from requests_app.records.models import RecordsRequest
    from requests_app.teams.models import User

    _worker_user = User.objects.get(pk=user_id)
    _worker_today = today
    # Rendered but not stored, so the warm-up request stays a draft for the other worker.
    render_pdf(preview_html(RecordsRequest.objects.get(pk=warm_up_id), today=today, stylesheet="letter.css"))
    ready.wait()


def finalise_chunk(request_ids: list[int]) -> int:
    from requests_app.records.models import RecordsRequest

    assert _worker_user is not None and _worker_today is not None
    requests = [RecordsRequest.objects.get(pk=pk) for pk in request_ids]
    finalise_all(requests, _worker_user, _worker_today)
    return len(requests)


def measure_pool(processes: int, request_ids: Sequence[int], var_dir: str, user_id: int, today: date, warm_up_id: int) -> float:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    chunks = [list(request_ids[i : i + CHUNK_SIZE]) for i in range(0, len(request_ids), CHUNK_SIZE)]
    initargs = (var_dir, user_id, today, warm_up_id, ready)
    with context.Pool(processes, initializer=init_worker, initargs=initargs) as pool:
        ready.wait(timeout=300)  # every worker is set up and warm
        start = time.perf_counter()
        done = sum(pool.map(finalise_chunk, chunks, chunksize=1))
        elapsed = time.perf_counter() - start
    if done != len(request_ids):
        raise RuntimeError(f"pool of {processes} finalised {done} of {len(request_ids)} letters")
    return elapsed


def letters_finalised(request_ids: Sequence[int]) -> int:
    from requests_app.letters.models import LetterVersion

    return LetterVersion.objects.filter(request_id__in=request_ids).values("request_id").distinct().count()


# Report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    app_seconds: float
    bare_seconds: float
    one_seconds: float
    two_seconds: float


@dataclass(frozen=True)
class Results:
    letters: int
    rounds: list[Round]

    def median(self, figure: str) -> float:
        return statistics.median(getattr(round_, figure) for round_ in self.rounds)

    @property
    def overhead(self) -> float:
        return self.median("app_seconds") / self.median("bare_seconds") - 1

    @property
    def speed_up(self) -> float:
        return self.median("one_seconds") / self.median("two_seconds")


def report(results: Results, total_seconds: float) -> str:
    n = results.letters
    rows = [
        ("app pipeline, 1 process", "app_seconds"),
        ("bare WeasyPrint, 1 process", "bare_seconds"),
        ("app pipeline, pool of 1", "one_seconds"),
        ("app pipeline, pool of 2", "two_seconds"),
    ]
    overhead_ok = results.overhead <= OVERHEAD_TARGET
    speed_up_ok = results.speed_up >= SPEED_UP_TARGET
    lines = [f"{n} letters per run, median of {len(results.rounds)} run(s)",
             f"{'run':<28} {'seconds':>9} {'letters/s':>10}"]
    lines += [f"{name:<28} {results.median(figure):>9.2f} {n / results.median(figure):>10.1f}"
              for name, figure in rows]
    lines += [
        f"app overhead over bare WeasyPrint: {results.overhead:+.1%}",
        f"speed-up of 2 processes over 1:    {results.speed_up:.3f}x",
        f"{'met' if overhead_ok else 'NOT MET'}: overhead {results.overhead:+.1%} (target at most {OVERHEAD_TARGET:.0%})",
        f"{'met' if speed_up_ok else 'NOT MET'}: speed-up {results.speed_up:.3f}x (target at least {SPEED_UP_TARGET}x)",
        f"total run time {total_seconds:.0f} s (including setup)",
    ]
    return "\n".join(lines)


def one_round(fixture: Fixture, letters: int, number: int, var_dir: str, today: date) -> Round:
    """The four measurements on fresh letters of their own."""
    warm_up = create_requests(fixture, WARM_UP_LETTERS, f"warm-up {number}", today)
    requests = create_requests(fixture, letters, f"single {number}", today)
    for_one = [r.pk for r in create_requests(fixture, letters, f"pool-1 {number}", today)]
    for_two = [r.pk for r in create_requests(fixture, letters, f"pool-2 {number}", today)]

    app_seconds, bare_seconds = measure_interleaved(requests, warm_up, fixture.user, today)
    pool_args = (var_dir, fixture.user.pk, today, warm_up[0].pk)
    one_seconds = measure_pool(1, for_one, *pool_args)
    two_seconds = measure_pool(2, for_two, *pool_args)

    finalised = letters_finalised([r.pk for r in requests] + for_one + for_two)
    if finalised != 3 * letters:
        raise RuntimeError(f"expected {3 * letters} finalised letters, found {finalised}")
    return Round(app_seconds, bare_seconds, one_seconds, two_seconds)


def run(letters: int, runs: int, var_dir: str) -> Results:
    setup_django(var_dir)
    today = date.today()
    fixture = create_fixture(letters)
    return Results(letters, [one_round(fixture, letters, number, var_dir, today) for number in range(1, runs + 1)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=500, help="letters per measured run (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each figure their median (default 3)")
    args = parser.parse_args(argv)
    if args.letters < 1 or args.runs < 1:
        parser.error("--letters and --runs must be at least 1")

    started = time.perf_counter()
    var_dir = tempfile.mkdtemp(prefix="recordsreq-bench-")
    try:
        results = run(args.letters, args.runs, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(report(results, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
