"""Configuration: typed dataclasses read from `postcast.toml`, passed in, never global.

The keys spelled out in the README are the public interface: add keys, rename none.
Each field's type and `Annotated` range are what `load_config` checks (through
`postcast.config_check`); paths are made absolute once, when a `Config` is built.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Interval

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


# Ranges: podcast-standards.md (-16 LUFS for Apple, down to -20 for AES TD1004; true
# peak at most -1 dBTP, and a ceiling below -6 would squash speech; 44.1 or 48 kHz),
# and the encoder's own limits for speech (64 to 96 kbps mono).
Loudness = Annotated[float, Interval(ge=-20.0, le=-16.0)]
TruePeak = Annotated[float, Interval(ge=-6.0, le=-1.0)]
Bitrate = Annotated[int, Interval(ge=64, le=96)]
Pause = Annotated[float, Interval(ge=0.0, le=5.0)]
Share = Annotated[float, Interval(ge=0.0, le=1.0)]  # a word error rate
Count = Annotated[int, Ge(0)]
Seconds = Annotated[float, Ge(0.0)]
Positive = Annotated[float, Gt(0.0)]


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
    # Sources may fetch loopback, private, link-local and metadata addresses only if set
    # (here for every source, or on one source).
    allow_private_addresses: bool = False
    # An MP3 a re-render replaced stays this long for clients that fetched the old feed.
    superseded_grace_hours: Annotated[float, Ge(0.0)] = 48.0


@dataclass
class SourceConfig:
    name: str
    kind: str  # registry key: "forummagnum", "rss", "url", "local" or a plug-in's
    url: str = ""
    code: str = ""
    forum_name: str = ""
    karma_threshold: Count = 0
    request_interval: Seconds = 3.0
    af: bool = False
    path: str = ""  # for kind = "local": a folder or file
    view: Literal["new", "old"] = "new"
    backfill_days: Count = 7
    opt_out_authors: list[str] = field(default_factory=list)
    timeout: Positive = 30.0
    max_retries: Count = 5
    recheck_days: Seconds = 3.0  # forummagnum: days re-read each run for karma and edits
    # An archive source backfills old posts (for "top of all time" feeds): their episodes
    # are dated by when they were posted, so they sit in the feeds' past, not on top.
    archive: bool = False
    allow_private_addresses: bool | None = None  # None: as [library] says


@dataclass
class NarrationConfig:
    footnotes: Literal["end", "inline"] = "end"  # "end": after the body, before the outro
    table_max_cells: Annotated[int, Ge(1)] = 40
    lexicon: dict[str, str] = field(default_factory=dict)  # word -> IPA phonemes


@dataclass
class SpeechConfig:
    engine: str = "piper"  # registry key: "piper", "espeak", "openai", "hibari" or a plug-in's
    voice: str | None = None  # Piper .onnx path, espeak voice name, or server voice
    voices: list[str] = field(default_factory=list)  # extra voices for dialogue speakers
    length_scale: Positive | None = None  # > 1 speaks slower; None: the voice's own pace
    # Piper's sampling noise (None: the voice's own; for the bundled voice, the tuned
    # BUNDLED_VOICE_NOISE in piper_engine.py rather than its own 0.667 and 0.8):
    # noise_scale varies the voice's timbre, noise_w_scale its phoneme durations.
    noise_scale: Seconds | None = None
    noise_w_scale: Seconds | None = None
    server_url: str = ""  # for the OpenAI-compatible engine
    model: str = "tts-1"
    api_key: str = ""
    workers: Count = 0  # 0: one per core
    cache_dir: str | None = None  # default $XDG_CACHE_HOME/postcast
    cache_max_mb: Count = 2048
    quality_gate: bool = False
    quality_max_wer: Share = 0.35
    # The intro and outro are heard in every episode: their sentences always pass a
    # stricter gate (up to six takes, the best kept) unless this is 0. The default asks
    # for a take Whisper tiny.en hears perfectly, so in practice the best of six wins.
    intro_max_wer: Share = 0.01


@dataclass
class AudioConfig:
    loudness_lufs: Loudness = -16.0
    true_peak_dbtp: TruePeak = -1.0
    bitrate_kbps: Bitrate = 64
    sample_rate: Literal[44100, 48000] = 44100
    sentence_pause: Pause = 0.35
    paragraph_pause: Pause = 0.75
    heading_pause: Pause = 1.0
    # mastered segments kept for re-renders, beside the sentence cache ([speech] cache_dir)
    cache_max_mb: Count = 1024


@dataclass
class FeedConfig:
    name: str  # file stem: feed "main" is published as feed.xml, others as feeds/NAME.xml
    title: str = ""
    description: str = ""
    sources: list[str] = field(default_factory=list)  # empty: all sources
    forum_codes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: Literal["all", "daily", "weekly", "top"] = "all"
    limit: Count = 0  # "top": how many; 0 = no limit
    image: str | None = None


WebhookEvent = Literal["episode.published", "episode.failed", "episode.excluded"]
WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = (
    "episode.published",
    "episode.failed",
    "episode.excluded",
)


@dataclass
class WebhookConfig:
    """A URL that gets episodes' events POSTed as JSON, signed with HMAC-SHA256."""

    url: str
    # The environment variable holding the signing secret (never the secret itself, so
    # the file can be shared and the secret never echoed).
    secret_env: str
    events: list[WebhookEvent] = field(default_factory=lambda: list(WEBHOOK_EVENTS))
    max_attempts: Annotated[int, Interval(ge=1, le=30)] = 10  # then given up, and recorded
    allow_private_addresses: bool | None = None  # None: as [library] says


