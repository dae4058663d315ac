#!/usr/bin/env python
"""The API against its own schema: schemathesis calls every operation of /api/schema/ as an
owner and as a viewer of one organization, and fails on any server error or any answer
the schema does not describe (status code, content type, body).

A throwaway SQLite database under /tmp is migrated and seeded (the demo organization and
agencies, a viewer, a few requests and a campaign), the app is served by gunicorn on a free
port, and each run is bounded in time. The viewer's run also checks that no write of theirs
is accepted (api_contract_checks.py).

    python scripts/api_contract.py [--max-time SECONDS] [--max-examples N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Not negative_data_rejection: DRF reads a number sent for a text as that text ({"text": 0} is
# the letter "0") and a blank form field as one not given (its default); lenient readings the
# schema cannot state. Run with it, these were the only schema-violating inputs accepted.
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance", "unsupported_method",
          "allow_header_conformance", "missing_required_header", "ignored_auth", "viewer_cannot_write"]


def main() -> int:
    options = _options()
    if options.seed:
        return _seed()
    folder = Path(tempfile.mkdtemp(prefix="recordsreq-contract-"))
    env = _environment(folder)
    started = time.monotonic()
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        seeded = json.loads(subprocess.run([PYTHON, __file__, "--seed"], cwd=ROOT, env=env, check=True,
                                           capture_output=True, text=True).stdout)
        print(f"seeded in {time.monotonic() - started:.0f} s: {seeded['ids']}", flush=True)
        with _served(env, folder / "server.log") as base:
            failed = [role for role in ("viewer", "owner")
                      if not _schemathesis(base, role, seeded, options, env, folder)]
    finally:
        if options.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"API contract: {'failed for ' + ', '.join(failed) if failed else 'kept'} "
          f"in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failed else 0


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-time", type=int, default=50, help="seconds of schemathesis per role (default 50)")
    parser.add_argument("--max-examples", type=int, default=15, help="examples per operation (default 15)")
    # One: with two, Hypothesis describing its strategies in parallel threads tripped CPython
    # 3.11's parser ("AST constructor recursion depth mismatch"), failing operations untested.
    parser.add_argument("--workers", type=int, default=1, help="schemathesis workers (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the database and files, and print where")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)  # the child that seeds
    return parser.parse_args()


def _environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recordsreq.test_settings",  # safe values: local mail, eager tasks
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "0",  # errors answered as in production
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "1000000/hour",  # 429 is documented; here every call should be tried
        "CACHE_URL": "",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), os.environ.get("PYTHONPATH", "")]),
    }


def _seed() -> int:
    """Runs in a child process, with the throwaway database configured: prints what it made."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.agencies.models import Agency
    from requests_app.api.tokens import token_create
    from requests_app.campaigns.services import campaign_add_agencies, campaign_create
    from requests_app.correspondence.services import Message
    from requests_app.demo.services import demo_seed
    from requests_app.letters.drafts import request_create
    from requests_app.records.services import items_for
    from requests_app.teams.models import Role, User
    from requests_app.teams.services import membership_set
    from requests_app.workflow.replies import communication_log
    from requests_app.workflow.status import request_transition

    demo = demo_seed()
    organization, owner, today = demo.organization, demo.user, timezone.localdate()
    viewer = User.objects.create(username="viewer", email="viewer@example.org")
    memberships = {"owner": membership_set(organization=organization, user=owner, role=Role.OWNER),
                   "viewer": membership_set(organization=organization, user=viewer, role=Role.VIEWER)}
    agencies = list(Agency.objects.order_by("pk")[:6])
    items = items_for(organization=organization, keys=["org-audit", "sharing"])
    requests = [request_create(organization=organization, agency=agency, user=owner, title="ALPR records",
                               items=items, today=today) for agency in agencies[:3]]
    sent = requests[0]  # submitted a week ago, with an email from the agency logged
    request_transition(request=sent, to_status="submitted", user=owner, on=today - timedelta(days=7))
    communication_log(request=sent, user=owner, message=Message(
        direction="from_agency", channel="email", occurred_on=today - timedelta(days=5), subject="Received"))
    campaign = campaign_create(organization=organization, user=owner, title="Statewide", item_keys=["org-audit"])
    campaign_add_agencies(campaign=campaign, agencies=agencies[3:5], user=owner, today=today)
    tokens = {role: token_create(membership=m, name="contract")[1] for role, m in memberships.items()}
    ids = {"requests": [r.pk for r in requests], "campaigns": [campaign.pk], "agencies": [a.pk for a in agencies],
           "laws": ["TX", "WA", "US"]}
    print(json.dumps({"tokens": tokens, "ids": ids}))
    return 0


class _served:
    """gunicorn on a free port, until the block ends. Its log (every refusal is logged, so it
    is long) goes to a file; its server errors are printed at the end."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log

    def __enter__(self) -> str:
        self.out = self.log.open("w")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "recordsreq.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "60", "--log-level", "warning",
             # The app's own answers are checked, not the front server's: gunicorn's default 4 KB
             # request line turns a long generated query into its HTML 414 before Django sees it.
             "--limit-request-line", "0"], cwd=ROOT, env=self.env, stdout=self.out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/schema/", timeout=2)
                return base
            except OSError:
                time.sleep(0.25)
        self.process.kill()
        raise SystemExit("the app did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.out.close()
        # django.request logs a server error at ERROR (a refusal at WARNING); gunicorn its own as [ERROR].
        errors = [line for line in self.log.read_text().splitlines()
                  if "ERROR django.request" in line or "[ERROR]" in line]
        print("\n".join(["== server errors logged ==", *errors]) if errors else "no server error logged", flush=True)


def _schemathesis(base: str, role: str, seeded: dict, options: argparse.Namespace, env: dict[str, str],
                  folder: Path) -> bool:
    print(f"== schemathesis as the {role} ==", flush=True)
    command = [
        str(Path(PYTHON).parent / "st"), "run", f"{base}/api/schema/",
        "--header", f"Authorization: Bearer {seeded['tokens'][role]}",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(options.max_examples), "--max-time", str(options.max_time),
        "--workers", str(options.workers), "--request-timeout", "30",
        "--phases", "examples,coverage,fuzzing",
        "--seed", "1", "--no-color", "--warnings", "off",
        "--generation-database", ":memory:",
    ]
    hooks = {**env, "SCHEMATHESIS_HOOKS": "api_contract_checks", "CONTRACT_ROLE": role,
             "CONTRACT_IDS": json.dumps(seeded["ids"])}
    # Run from the throwaway folder: schemathesis keeps its cache in ./.schemathesis. The
    # timeout is a backstop should a call hang past schemathesis's own budget.
    try:
        return subprocess.run(command, cwd=folder, env=hooks, timeout=options.max_time * 3 + 60).returncode == 0
    except subprocess.TimeoutExpired:
        print(f"schemathesis as the {role} did not finish in time", flush=True)
        return False


if __name__ == "__main__":
    sys.exit(main())
