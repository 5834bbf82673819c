"""`postcast downloads import` and `show`, as an operator runs them from cron."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from postcast.storage import open_library
from tests.listening.access_log_samples import log_line
from tests.service.webapp.webapp_library import add_episode

POSTCAST = [sys.executable, "-m", "postcast"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POSTCAST, *args], capture_output=True, text=True, timeout=300)


def test_import_then_show_as_json_and_by_author(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    with open_library(f"sqlite:///{database}") as library:
        stored = add_episode(library, tmp_path / "site", 1, title="Heard", authors=("Ann Doe",))
    config = tmp_path / "postcast.toml"
    config.write_text(f'[library]\ndatabase = "sqlite:///{database}"\n', encoding="utf-8")
    log = tmp_path / "access.log"
    log.write_text(log_line(f"{stored.audio_file}") + "\n", encoding="utf-8")

    imported = run("downloads", "import", str(log), "--config", str(config))
    assert imported.returncode == 0, imported.stderr
    assert "1 access logs imported (0 imported before): 1 media requests, 1 new downloads" in (
        imported.stdout
    )
    shown = run("downloads", "show", "--config", str(config), "--json", "--days", "3")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["downloads"] == 1 and len(report["daily"]) == 3
    assert report["episodes"] == [
        {"guid": stored.guid, "title": "Heard", "authors": ["Ann Doe"], "downloads": 1}
    ]
    table = run("downloads", "show", "--config", str(config), "--author", "ann doe")
    assert table.returncode == 0 and "Heard" in table.stdout
    nobody = run("downloads", "show", "--config", str(config), "--author", "Nobody")
    assert nobody.returncode == 2
    assert "--author" in nobody.stderr and "Nobody" in nobody.stderr
    missing = run("downloads", "import", str(tmp_path / "gone.log"), "--config", str(config))
    assert missing.returncode == 2 and "gone.log" in missing.stderr


def test_show_prints_a_title_with_brackets_as_it_is(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite3"
    title = "Why [/b] matters [linkpost]"  # Rich markup would stop the command on "[/b]"
    with open_library(f"sqlite:///{database}") as library:
        add_episode(library, tmp_path / "site", 1, title=title)
    config = tmp_path / "postcast.toml"
    config.write_text(f'[library]\ndatabase = "sqlite:///{database}"\n', encoding="utf-8")
    shown = subprocess.run(
        [*POSTCAST, "downloads", "show", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert shown.returncode == 0, shown.stderr
    assert title in shown.stdout
