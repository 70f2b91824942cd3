"""Today on a slow phone: Chromium with a slow mobile network and CPU opens a patient's Today.

The patient is at home today with 6 exercises (the same patient as `today_throughput.py`).
The server is gunicorn with 2 sync workers (DEBUG off, `config.settings.bench`: the test
settings with Django's Redis cache; the benchmark starts its own `redis-server`), on a
throwaway SQLite, or a fresh PostgreSQL database under `scripts/with-postgres.sh`. The
static files are served as in production: collected under hashed names and compressed
(`collectstatic` into a temporary `BENCH_STATIC_ROOT`), by WhiteNoise.

Chromium (Debian's, headless, through Playwright) is a mid-range phone on a poor mobile
connection: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, by a slow network in front
of the server (`slow_network.py`, a proxy that delays and paces every byte, so what the
service worker fetches is slowed as much as what the page fetches: DevTools' network
emulation slows the page alone), and the CPU 4 times slower (DevTools'
`Emulation.setCPUThrottlingRate`), with a 390 px wide screen.

Measured, each visit in a fresh browser context (no cache, no service worker) signed in as
the patient:

- first visit: the bytes transferred (every response's encoded length, as the network
  saw it) and the time from the start of the navigation until the first exercise's
  demonstration is drawn: the presentation of the frame that first showed its picture, as
  the browser times it (Element Timing: the picture carries `elementtiming`). Printed
  beside it, not a target: "settled", two frames after the picture loaded, which also
  counts what the page does after it is drawn (its scripts, the next pictures);
- repeat visit: the same page opened again in the same context once the service worker
  controls it and the first visit's copies for offline use are fetched (a patient's next
  visit comes later), from its cache and the browser's.

A first visit's page carries its stylesheet and first demonstration inside it; a page the
service worker asks for names them, and the worker serves them from its cache (web/assets.py).

The floor, in the same run on the same server under the same throttling: a blank page
(`/static/bench/blank.html`, an empty HTML document) opened the same way, until it is
drawn (nothing on it can be timed: the start of the first frame after its load, a little
before that frame is shown, so the floor errs low), first in a fresh context and then again
in the same context. Its second opening
asks the server again (its URL is new to the browser's cache), as Today's repeat visit
does: the service worker serves scripts, styles and pictures from its cache but asks the
server for the page itself (network-first), because a patient must see today's program and
not yesterday's copy. A blank page served from the browser's memory (no request at all) is
no floor for a page that has to be asked for. Rounds interleave the floor and Today; every
round is printed. Targets: the first visit under 150 KB and within 2x the blank page, the
repeat visit within 1.5x the blank page opened again.

    .venv/bin/python bench/phone_today.py [--rounds 3]
    scripts/with-postgres.sh .venv/bin/python bench/phone_today.py
"""

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from typing import Any

from _django import bench_database  # first: it puts the project (and testsupport) on the path
from slow_network import Link, SlowNetwork
from today_throughput import HOME_EXERCISES, Target, seed, start_server, stop, wait_until_up

from testsupport.processes import RedisServer, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A mid-range phone on a poor mobile connection (the figures of the issue).
LATENCY_MS = 150
DOWN_BYTES_S = 1.6e6 / 8
UP_BYTES_S = 750e3 / 8
CPU_SLOWDOWN = 4
PHONE = {"width": 390, "height": 844}
FIRST_VISIT_BYTES = 150 * 1024
FIRST_VISIT_RATIO = 2.0
REPEAT_VISIT_RATIO = 1.5
BLANK = "/static/bench/blank.html"
# The first exercise's demonstration on Today (its picture in the first card).
FIRST_DEMO = ".cards .card:first-child .pictures img"

