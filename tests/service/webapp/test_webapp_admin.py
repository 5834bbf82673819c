"""The admin API: the token, and every operation with its refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from postcast.config import Config
from postcast.service.webapp import create_web_app
from postcast.storage import open_library
from postcast.storage.types import utc_now
from tests.service.webapp.conftest import AUTH
from tests.service.webapp.webapp_library import ADMIN_TOKEN, Stored, standard_library, web_config

ADMIN_CALLS = [
    ("GET", "/api/admin/episodes", None),
    ("GET", "/api/admin/episodes/1", None),
    ("POST", "/api/admin/episodes/1/exclude", {"reason": "opt-out"}),
    ("POST", "/api/admin/episodes/1/restore", {"reason": "back"}),
    ("POST", "/api/admin/episodes/1/rerender", None),
    ("GET", "/api/admin/urls", None),
    ("POST", "/api/admin/urls", {"url": "https://example.org/a"}),
    ("GET", "/api/admin/lexicon", None),
    ("PUT", "/api/admin/lexicon/Zvi", {"ipa": "tsvˈiː"}),
    ("DELETE", "/api/admin/lexicon/Zvi", None),
    ("GET", "/api/admin/sources", None),
    ("POST", "/api/admin/sources/lesswrong/fetch", None),
]


def _id(client: TestClient, guid: str) -> int:
    episodes = client.get("/api/admin/episodes", headers=AUTH).json()["episodes"]
    return next(e["id"] for e in episodes if e["guid"] == guid)


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_every_admin_call_needs_the_token(
    client: TestClient, method: str, path: str, body: object
) -> None:
    wrong = [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {ADMIN_TOKEN}x"},
        {"Authorization": f"Basic {ADMIN_TOKEN}"},
        {"Authorization": "Bearer"},
    ]
    for headers in wrong:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert ADMIN_TOKEN not in response.text


@pytest.mark.parametrize(("method", "path", "body"), [*ADMIN_CALLS, ("GET", "/admin", None)])
def test_no_configured_token_means_no_admin(
    tmp_path: Path, method: str, path: str, body: object
) -> None:
    config = web_config(tmp_path, admin=False)
    standard_library(config)
    with TestClient(create_web_app(config)) as client:
        response = client.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 404


def test_admin_page_is_served_when_an_admin_exists(client: TestClient) -> None:
    page = client.get("/admin")
    assert page.status_code == 200
    assert '<script src="/_webapp/admin.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/_webapp/admin.js").status_code == 200


def test_list_and_filter_episodes(client: TestClient, stored: dict[str, Stored]) -> None:
    everything = client.get("/api/admin/episodes", headers=AUTH).json()
    assert everything["total"] == 7
    excluded = client.get("/api/admin/episodes", params={"status": "excluded"}, headers=AUTH)
    assert [e["guid"] for e in excluded.json()["episodes"]] == [stored["excluded"].guid]
    assert excluded.json()["episodes"][0]["excluded_reason"] == "author opted out"
    failed = client.get("/api/admin/episodes", params={"status": "failed"}, headers=AUTH).json()
    assert failed["episodes"][0]["last_error"] == "voice crashed"
    titled = client.get("/api/admin/episodes", params={"q": "ZEBRAS"}, headers=AUTH).json()
    assert [e["guid"] for e in titled["episodes"]] == [stored["zebras"].guid]
    page = client.get("/api/admin/episodes", params={"limit": 2, "offset": 2}, headers=AUTH)
    assert len(page.json()["episodes"]) == 2 and page.json()["total"] == 7
    for bad in ({"status": "gone"}, {"limit": 0}, {"limit": 501}, {"offset": -1}):
        assert client.get("/api/admin/episodes", params=bad, headers=AUTH).status_code == 422


def test_exclude_and_restore_keep_the_reasons(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    episode_id = _id(client, stored["zebras"].guid)
    path = f"/api/admin/episodes/{episode_id}"
    excluded = client.post(f"{path}/exclude", json={"reason": "author opted out"}, headers=AUTH)
    assert excluded.status_code == 200
    assert excluded.json()["status"] == "excluded"
    assert excluded.json()["excluded_reason"] == "author opted out"
    # excluded: gone from search, the home page and the embed at once
    assert client.get("/api/search", params={"q": "zebras"}).json()["results"] == []
    narration = client.get("/api/narrations", params={"url": stored["zebras"].post_url}).json()
    assert narration["status"] == "excluded"
    restored = client.post(f"{path}/restore", json={"reason": "asked back"}, headers=AUTH)
    assert restored.json()["status"] == "rendered"  # has audio: published by the next pass
    assert restored.json()["excluded_reason"] is None
    detail = client.get(path, headers=AUTH).json()
    assert [(h["action"], h["reason"]) for h in detail["history"]] == [
        ("exclude", "author opted out"),
        ("restore", "asked back"),
    ]


def test_an_operators_exclusion_is_a_webhook_event(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    library = client.app.state.web.library  # type: ignore[attr-defined]
    path = f"/api/admin/episodes/{_id(client, stored['zebras'].guid)}"
    client.post(f"{path}/exclude", json={"reason": "author opted out"}, headers=AUTH)
    library.fan_out_events(lambda event: ["https://hooks.example.org/in"], utc_now())
    assert [(d.event, d.guid) for d in library.delivery_states()] == [
        ("episode.excluded", stored["zebras"].guid)
    ]


def test_restore_of_an_unrendered_episode_makes_it_pending(
    client: TestClient, stored: dict[str, Stored]
) -> None:
    episode_id = _id(client, stored["excluded"].guid)
    restored = client.post(
        f"/api/admin/episodes/{episode_id}/restore", json={"reason": "ok"}, headers=AUTH
    )
    assert restored.json()["status"] == "pending"


def test_moderation_refusals(client: TestClient, stored: dict[str, Stored]) -> None:
    episode_id = _id(client, stored["zebras"].guid)
    path = f"/api/admin/episodes/{episode_id}"
    not_excluded = client.post(f"{path}/restore", json={"reason": "x"}, headers=AUTH)
    assert not_excluded.status_code == 422 and "not excluded" in not_excluded.json()["detail"]
    assert client.post(f"{path}/exclude", json={"reason": ""}, headers=AUTH).status_code == 422
    assert client.post(f"{path}/exclude", json={}, headers=AUTH).status_code == 422
    assert client.post(f"{path}/exclude", content=b"{", headers=AUTH).status_code == 422
    long = {"reason": "x" * 2001}
    assert client.post(f"{path}/exclude", json=long, headers=AUTH).status_code == 422
    missing = client.post("/api/admin/episodes/99999/exclude", json={"reason": "x"}, headers=AUTH)
    assert missing.status_code == 404
    assert client.get("/api/admin/episodes/99999", headers=AUTH).status_code == 404
    assert client.get("/api/admin/episodes/0", headers=AUTH).status_code == 422


def test_add_url_queues_it_once(client: TestClient) -> None:
    url = "https://blog.example.org/posts/on-listening"
    first = client.post("/api/admin/urls", json={"url": url}, headers=AUTH)
    assert first.status_code == 201 and first.json()["state"] == "pending"
    again = client.post("/api/admin/urls", json={"url": url}, headers=AUTH)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    listed = client.get("/api/admin/urls", headers=AUTH).json()
    assert [item["url"] for item in listed] == [url]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "https://user:secret@example.org/",
        "https:///no-host",
        "http://[::1",
        "not a url",
        "http://127.0.0.1:8000/admin",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://10.1.2.3/",
        "http://localhost/",
        "http://api.localhost./",
    ],
)
def test_add_url_refuses_what_is_not_a_web_address(client: TestClient, url: str) -> None:
    response = client.post("/api/admin/urls", json={"url": url}, headers=AUTH)
    assert response.status_code == 422
    assert "secret" not in response.text
    assert client.get("/api/admin/urls", headers=AUTH).json() == []


def test_lexicon_entries_add_change_remove(client: TestClient, config: Config) -> None:
    added = client.put("/api/admin/lexicon/Zvi", json={"ipa": "tsvˈiː"}, headers=AUTH)
    assert added.status_code == 201
    assert added.json() == {"word": "Zvi", "ipa": "tsvˈiː", "respelling": "Zvi"}
    changed = client.put(
        "/api/admin/lexicon/Zvi", json={"ipa": "zvˈiː", "respelling": "zvee"}, headers=AUTH
    )
    assert changed.status_code == 200
    assert client.get("/api/admin/lexicon", headers=AUTH).json() == [
        {"word": "Zvi", "ipa": "zvˈiː", "respelling": "zvee"}
    ]
    assert client.delete("/api/admin/lexicon/Zvi", headers=AUTH).status_code == 204
    assert client.get("/api/admin/lexicon", headers=AUTH).json() == []
    assert client.delete("/api/admin/lexicon/Zvi", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("word", "body"),
    [
        ("two words", {"ipa": "tˈuː"}),
        ("Zvi", {"ipa": "[[tsvi]]"}),
        ("Zvi", {"ipa": "tsvi. "}),
        ("Zvi", {"ipa": ""}),
        ("Zvi", {}),
        ("Zvi", {"ipa": "x" * 201}),
    ],
)
def test_lexicon_refusals(client: TestClient, word: str, body: dict[str, str]) -> None:
    response = client.put(f"/api/admin/lexicon/{word}", json=body, headers=AUTH)
    assert response.status_code == 422
    assert client.get("/api/admin/lexicon", headers=AUTH).json() == []


def test_sources_show_last_success_error_and_cursor(client: TestClient, config: Config) -> None:
    from datetime import UTC, datetime

    with open_library(config.library.database) as library:
        library.set_source_state("lesswrong", {"cursor": "2025-03-01"}, kind="forummagnum")
        library.record_source_error("lesswrong", "HTTP 503", datetime(2025, 3, 2, tzinfo=UTC))
    sources = client.get("/api/admin/sources", headers=AUTH).json()
    assert sources[0]["name"] == "lesswrong" and sources[0]["state"] == {"cursor": "2025-03-01"}
    assert sources[0]["last_error"] == "HTTP 503"
