"""The configuration is checked completely when it is read, and resolved once.

Every wrong value is one `ConfigError` naming the file, the section and the key; every
documented key (the README's example, comments included) stays valid; paths come out
absolute from the file's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postcast.config import Config, LibraryConfig, SourceConfig, SpeechConfig, load_config
from postcast.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "postcast.toml"
    path.write_text(text)
    return load_config(path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[audio]\nbitrate_kbps = -5", "[audio] bitrate_kbps: -5 is outside 64..96"),
        ('[audio]\nbitrate_kbps = "fast"', '[audio] bitrate_kbps: "fast" is not an integer'),
        ("[audio]\nbitrate_kbps = 64.0", "[audio] bitrate_kbps: 64.0 is not an integer"),
        ("[audio]\nloudness_lufs = -30", "[audio] loudness_lufs: -30 is outside -20..-16"),
        ("[audio]\ntrue_peak_dbtp = 0.5", "[audio] true_peak_dbtp: 0.5 is outside -6..-1"),
        ("[audio]\nsample_rate = 22050", "[audio] sample_rate: 22050 is not one of 44100 or 48000"),
        ('[library]\ntitel = "Show"', "[library] unknown key(s): titel"),
        ("[library]\nsite_dir = 5", "[library] site_dir: 5 is not a string"),
        ('[library]\nexplicit = "no"', '[library] explicit: "no" is not true or false'),
        (
            '[library]\nallow_private_addresses = "yes"',
            '[library] allow_private_addresses: "yes" is not true or false',
        ),
        (
            '[library]\nbase_url = "podcast.example.org"',
            '[library] base_url: "podcast.example.org" is not an http(s) URL',
        ),
        (
            '[library]\ndatabase = "mysql://db/x"',
            '[library] database: "mysql" is not supported; '
            "use sqlite:///FILE or postgresql://USER@HOST/DB",
        ),
        (
            '[[sources]]\nname = "lw"\nkind = "forummagnum"\nurl = "https://x.org"\n'
            'karma_threshold = "high"',
            '[[sources]] #1 karma_threshold: "high" is not an integer',
        ),
        (
            '[[sources]]\nname = "lw"\nkind = "forummagnum"\nurl = "https://x.org"\n'
            "karma_threshold = -3",
            "[[sources]] #1 karma_threshold: -3 is less than 0",
        ),
        (
            '[[sources]]\nname = "lw"\nkind = "rss"\nurl = "https://x.org"\ntimeout = 0',
            "[[sources]] #1 timeout: 0 must be more than 0",
        ),
        (
            '[[sources]]\nname = "lw"\nkind = "rss"\nurl = "https://x.org"\n'
            'allow_private_addresses = "sometimes"',
            '[[sources]] #1 allow_private_addresses: "sometimes" is not true or false',
        ),
        (
            '[[sources]]\nname = "g"\nkind = "gopher"',
            '[[sources]] #1 kind: "gopher" is not a known source kind '
            "(known: forummagnum, local, rss, url)",
        ),
        ('[[sources]]\nkind = "rss"\nurl = "https://x.org"', "[[sources]] #1 name: required"),
        ('[[sources]]\nname = "feed"\nkind = "rss"', '[[sources]] #1 url: required for kind "rss"'),
        (
            '[[sources]]\nname = "notes"\nkind = "local"',
            '[[sources]] #1 path: required for kind "local"',
        ),
        (
            '[[sources]]\nname = "f"\nkind = "rss"\nurl = "javascript:alert(1)"',
            '[[sources]] #1 url: "javascript:alert(1)" is not an http(s) URL',
        ),
        (
            '[[sources]]\nname = "a"\nkind = "local"\npath = "x"\n'
            '[[sources]]\nname = "a"\nkind = "local"\npath = "y"',
            "[[sources]] duplicate source name(s): a",
        ),
        ('[sources]\nname = "a"', "[[sources]]: expected an array of tables, got a table"),
        ('library = "x"', '[library]: expected a table, got "x"'),
        (
            '[speech]\nengine = "festival"',
            '[speech] engine: "festival" is not a known engine '
            "(known: espeak, hibari, openai, piper)",
        ),
        ('[speech]\nvoices = ["a.onnx", 3]', "[speech] voices[1]: 3 is not a string"),
        ("[speech]\nquality_max_wer = 2", "[speech] quality_max_wer: 2 is outside 0..1"),
        ("[speech]\nlength_scale = 0", "[speech] length_scale: 0 must be more than 0"),
        ("[speech]\ncache_max_mb = -1", "[speech] cache_max_mb: -1 is less than 0"),
        (
            '[narration]\nfootnotes = "middle"',
            '[narration] footnotes: "middle" is not one of "end" or "inline"',
        ),
        (
            "[narration]\nlexicon = { Yudkowsky = 5 }",
            "[narration] lexicon.Yudkowsky: 5 is not a string",
        ),
        ("[narration]\ntable_max_cells = 0", "[narration] table_max_cells: 0 is less than 1"),
        (
            '[[feeds]]\nname = "main"\nkind = "hourly"',
            '[[feeds]] #1 kind: "hourly" is not one of "all", "daily", "weekly" or "top"',
        ),
        (
            '[[feeds]]\nname = "main"\nsources = ["nowhere"]',
            '[[feeds]] #1 sources: no source named "nowhere"',
        ),
        ("interval_minutes = 0", "interval_minutes: 0 must be more than 0"),
        ("interval_minutes = inf", "interval_minutes: inf is not a finite number"),
        ("[audio]\nloudness_lufs = nan", "[audio] loudness_lufs: nan is not a finite number"),
        ('interval_minutes = "often"', 'interval_minutes: "often" is not a number'),
        ('titel = "Show"', "unknown section(s) or key(s): titel"),
    ],
)
def test_a_wrong_value_names_file_section_key_and_problem(
    tmp_path: Path, toml: str, problem: str
) -> None:
    message = _error(tmp_path, toml + "\n")
    assert message == f"{tmp_path / 'postcast.toml'}: {problem}"


def test_every_problem_is_reported_at_once_on_one_line(tmp_path: Path) -> None:
    message = _error(tmp_path, '[library]\ntitel = "x"\n[audio]\nbitrate_kbps = 200\n')
    assert "\n" not in message
    assert message.endswith(
        "[library] unknown key(s): titel; [audio] bitrate_kbps: 200 is outside 64..96"
    )


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=r"nowhere\.toml: configuration file not found"):
        load_config(missing)
    assert "invalid TOML" in _error(tmp_path, "[library\n")
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)
    cover = _error(tmp_path, '[library]\nimage = "cover.jpg"\n')
    assert cover.endswith(f"[library] image: {tmp_path / 'cover.jpg'} is not a file")


def _readme_example() -> str:
    """The README's `postcast.toml` example with every commented-out key switched on."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "README's configuration section has no toml example"
    switched_on = re.sub(r"^# ([a-z_]+ = )", r"\1", blocks[0], flags=re.MULTILINE)
    return switched_on + "\n" + "\n".join(blocks[1:])


