"""An operator's lexicon change: which episodes say the word, and, end to end with the
bundled Piper voice, the next pass re-renders only those and speaks again only the
sentences holding it (every other one comes from the caches)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
import numpy as np
import pytest
from fastapi.testclient import TestClient

from postcast import pipeline
from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig
from postcast.models import EpisodeAudio, Post
from postcast.operator_requests import rerender_for_lexicon_changes
from postcast.service.webapp import admin_store, create_web_app
from postcast.speech.base import SpeechEngine
from postcast.speech.registry import engine_class
from postcast.storage import Library, open_library
from tests.service.webapp.conftest import AUTH
from tests.service.webapp.webapp_library import web_config

WORD = "Zvi"
NAMING = [  # the sentences of the first post that say the word
    "Zvi wrote about the harbour every week.",
    "Readers asked Zvi where the boats had gone.",
]
FIRST = [
    f"{NAMING[0]} The tide came in slowly that morning.",
    "The gulls circled over the empty pier for an hour. Nobody came to feed them.",
    f"{NAMING[1]} Nobody knew the answer to that question.",
    "The lighthouse keeper wrote one line a day in his log.",
]
SECOND = [
    "The orchard was quiet after the harvest. Ladders leaned against the old trees.",
    "Apples filled the crates in the barn. The cider press waited for spring.",
    "The farmer counted the baskets twice before the market opened on Saturday.",
    "Frost settled on the grass before dawn, and the dog slept by the stove.",
]


def _post(folder: Path, name: str, paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    (folder / f"{name}.md").write_text(
        f"---\ntitle: {name.title()}\nauthor: Ada\ndate: 2025-03-01\n---\n\n{body}\n"
    )


def _config(tmp_path: Path) -> Config:
    posts = tmp_path / "posts"
    posts.mkdir()
    _post(posts, "harbour", FIRST)
    _post(posts, "orchard", SECOND)
    web = web_config(tmp_path)
    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(tmp_path / "site"),
            database=web.library.database,
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(posts))],
        # One engine in this process (its calls can be counted); no sampling noise and no
        # intro check, so every take is the same and nothing is re-taken.
        speech=SpeechConfig(
            cache_dir=str(tmp_path / "cache"),
            workers=1,
            noise_scale=0.0,
            noise_w_scale=0.0,
            intro_max_wer=0.0,
        ),
        web=web.web,
        base_dir=tmp_path,
    )


def _enclosures(config: Config) -> dict[str, str]:
    feed = feedparser.parse((Path(config.library.site_dir) / "feed.xml").read_bytes())
    return {entry.title.split(" by ")[0]: entry.enclosures[0].href for entry in feed.entries}


def _sentences_cached(config: Config) -> int:
    return sum(1 for _ in (Path(config.speech.cache_dir or "") / "speech").rglob("*.flac"))


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sentence the default voice is asked to say, as written in the script."""
    said: list[str] = []
    voice = engine_class(SpeechConfig().engine)
    real = voice.synthesize

    def counting(self: SpeechEngine, text: str, voice: str | None = None) -> np.ndarray:
        said.append(text)
        return real(self, text, voice)

    monkeypatch.setattr(voice, "synthesize", counting)
    return said


def test_a_lexicon_change_re_speaks_only_the_sentences_saying_the_word(
    tmp_path: Path, spoken: list[str]
) -> None:
    config = _config(tmp_path)
    first = pipeline.run_pass(config)
    assert len(first.rendered) == 2 and not first.failed
    before, cached = _enclosures(config), _sentences_cached(config)
    assert set(NAMING) <= set(spoken) and cached == len(set(spoken))

    with TestClient(create_web_app(config)) as client:
        put = client.put(f"/api/admin/lexicon/{WORD}", json={"ipa": "zvˈiː"}, headers=AUTH)
        assert put.status_code == 201
    spoken.clear()
    report = pipeline.run_pass(config)

    assert report.rendered == [guid for guid in first.rendered if "harbour" in guid]
    assert sorted(spoken) == sorted(NAMING)  # the voice said these two sentences, no other
    assert _sentences_cached(config) == cached + len(NAMING)
    after = _enclosures(config)
    assert after.keys() == before.keys()  # the same GUIDs and titles
    assert after["Harbour"] != before["Harbour"]  # new audio under a new URL
    assert after["Orchard"] == before["Orchard"]

    spoken.clear()
    assert pipeline.run_pass(config).rendered == []  # the change was acted on once

    with TestClient(create_web_app(config)) as client:
        assert client.delete(f"/api/admin/lexicon/{WORD}", headers=AUTH).status_code == 204
    again = pipeline.run_pass(config)
    assert again.rendered == report.rendered  # removed: re-rendered as first spoken...
    assert spoken == []  # ...and every sentence of that came from the cache


def _library_with_renders(tmp_path: Path, spoken: dict[str, str | None]) -> tuple[Config, Library]:
    """Episodes of local posts, each rendered (a stand-in MP3) with `spoken` as its kept
    script (None: a render from before renders kept one)."""
    config = _config(tmp_path)
    library = open_library(config.library.database)
    for name, text in spoken.items():
        body = FIRST if name == "harbour" else SECOND
        post = Post(
            source="drafts",
            post_id=name,
            title=name.title(),
            authors=("Ada",),
            posted_at=datetime(2025, 3, 1, tzinfo=UTC),
            url=f"https://example.org/{name}",
            html="".join(f"<p>{p}</p>" for p in body),
        )
        state = library.upsert_post(post, None, datetime(2025, 3, 2, tzinfo=UTC))
        library.ensure_episode(name, state.key, name.title(), datetime(2025, 3, 2, tzinfo=UTC))
        audio = tmp_path / f"{name}.mp3"
        audio.write_bytes(b"\xff\xfb" * 64)
        library.record_render(
            name, post.revision, EpisodeAudio(str(audio), 1.0, 128, []), spoken_text=text
        )
    return config, library


def _change(library: Library, word: str) -> None:
    admin_store.set_lexicon_entry(library._engine, word, "zvˈiː", None)


def test_episodes_saying_a_changed_word_are_found_in_their_kept_scripts(tmp_path: Path) -> None:
    config, library = _library_with_renders(
        tmp_path, {"harbour": "Zvi's harbour.", "orchard": "Zvika and ZVI, not the word."}
    )
    with library:
        _change(library, WORD)
        assert rerender_for_lexicon_changes(config, library) == ["harbour"]
        assert rerender_for_lexicon_changes(config, library) == []  # acted on once
        assert [job.guid for job in library.episodes_needing_render()] == ["harbour"]


def test_renders_without_a_kept_script_are_narrated_again_to_find_the_word(
    tmp_path: Path,
) -> None:
    config, library = _library_with_renders(tmp_path, {"harbour": None, "orchard": None})
    with library:
        _change(library, WORD)
        assert rerender_for_lexicon_changes(config, library) == ["harbour"]
        _change(library, "Nonlinear")  # said in every intro ("The Nonlinear Library")
        assert sorted(rerender_for_lexicon_changes(config, library)) == ["harbour", "orchard"]
