"""Configuration: typed dataclasses read from `postcast.toml`, passed in, never global.

The keys spelled out in the README are the public interface: add keys, rename none.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postcast.errors import ConfigError

DEFAULT_SHOW = "The Nonlinear Library"
DEFAULT_TAGLINE = (
    "where we use Text-to-Speech software to convert the best writing from the "
    "Rationalist and EA communities into audio"
)
DEFAULT_OUTRO = (
    "Thanks for listening. To help us out with The Nonlinear Library or to learn more, "
    "please visit nonlinear.org"
)
# The forums the reference system read, by the code in episode titles.
FORUM_NAMES = {
    "LW": "LessWrong",
    "EA": "The Effective Altruism Forum",
    "AF": "The AI Alignment Forum",
}


@dataclass
class LibraryConfig:
    title: str = DEFAULT_SHOW
    tagline: str = DEFAULT_TAGLINE
    outro: str = DEFAULT_OUTRO
    description: str = (
        "The best writing from the Rationalist and EA communities, read aloud by a neural voice."
    )
    base_url: str = "http://127.0.0.1:8000/"
    site_dir: str = "site"
    database: str = "sqlite:///postcast.sqlite3"
    language: str = "en"
    author: str = "postcast"
    owner_name: str = "postcast"
    owner_email: str = "postcast@example.org"
    category: str = "Education"
    explicit: bool = False
    image: str | None = None  # path to square cover art; generated when None
    link: str = "https://github.com/postcast/postcast"
    # An MP3 a re-render replaced stays this long for clients that fetched the old feed.
    superseded_grace_hours: float = 48.0
    allow_private_addresses: bool = False  # `url` sources and `postcast add` may fetch them


@dataclass
class SourceConfig:
    name: str
    kind: str  # registry key: "forummagnum", "rss", "url", "local"
    url: str = ""
    code: str = ""
    forum_name: str = ""
    karma_threshold: int = 0
    request_interval: float = 3.0
    af: bool = False
    path: str = ""  # for kind = "local": a folder or file
    view: str = "new"
    backfill_days: int = 7
    opt_out_authors: list[str] = field(default_factory=list)
    timeout: float = 30.0
    max_retries: int = 5
    recheck_days: float = 3.0  # forummagnum: days re-read each run for karma and edits
    # An archive source backfills old posts (for "top of all time" feeds): their episodes
    # are dated by when they were posted, so they sit in the feeds' past, not on top.
    archive: bool = False
    allow_private_addresses: bool | None = None  # None: as `[library]` says


@dataclass
class NarrationConfig:
    footnotes: str = "end"  # "end" (after the body, before the outro) or "inline"
    table_max_cells: int = 40
    lexicon: dict[str, str] = field(default_factory=dict)  # word -> IPA phonemes


@dataclass
class SpeechConfig:
    engine: str = "piper"  # registry key: "piper", "espeak", "openai"
    voice: str | None = None  # Piper .onnx path, espeak voice name, or server voice
    voices: list[str] = field(default_factory=list)  # extra voices for dialogue speakers
    length_scale: float | None = None  # > 1 speaks slower; None: the voice's own pace
    # Piper's sampling noise (None: the voice's own, 0.667 and 0.8 for the bundled one):
    # noise_scale varies the voice's timbre, noise_w_scale its phoneme durations.
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    server_url: str = ""  # for the OpenAI-compatible engine
    model: str = "tts-1"
    api_key: str = ""
    workers: int = 0  # 0: one per core
    cache_dir: str | None = None  # default $XDG_CACHE_HOME/postcast
    cache_max_mb: int = 2048
    quality_gate: bool = False
    quality_max_wer: float = 0.35
    # The intro and outro are heard in every episode: their sentences always pass a
    # stricter gate (up to six takes, the best kept) unless this is 0. The default asks
    # for a take Whisper tiny.en hears perfectly, so in practice the best of six wins.
    intro_max_wer: float = 0.01


@dataclass
class AudioConfig:
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    bitrate_kbps: int = 64
    sample_rate: int = 44100
    sentence_pause: float = 0.35
    paragraph_pause: float = 0.75
    heading_pause: float = 1.0
    # mastered segments kept for re-renders, beside the sentence cache ([speech] cache_dir)
    cache_max_mb: int = 1024


@dataclass
class FeedConfig:
    name: str  # file stem: feed "main" is published as feed.xml, others as feeds/NAME.xml
    title: str = ""
    description: str = ""
    sources: list[str] = field(default_factory=list)  # empty: all sources
    forum_codes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: str = "all"  # "all", "daily", "weekly", "top"
    limit: int = 0  # "top": how many; 0 = no limit
    image: str | None = None


@dataclass
class Config:
    library: LibraryConfig = field(default_factory=LibraryConfig)
    sources: list[SourceConfig] = field(default_factory=list)
    narration: NarrationConfig = field(default_factory=NarrationConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    feeds: list[FeedConfig] = field(default_factory=list)
    interval_minutes: float = 30.0
    base_dir: Path = field(default_factory=Path.cwd)  # relative paths resolve from here

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


def _build(cls: type, values: Any, where: str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(where, f"expected a table, got {type(values).__name__}")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(where, f"unknown key(s): {', '.join(unknown)}")
    try:
        return cls(**values)
    except TypeError as error:
        raise ConfigError(where, str(error)) from error


def config_from_dict(data: dict[str, Any], base_dir: Path | None = None) -> Config:
    top_level = {"library", "sources", "narration", "speech", "audio", "feeds", "interval_minutes"}
    unknown = sorted(set(data) - top_level)
    if unknown:
        raise ConfigError("configuration", f"unknown section(s): {', '.join(unknown)}")
    config = Config(
        library=_build(LibraryConfig, data.get("library", {}), "[library]"),
        sources=[
            _build(SourceConfig, item, f"[[sources]] #{i + 1}")
            for i, item in enumerate(data.get("sources", []))
        ],
        narration=_build(NarrationConfig, data.get("narration", {}), "[narration]"),
        speech=_build(SpeechConfig, data.get("speech", {}), "[speech]"),
        audio=_build(AudioConfig, data.get("audio", {}), "[audio]"),
        feeds=[
            _build(FeedConfig, item, f"[[feeds]] #{i + 1}")
            for i, item in enumerate(data.get("feeds", []))
        ],
        interval_minutes=float(data.get("interval_minutes", 30.0)),
    )
    if base_dir is not None:
        config.base_dir = base_dir
    names = [source.name for source in config.sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError("[[sources]]", f"duplicate source name(s): {', '.join(duplicates)}")
    return config


def load_config(path: Path) -> Config:
    """Read a `postcast.toml`; relative paths in it resolve from its folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(path, "configuration file not found") from error
    except UnicodeDecodeError as error:
        raise ConfigError(path, f"not valid UTF-8 ({error.reason})") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from error
    return config_from_dict(data, base_dir=path.resolve().parent)