def test_every_documented_key_is_valid(tmp_path: Path) -> None:
    (tmp_path / "cover.jpg").write_bytes(b"a picture")
    config = _load(tmp_path, _readme_example())
    assert config.audio.bitrate_kbps == 64
    assert config.speech.voice == "/path/to/voice.onnx"
    assert [source.kind for source in config.sources][:3] == ["forummagnum", "rss", "local"]
    assert config.sources[0].af is True and config.sources[-1].archive is True
    assert config.narration.lexicon == {"Yudkowsky": "jʌdkˈaʊski"}
    assert config.library.allow_private_addresses is False
    assert config.sources[0].allow_private_addresses is True


def test_paths_are_absolute_from_the_file_folder(tmp_path: Path) -> None:
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "cover.jpg").write_bytes(b"a picture")
    config = _load(
        tmp_path,
        '[library]\nsite_dir = "site"\ndatabase = "sqlite:///state/library.sqlite3"\n'
        'image = "art/cover.jpg"\n'
        '[[sources]]\nname = "notes"\nkind = "local"\npath = "posts"\n'
        '[speech]\nengine = "espeak"\nvoice = "voices/a.onnx"\nvoices = ["en-us", "/v/b.onnx"]\n'
        'cache_dir = "cache"\n'
        '[[feeds]]\nname = "main"\nimage = "art/cover.jpg"\n',
    )
    assert config.base_dir == tmp_path
    assert config.library.site_dir == str(tmp_path / "site")
    assert config.library.database == f"sqlite:///{tmp_path / 'state' / 'library.sqlite3'}"
    assert config.library.image == str(tmp_path / "art" / "cover.jpg")
    assert config.feeds[0].image == config.library.image
    assert config.sources[0].path == str(tmp_path / "posts")
    assert config.speech.voice == str(tmp_path / "voices" / "a.onnx")
    assert config.speech.voices == ["en-us", "/v/b.onnx"]  # a voice name stays a name
    assert config.speech.cache_dir == str(tmp_path / "cache")