# Resolves, in the page, with two times since the navigation started, in ms:
# - drawn: with a selector, when the frame that first showed its picture was presented (the
#   picture's Element Timing entry, `elementtiming` on it); with none (the blank page, which
#   has nothing whose drawing can be timed), the start of the first frame after its load,
#   a little before that frame is shown: the floor errs low, never in Today's favour;
# - settled: once the picture has loaded and two more frames have begun (the blank page:
#   two frames after its load), so also after what the page does once it is drawn.
# -1 when the selector finds no picture, -2 when the picture carries no elementtiming.
DRAWN_JS = """selector => new Promise(resolve => {
    const frames = (count, done) => count ? requestAnimationFrame(() => frames(count - 1, done))
        : done(performance.now());
    const afterLoad = (target, then) => {
        if (target === window ? document.readyState === "complete"
                : target.complete && target.naturalWidth) then();
        else target.addEventListener("load", then, {once: true});
    };
    if (!selector) {
        afterLoad(window, () => frames(1, drawn => frames(1, settled => resolve(
            {drawn, settled}))));
        return;
    }
    const timePicture = () => {
        const picture = document.querySelector(selector);
        if (!picture) { resolve({drawn: -1, settled: -1}); return; }
        const identifier = picture.getAttribute("elementtiming");
        if (!identifier) { resolve({drawn: -2, settled: -2}); return; }
        const drawn = new Promise(done => new PerformanceObserver((list, observer) => {
            const entry = list.getEntries().find(e => e.identifier === identifier && e.renderTime);
            if (entry) { observer.disconnect(); done(entry.renderTime); }
        }).observe({type: "element", buffered: true}));
        const settled = new Promise(done => afterLoad(picture, () => frames(2, done)));
        Promise.all([drawn, settled]).then(([drawn, settled]) => resolve({drawn, settled}));
    };
    // The page may still be parsing when this runs (a page carrying its stylesheet in its
    // head reaches the picture later): its entry is kept for the observer (buffered).
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", timePicture, {once: true});
    } else {
        timePicture();
    }
})"""


@dataclass(frozen=True)
class Visit:
    milliseconds: float  # until drawn
    bytes: int
    settled: float  # until the page's work after drawing is done (see DRAWN_JS)


def throttled_page(context: Any) -> tuple[Any, Any, list[int]]:
    """A page of `context` on the slow phone's CPU (its network is the slow proxy the URLs
    name), and the list its responses' sizes go to."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(int(event["encodedDataLength"])))
    return page, cdp, sizes


def visit(page: Any, sizes: list[int], url: str, selector: str) -> Visit:
    sizes.clear()
    page.goto(url, wait_until="commit")
    times = page.evaluate(DRAWN_JS, selector)
    if times["drawn"] == -1:
        raise SystemExit(f"no {selector!r} on {url}: has Today's page changed?")
    if times["drawn"] == -2:
        raise SystemExit(f"{selector!r} on {url} has no elementtiming: its drawing is not timed")
    page.wait_for_load_state("load")
    return Visit(times["drawn"], sum(sizes), times["settled"])


def today_visits(browser: Any, base: str, session: str) -> tuple[Visit, Visit]:
    """The first and the repeat visit of Today, in a context of their own."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    try:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        page, _cdp, sizes = throttled_page(context)
        first = visit(page, sizes, f"{base}/app/today/", FIRST_DEMO)
        # The repeat visit is the one the service worker serves: wait until it controls.
        page.evaluate("() => navigator.serviceWorker.ready")
        if not page.evaluate("() => !!navigator.serviceWorker.controller"):
            page.reload(wait_until="load")
        # A patient comes back later, not while the first visit still fetches the day's
        # pages and pictures for offline (app.js): on the slow link those would share it.
        page.wait_for_load_state("networkidle")
        repeat = visit(page, sizes, f"{base}/app/today/", FIRST_DEMO)
        return first, repeat
    finally:
        context.close()


