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


# Every page the browser tests open reports what the Content-Security-Policy blocked: the
# page's `securitypolicyviolation` events are written to its console, and the console's
# CSP messages ("Refused to ...") are collected here. A test that saw one fails at its end
# (`no_csp_violations`).
CSP_VIOLATIONS: list[str] = []
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.effectiveDirective + " blocked "
    + (event.blockedURI || "inline") + " on " + location.pathname
    + " (" + (event.sourceFile || "") + ":" + event.lineNumber + ")");
}, true);
"""


def _watch(context: Any) -> Any:
    def on_console(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            CSP_VIOLATIONS.append(text)

    context.add_init_script(_REPORT_VIOLATIONS)
    context.on("console", on_console)
    return context


class WatchedBrowser:
    """The browser, with every new context and page watched for CSP violations."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_context(self, **options: Any) -> Any:
        return _watch(self._browser.new_context(**options))

    def new_page(self, **options: Any) -> Any:
        # Its context lives until the browser closes (Playwright's own new_page would close
        # it with the page; the few a session makes cost nothing).
        return self.new_context(**options).new_page()


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[list[str]]:
    """Fails the browser test whose pages saw the Content-Security-Policy block anything."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    assert CSP_VIOLATIONS == [], "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


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
        yield WatchedBrowser(browser)
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
