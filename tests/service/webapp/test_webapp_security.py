"""Limits on the web app: body size, rate, and the OpenAPI schema fuzzed for server errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from postcast.config import Config
from postcast.service.webapp import create_web_app
from postcast.service.webapp.security import MAX_BODY_BYTES, safe_href
from tests.service.webapp.conftest import AUTH
from tests.service.webapp.webapp_library import standard_library, web_config

API_PATHS = {
    "/api/search",
    "/api/narrations",
    "/api/admin/episodes",
    "/api/admin/episodes/{episode_id}",
    "/api/admin/episodes/{episode_id}/exclude",
    "/api/admin/episodes/{episode_id}/restore",
    "/api/admin/episodes/{episode_id}/rerender",
    "/api/admin/urls",
    "/api/admin/lexicon",
    "/api/admin/lexicon/{word}",
    "/api/admin/sources",
    "/api/admin/progress",
    "/api/admin/sources/{name}/fetch",
    "/api/downloads",
    "/api/downloads/episodes",
    "/api/downloads/feeds/{name}",
    "/api/downloads/authors/{name}",
}


def test_request_bodies_past_the_limit_are_refused(client: TestClient) -> None:
    big = b'{"reason": "' + b"x" * MAX_BODY_BYTES + b'"}'
    declared = client.post(
        "/api/admin/episodes/1/exclude",
        content=big,
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert declared.status_code == 413

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield big[:1000]
        yield big[1000:]

    streamed = client.post(
        "/api/admin/episodes/1/exclude",
        content=chunks(),
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413


def test_search_and_the_public_api_are_rate_limited(tmp_path: Path) -> None:
    config = web_config(tmp_path, rate="3/minute")
    standard_library(config)
    with TestClient(create_web_app(config)) as client:
        answers = [client.get("/api/search", params={"q": "quokka"}).status_code for _ in range(3)]
        assert answers == [200, 200, 200]
        refused = client.get("/api/narrations", params={"url": "https://x.example/"})
        assert refused.status_code == 429 and "retry-after" in refused.headers
        assert client.get("/search", params={"q": "x"}).status_code == 429
        assert client.get("/embed", params={"url": "https://x.example/"}).status_code == 429
        assert client.get("/").status_code == 200  # pages that cost little are not limited


@pytest.mark.parametrize(
    ("url", "live"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org/", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//evil.example/", False),
        ("http://[::1", False),
        (None, False),
    ],
)
def test_only_web_links_become_live(url: str | None, live: bool) -> None:
    assert (safe_href(url) is not None) is live


def test_the_openapi_schema_describes_the_whole_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == API_PATHS
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    admin = schema["paths"]["/api/admin/episodes"]["get"]
    assert admin["security"] == [{"HTTPBearer": []}] and "401" in admin["responses"]
    assert "404" in schema["paths"]["/api/narrations"]["get"]["responses"]
    progress = schema["paths"]["/api/admin/progress"]["get"]
    assert "text/event-stream" in progress["responses"]["200"]["content"]


def test_no_request_the_schema_allows_makes_a_server_error(tmp_path: Path) -> None:
    """Schemathesis generates requests for every operation from the OpenAPI schema, with the
    admin token, and every answer must be something other than a 5xx."""
    config: Config = web_config(tmp_path)
    standard_library(config)
    app = create_web_app(config)
    app.state.web.progress_stream_seconds = 0.2  # each call of the event stream ends soon
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 19

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            derandomize=True,  # the same examples every run: no flaky fuzzing
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def no_server_error(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=AUTH, checks=[not_a_server_error])

        no_server_error()