def blank_visits(browser: Any, base: str) -> tuple[Visit, Visit]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    try:
        page, _cdp, sizes = throttled_page(context)
        first = visit(page, sizes, f"{base}{BLANK}", "")
        # Asked for again, not taken from the browser's cache (see the module's docstring).
        repeat = visit(page, sizes, f"{base}{BLANK}?again", "")
        return first, repeat
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    from playwright.sync_api import sync_playwright

    redis = RedisServer().start()
    os.environ["CACHE_URL"] = os.environ["REDIS_URL"] = redis.url
    static = tempfile.mkdtemp(prefix="bench-static-")
    server = None
    stack = contextlib.ExitStack()
    try:
        # The static files as production serves them: collected, hashed and compressed.
        environ = {"DATABASE_CONN_MAX_AGE": "60", "BENCH_STATIC_ROOT": static}
        with bench_database("config.settings.bench", environ):
            from django.core.management import call_command
            from django.db import connection

            call_command("collectstatic", interactive=False, verbosity=0)
            seeded = seed(30)
            port = free_port()
            server = start_server(port)
            wait_until_up(server, port, Target("floor", BLANK, "").request(port))
            network = SlowNetwork(Link(LATENCY_MS / 1000, DOWN_BYTES_S, UP_BYTES_S), port)
            stack.enter_context(network)
            base = f"http://127.0.0.1:{network.port}"
            print(f"database: {connection.vendor}; gunicorn, 2 sync workers")
            print(
                f"phone:    {PHONE['width']} px, {LATENCY_MS} ms round trip, "
                f"{DOWN_BYTES_S * 8 / 1e6:g} Mbit/s down, {UP_BYTES_S * 8 / 1e3:g} kbit/s up, "
                f"CPU {CPU_SLOWDOWN}x slower"
            )
            print(f"patient:  {HOME_EXERCISES} home exercises today")
            rows: list[tuple[Visit, Visit, Visit, Visit]] = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                try:
                    for number in range(1, args.rounds + 1):
                        blank_first, blank_repeat = blank_visits(browser, base)
                        first, repeat = today_visits(browser, base, seeded.session)
                        rows.append((blank_first, blank_repeat, first, repeat))
                        print(
                            f"  round {number}: drawn: blank {blank_first.milliseconds:.0f} ms "
                            f"(repeat {blank_repeat.milliseconds:.0f} ms); Today first visit "
                            f"{first.milliseconds:.0f} ms, {first.bytes / 1024:.1f} KB "
                            f"({first.milliseconds / blank_first.milliseconds:.2f}x), "
                            f"repeat {repeat.milliseconds:.0f} ms, "
                            f"{repeat.bytes / 1024:.1f} KB "
                            f"({repeat.milliseconds / blank_repeat.milliseconds:.2f}x); "
                            f"settled: first {first.settled / blank_first.settled:.2f}x, "
                            f"repeat {repeat.settled / blank_repeat.settled:.2f}x"
                        )
                finally:
                    browser.close()
            report(rows)
    finally:
        stack.close()
        if server is not None:
            stop(server)
        redis.stop()
        shutil.rmtree(static, ignore_errors=True)


def report(rows: list[tuple[Visit, Visit, Visit, Visit]]) -> None:
    first_ratio = statistics.median(r[2].milliseconds / r[0].milliseconds for r in rows)
    repeat_ratio = statistics.median(r[3].milliseconds / r[1].milliseconds for r in rows)
    first_bytes = statistics.median(r[2].bytes for r in rows)
    settled_first = statistics.median(r[2].settled / r[0].settled for r in rows)
    settled_repeat = statistics.median(r[3].settled / r[1].settled for r in rows)
    print(f"first visit: {first_bytes / 1024:.1f} KB (median), {first_ratio:.2f}x the blank page")
    print(f"repeat visit: {repeat_ratio:.2f}x the blank page")
    # Not a target: what the page still does after it is drawn (see DRAWN_JS).
    print(f"settled: first visit {settled_first:.2f}x, repeat visit {settled_repeat:.2f}x")
    checks = {
        f"first visit under {FIRST_VISIT_BYTES // 1024} KB": first_bytes < FIRST_VISIT_BYTES,
        f"first visit within {FIRST_VISIT_RATIO:g}x": first_ratio <= FIRST_VISIT_RATIO,
        f"repeat visit within {REPEAT_VISIT_RATIO:g}x": repeat_ratio <= REPEAT_VISIT_RATIO,
    }
    for name, met in checks.items():
        print(f"target {name}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
