"""A phone with the app takes a new release by itself, without clearing anything.

Production's static files (hashed names, collected into STATIC_ROOT, served by WhiteNoise)
are made from a copy of the app's files in a temporary folder. The phone opens the app
under release 1; release 2 changes app.css and app.js; the phone opens the app again
and uses release 2's files from release 2's cache, and release 1's cache is gone.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.conftest import PASSWORD, make_clinician, program_for
from tests.e2e.conftest import wait_for_answer
from tests.e2e.test_patient_app import PHONE
from tests.web.conftest import sciatica_patient
from tests.web.static_deploy import StaticDeploys
from web.assets import asset_urls, assets_version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RELEASE = """() => [
  getComputedStyle(document.documentElement).getPropertyValue("--release").trim(),
  window.appRelease,
]"""
CACHES = "() => caches.keys().then(keys => keys.sort())"


class Releases:
    """The web application of the release in service, behind one address.

    A release is a new application over its own STATIC_ROOT, as a restarted process is:
    WhiteNoise reads the collected files when it starts.
    """

    def __init__(self) -> None:
        self.current: Callable[..., Iterable[bytes]] | None = None

    def start(self) -> None:
        self.current = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        assert self.current is not None
        return self.current(environ, start_response)


class Server(ThreadedWSGIServer):
    """The live server's, minus closing the database it shares with the test."""

    def _close_connections(self) -> None:
        # A request thread of a connection the browser kept open may end after the test:
        # the shared in-memory database is not its to close (closing it does nothing).
        for conn in connections.all():
            if conn.alias not in (self.connections_override or {}):
                conn.close()


class ServerThread(LiveServerThread):
    """pytest-django's live server serves static files from the apps' folders, which have
    no hashed names: this one leaves them to WhiteNoise, as production does."""

    server_class = Server


@dataclass
class Site:
    url: str
    releases: Releases
    deploys: StaticDeploys

    def release(self, number: int) -> None:
        """Change app.css and app.js, collect them and serve the result."""
        self.deploys.append("web/app.css", f'\n:root {{ --release: "{number}"; }}\n')
        self.deploys.append("web/app.js", f"\nwindow.appRelease = {number};\n")
        self.deploys.deploy()
        self.releases.start()


@pytest.fixture
def site(settings, tmp_path) -> Iterator[Site]:
    releases = Releases()
    site = Site("", releases, StaticDeploys(settings, tmp_path))
    site.release(1)
    # The tests' in-memory SQLite database is shared with the server's threads.
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = ServerThread(
        "localhost", static_handler=lambda _app: releases, connections_override=shared
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        site.url = f"http://localhost:{thread.port}"
        yield site
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def patient(site, library) -> Any:
    clinician = make_clinician("doctor")
    patient = sciatica_patient(clinician, "vera", first_name="Vera")
    program_for(patient, clinician, days_ago=3)
    return patient


@pytest.fixture
def phone(browser) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.set_offline(False)
    # Today's pages are kept for offline in the background: let that finish first.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    context.close()


def test_a_new_release_reaches_the_phone_and_the_old_cache_goes(site, patient, phone):
    page = phone
    page.goto(f"{site.url}/app/login/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/today/")
    assert page.evaluate(RELEASE) == ['"1"', 1]

    # The service worker takes over and keeps release 1's files under release 1's name.
    old_cache, old_css = f"rehab-assets-{assets_version()}", asset_urls()["web/app.css"]
    # (A page opened while it was installing may stay without it: the next one has it.)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_for_answer(
        page,
        "([name, url]) => caches.open(name).then(c => c.match(url)).then(Boolean)",
        [old_cache, old_css],
    )

    site.release(2)
    new_cache, new_css = f"rehab-assets-{assets_version()}", asset_urls()["web/app.css"]
    assert (new_cache, new_css) != (old_cache, old_css)

    # Opening the app again is all it takes: the browser finds the new sw.js, which
    # caches release 2's files, takes over and deletes release 1's cache.
    page.reload()
    wait_for_answer(
        page,
        "([name, old]) => caches.keys().then(keys => keys.includes(name) && !keys.includes(old))",
        [new_cache, old_cache],
    )
    assert page.evaluate(CACHES) == sorted([new_cache, "rehab-pages-v1"])
    assert page.evaluate(RELEASE) == ['"2"', 2]
    assert page.evaluate(
        "([name, url]) => caches.open(name).then(c => c.match(url)).then(r => r.text())",
        [new_cache, new_css],
    ).endswith(':root { --release: "2"; }\n')

    # Offline, Today opens from the phone's copy with release 2's files; a page kept from
    # release 1 asking for release 1's stylesheet (gone from the browser's HTTP cache too:
    # no-store) is given release 2's.
    page.context.set_offline(True)
    page.reload()
    assert page.evaluate(RELEASE) == ['"2"', 2]
    assert page.locator("li.card").count() >= 3
    old_text = page.evaluate("url => fetch(url, {cache: 'no-store'}).then(r => r.text())", old_css)
    assert old_text.endswith(':root { --release: "2"; }\n')
