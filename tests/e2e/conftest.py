"""Real browser for end-to-end tests: Debian's Chromium driven by Playwright."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the background-networking switches Chromium keeps calling out to
# Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread for as long as the browser
    # lives; Django then takes every ORM call here for one from async code. The calls the
    # browser tests make between steps (and the live server's test database) are plain
    # synchronous ones, so the check is off exactly while the loop runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_for_answer(page, predicate: str, arg: Any = None) -> Any:
    """page.wait_for_function for a predicate that answers with a promise.

    Playwright takes a returned promise itself for a truthy answer, so the predicate is
    asked again and again in the page, and its last settled answer is what is polled.
    """
    page.evaluate("() => { window.__answer = undefined; window.__asking = false; }")
    return page.wait_for_function(
        f"""arg => {{
            if (!window.__asking) {{
                window.__asking = true;
                Promise.resolve(({predicate})(arg))
                    .then(value => {{ window.__answer = value; }}, () => {{}})
                    .finally(() => {{ window.__asking = false; }});
            }}
            return window.__answer;
        }}""",
        arg=arg,
        polling=50,
    ).json_value()
