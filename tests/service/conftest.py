"""Fixtures of the browser tests (`test_web_browser.py`, `webapp/test_webapp_browser.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.service.browser import chromium, page_without_errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with page_without_errors(browser) as new_page:
        yield new_page
