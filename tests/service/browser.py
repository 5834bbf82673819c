"""What the browser tests share: Debian's Chromium driven by Playwright (no `playwright
install`: the system Chromium is used), and an app served by uvicorn on a free local port.

Without Chromium or Playwright the tests are skipped, unless POSTCAST_REQUIRE_ALL is set
(as in CI), where their absence fails the run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_SECONDS = 15.0


def _missing() -> list[str]:
    missing = [] if CHROMIUM.exists() else ["the Debian package chromium (/usr/bin/chromium)"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the PyPI package playwright")
    return missing


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright `Browser`); skips or fails without one."""
    missing = _missing()
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("POSTCAST_REQUIRE_ALL", "") not in ("", "0"):
            pytest.fail(reason + " (POSTCAST_REQUIRE_ALL is set)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def page_without_errors(browser: Any) -> Iterator[Any]:
    """A new page; a JavaScript error on it fails the test once the test is done."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors: {errors}"


@contextlib.contextmanager
def local_listener() -> Iterator[tuple[socket.socket, str]]:
    """A socket bound to a free local port, and the base URL it will serve (known before
    the app is made, since the site's links carry it)."""
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        yield listener, f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        listener.close()


@contextlib.contextmanager
def serving(app: Any, listener: socket.socket, **options: Any) -> Iterator[None]:
    """Serve the ASGI `app` on `listener` with uvicorn in a thread, until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
