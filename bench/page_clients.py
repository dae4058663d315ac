"""The timed HTTP clients of bench/pages.py: browsers with their own sessions, fetching
page after page against the server, each reply timed."""

from __future__ import annotations

import argparse
import http.client
import random
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
USERNAME, PASSWORD = "demo", "recordsreq-demo"  # requests_app.demo.services; not imported before setup
DETAIL = "request page"
# Page types and their addresses; request pages get their ids at run time.
LIST_PAGES: list[tuple[str, str]] = [
    ("dashboard", "/"),
    ("list", "/requests/"),
    ("list ?status=submitted&page=5", "/requests/?status=submitted&page=5"),
    ("list ?page=20", "/requests/?page=20"),
]
# The pages that pick agencies, and the search behind their pickers as a person types into
# one: a name, a county, an ORI, two letters, and a word most of the directory has.
PICKER_PAGES: list[tuple[str, str]] = [("new request", "/requests/new/"), ("new campaign", "/campaigns/new/")]
SEARCHES: list[tuple[str, str]] = [(f"search.json ?q={q}", "/agencies/search.json?" + urlencode({"q": q, "limit": 20}))
                                   for q in ("seattle", "spokane county", "OR0200300", "sp", "police")]
FIXED_PAGES = LIST_PAGES + PICKER_PAGES + SEARCHES


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


class Session:
    """One browser: its own cookies, a new connection per request (gunicorn's sync worker closes each)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None, {})

    def post(self, path: str, form: dict[str, str]) -> Reply:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}{path}"}
        return self._send("POST", path, urlencode(form).encode(), headers)

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        seconds = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: morsel.value for k, morsel in SimpleCookie(header).items()})
        return Reply(response.status, content, seconds)

    def log_in(self) -> None:
        page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or token is None:
            raise RuntimeError(f"no login form (HTTP {page.status})")
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": USERNAME, "password": PASSWORD}
        reply = self.post("/accounts/login/", form)
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the demo user could not log in (HTTP {reply.status})")


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # the largest reply of each page type, in bytes
    errors: list[str] = field(default_factory=list)


def one_round(session: Session, rng: random.Random, ids: Sequence[int], details: int) -> list[tuple[str, Reply]]:
    pages = FIXED_PAGES + [(DETAIL, f"/requests/{rng.choice(ids)}/") for _ in range(details)]
    return [(name, session.get(path)) for name, path in pages]


def client(number: int, port: int, ids: Sequence[int], args: argparse.Namespace, start: threading.Barrier,
           timings: Timings, lock: threading.Lock) -> None:
    rng = random.Random(number)
    try:
        session = Session(port)
        session.log_in()
        for _ in range(args.warm_up):
            one_round(session, rng, ids, args.detail_per_round)
    except Exception as error:  # reported, and the other clients go on
        with lock:
            timings.errors.append(f"client {number} could not start: {error}")
        start.abort()
        return
    start.wait()
    for _ in range(args.rounds):
        for name, reply in one_round(session, rng, ids, args.detail_per_round):
            with lock:
                if reply.status == 200:
                    timings.seconds.setdefault(name, []).append(reply.seconds)
                    timings.sizes[name] = max(timings.sizes.get(name, 0), len(reply.body))
                else:
                    timings.errors.append(f"{name}: HTTP {reply.status}")


def run_clients(port: int, ids: Sequence[int], args: argparse.Namespace) -> tuple[Timings, float]:
    timings, lock = Timings(), threading.Lock()
    start = threading.Barrier(args.clients + 1)
    threads = [threading.Thread(target=client, args=(n, port, ids, args, start, timings, lock))
               for n in range(args.clients)]
    for thread in threads:
        thread.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - began