def test_absolute_paths_and_server_urls_stay_as_written(tmp_path: Path) -> None:
    config = Config(
        library=LibraryConfig(site_dir="/srv/site", database="postgresql://u@db/pod"),
        base_dir=tmp_path,
    )
    assert config.library.site_dir == "/srv/site"
    assert config.library.database == "postgresql://u@db/pod"
    memory = Config(library=LibraryConfig(database="sqlite:///:memory:"))
    assert memory.library.database == "sqlite:///:memory:"


def test_config_built_in_code_resolves_like_a_file(tmp_path: Path) -> None:
    config = Config(
        sources=[SourceConfig(name="notes", kind="local", path="posts")],
        speech=SpeechConfig(cache_dir="~/cache"),
        base_dir=tmp_path,
    )
    assert config.sources[0].path == str(tmp_path / "posts")
    assert config.speech.cache_dir == str(Path("~/cache").expanduser())
    assert Path(Config().library.site_dir).is_absolute()  # default-constructible


def test_defaults_and_new_keys(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        "[library]\nallow_private_addresses = true\n"
        '[[sources]]\nname = "lan"\nkind = "rss"\nurl = "http://10.0.0.2/feed.xml"\n'
        "allow_private_addresses = false\n"
        '[[sources]]\nname = "web"\nkind = "rss"\nurl = "https://example.org/feed.xml"\n',
    )
    assert config.library.allow_private_addresses is True
    assert [source.allow_private_addresses for source in config.sources] == [False, None]
    assert LibraryConfig().allow_private_addresses is False
    assert config.audio.loudness_lufs == -16.0 and config.interval_minutes == 30.0
    assert config.sources[1].request_interval == 3.0  # an unset key keeps its default


def test_an_engine_a_plugin_registers_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postcast import plugins

    real = plugins.plugin_names
    monkeypatch.setattr(
        plugins,
        "plugin_names",
        lambda group: {"tone"} if group == plugins.ENGINE_GROUP else real(group),
    )
    assert _load(tmp_path, '[speech]\nengine = "tone"\n').speech.engine == "tone"


def test_the_plugin_name_lists_match_the_registries() -> None:
    from postcast.plugins import BUILTIN_ENGINES, BUILTIN_SOURCE_KINDS
    from postcast.sources.registry import SOURCES
    from postcast.speech.registry import ENGINES

    assert set(BUILTIN_ENGINES) == set(ENGINES)
    assert set(BUILTIN_SOURCE_KINDS) == set(SOURCES)


def test_webhooks_are_read_and_checked_without_echoing_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", "hunter2-hunter2")
    config = _load(
        tmp_path,
        '[[web.webhooks]]\nurl = "https://hooks.example.org/in"\nsecret_env = "HOOK_SECRET"\n'
        '[[web.webhooks]]\nurl = "https://ops.example.org/in"\nsecret_env = "HOOK_SECRET"\n'
        'events = ["episode.failed"]\nmax_attempts = 3\n',
    )
    first, second = config.web.webhooks
    assert first.events == ["episode.published", "episode.failed", "episode.excluded"]
    assert (second.events, second.max_attempts) == (["episode.failed"], 3)
    assert first.allow_private_addresses is None  # as [library] says
    problems = _error(
        tmp_path,
        "[web]\nwebhooks = [\n"
        '  {url = "ftp://x.example/", secret_env = "HOOK_SECRET"},\n'
        '  {url = "https://a.example/", secret_env = "UNSET_SECRET_VARIABLE"},\n'
        '  {url = "https://a.example/", secret_env = "HOOK_SECRET"},\n]\n',
    )
    assert '[web] webhooks[0].url: "ftp://x.example/" is not an http(s) URL' in problems
    assert "[web] webhooks[1].secret_env: UNSET_SECRET_VARIABLE is not set" in problems
    assert "[web] webhooks: listed more than once: https://a.example/" in problems
    wrong = _error(
        tmp_path,
        '[[web.webhooks]]\nurl = "https://a.example/"\nsecret = "hunter2-hunter2"\n'
        'events = ["episode.eaten"]\nmax_attempts = 0\n',
    )
    assert "[web] unknown key(s): webhooks[0].secret" in wrong
    assert "[web] webhooks[0].secret_env: required" in wrong
    assert '[web] webhooks[0].events[0]: "episode.eaten" is not one of' in wrong
    assert "[web] webhooks[0].max_attempts: 0 is outside 1..30" in wrong
    assert "hunter2" not in problems + wrong
