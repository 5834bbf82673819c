"""A small local library rendered by the real espeak voice, for the observability tests."""

from __future__ import annotations

from pathlib import Path

from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig

PARAGRAPHS = (
    "The keeper of the lighthouse wrote one line a day in a blue book.",
    "Storms came in the autumn, and the lamp burned through every night of them.",
)


def write_post(folder: Path, name: str, paragraphs: tuple[str, ...] = PARAGRAPHS) -> Path:
    """A Markdown post long enough to be eligible, a paragraph per item."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    body = "\n\n".join(" ".join([text] * 3) for text in paragraphs)
    path.write_text(f"---\ntitle: {name.title()}\nauthor: Ada\ndate: 2025-03-01\n---\n\n{body}\n")
    return path


def library_config(root: Path, engine: str = "espeak", voice: str | None = None) -> Config:
    return Config(
        library=LibraryConfig(
            base_url="https://pod.example.org/",
            site_dir=str(root / "site"),
            database=f"sqlite:///{root / 'library.sqlite3'}",
        ),
        sources=[SourceConfig(name="drafts", kind="local", path=str(root / "posts"))],
        speech=SpeechConfig(
            engine=engine, voice=voice, cache_dir=str(root / "cache"), intro_max_wer=0
        ),
        base_dir=root,
    )


CONFIG_TOML = """
[library]
base_url = "https://pod.example.org/"
site_dir = "site"
database = "sqlite:///library.sqlite3"

[[sources]]
name = "drafts"
kind = "local"
path = "posts"

[speech]
engine = "espeak"
cache_dir = "cache"
intro_max_wer = 0
"""