@dataclass
class WebConfig:
    """`postcast web`: where it listens, the admin token, the public rate limit, webhooks."""

    host: str = "127.0.0.1"
    port: Annotated[int, Interval(ge=1, le=65535)] = 8000
    # SHA-256 (hex) of the admin bearer token; empty: no admin API or pages at all.
    admin_token_sha256: str = ""
    # Per client address, on search and the public API (the `limits` library's notation).
    rate_limit: str = "60/minute"
    webhooks: list[WebhookConfig] = field(default_factory=list)


@dataclass
class ServiceConfig:
    """`[service]`: postcast as a Celery service (`postcast worker`, `scheduler`, `enqueue`,
    `status`). Without the section `postcast run` works alone, with no broker."""

    broker_url: str = "redis://127.0.0.1:6379/0"  # or amqp://USER:PASSWORD@HOST:5672//
    result_backend: str = ""  # "": none (the library database holds every task's outcome)
    # Where published files go: "" or a folder (the local site_dir), or "s3://bucket/prefix".
    storage: str = ""
    # Redis: an unacknowledged task goes back on the queue after this long (its worker died).
    # It must exceed the longest task, or a live task is delivered a second time.
    visibility_timeout: Positive = 3600.0
    # While renders are queued or running, a publish waits this long: a burst of renders
    # publishes each feed once. With none left, the last episode is published at once.
    publish_delay_seconds: Seconds = 10.0
    # A failed render is retried after retry_backoff_seconds, doubling each time, up to
    # the failure limit per episode ([library]'s 3 by default), then marked failed.
    retry_backoff_seconds: Seconds = 30.0
    # A post of more sentences than this is spoken in parts of about this many, on
    # whichever workers are free, then assembled from the sentence cache (0: never).
    fan_out_sentences: Count = 200


@dataclass
class Config:
    """The whole configuration. Relative paths in it are made absolute from `base_dir`
    when it is built, so every stage gets paths it can use as they are."""

    library: LibraryConfig = field(default_factory=LibraryConfig)
    sources: list[SourceConfig] = field(default_factory=list)
    narration: NarrationConfig = field(default_factory=NarrationConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    feeds: list[FeedConfig] = field(default_factory=list)
    web: WebConfig = field(default_factory=WebConfig)
    service: ServiceConfig | None = None  # None: no [service] section, no broker
    interval_minutes: Positive = 30.0
    base_dir: Path = field(default_factory=Path.cwd)  # relative paths resolve from here

    @property
    def storage(self) -> str:
        """`[service] storage`, or "" (the site folder) without a [service] section."""
        return self.service.storage if self.service is not None else ""

    def __post_init__(self) -> None:
        self.base_dir = Path(self.base_dir).expanduser().absolute()
        self.library = replace(
            self.library,
            site_dir=str(self.resolve(self.library.site_dir)),
            database=absolute_database_url(self.library.database, self.base_dir),
            image=self._optional_path(self.library.image),
        )
        self.sources = [
            replace(source, path=str(self.resolve(source.path))) if source.path else source
            for source in self.sources
        ]
        self.feeds = [replace(feed, image=self._optional_path(feed.image)) for feed in self.feeds]
        if self.service is not None and self.service.storage:
            self.service = replace(self.service, storage=self._storage(self.service.storage))
        self.speech = replace(
            self.speech,
            voice=self._voice(self.speech.voice) if self.speech.voice else None,
            voices=[self._voice(voice) for voice in self.speech.voices],
            cache_dir=self._optional_path(self.speech.cache_dir),
        )

    def resolve(self, path: str) -> Path:
        """`path` as given if absolute (after `~`), else from the configuration's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def _optional_path(self, path: str | None) -> str | None:
        return str(self.resolve(path)) if path else None

    def _storage(self, storage: str) -> str:
        """An object-store URL stays; a folder resolves like any path."""
        return storage if "://" in storage else str(self.resolve(storage))

    def _voice(self, voice: str) -> str:
        """A voice file resolves like any path; a voice name (espeak's `en-us`) stays."""
        looks_like_file = voice.endswith(".onnx") or "/" in voice
        return str(self.resolve(voice)) if looks_like_file else voice


_SQLITE_URL = re.compile(r"^(sqlite(?:\+\w+)?:///)([^?]*)(.*)$")


def absolute_database_url(url: str, base_dir: Path) -> str:
    """`sqlite:///relative.db` with its file made absolute from `base_dir`; any other
    URL (a PostgreSQL server, an in-memory SQLite) as it is."""
    match = _SQLITE_URL.match(url)
    if match is None or match.group(2) in ("", ":memory:"):
        return url
    path = Path(match.group(2)).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return f"{match.group(1)}{path}{match.group(3)}"


def config_from_dict(
    data: dict[str, Any], base_dir: Path | None = None, origin: str = "configuration"
) -> Config:
    """Check `data` (a parsed `postcast.toml`) completely and build the `Config`.

    Every problem is a `ConfigError` naming `origin` (the file), the section and the key.
    """
    from postcast.config_check import checked_sections  # pydantic: only when reading a file

    sections = checked_sections(data, origin)
    return Config(**sections, base_dir=base_dir if base_dir is not None else Path.cwd())


def load_config(path: Path) -> Config:
    """Read and check a `postcast.toml`; relative paths in it resolve from its folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(path, "configuration file not found") from error
    except IsADirectoryError as error:
        raise ConfigError(path, "is a folder, not a configuration file") from error
    except PermissionError as error:
        raise ConfigError(path, "cannot be read (permission denied)") from error
    except UnicodeDecodeError as error:
        raise ConfigError(path, f"not valid UTF-8 ({error.reason})") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from error
    config = config_from_dict(data, base_dir=path.resolve().parent, origin=str(path))
    from postcast.config_check import check_files

    check_files(config, str(path))
    return config
