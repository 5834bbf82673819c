"""Issue 11's crash check: `postcast run --once` killed with SIGKILL at random moments
over a library of local posts, then one run left to finish. Afterwards the site must
hold one episode per post, every enclosure length must match its file, every MP3 must
decode, and no temporary file may be left anywhere in the site folder.

Before each kill one to three posts are edited (keeping their dates), so every run has
renders to interrupt, and superseded audio to keep; the kill moment is drawn from a
seeded generator over the length such a run takes (measured first on a scratch copy: a
pass with nothing to do, and a whole one). The espeak voice keeps it quick; `--engine
piper` is the real one.

Usage: python benchmarks/crash_recovery.py [--kills 20] [--posts 10] [--seed 11]
       [--engine espeak] [--keep DIR]
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import soundfile

POSTCAST = [sys.executable, "-m", "postcast"]
TOPICS = ("river", "garden", "market", "library", "harbour", "station", "orchard", "bridge")
LOCK_FILES = {".postcast.lock", ".postcast.publish.lock"}  # permanent, not leftovers


@dataclass
class Counts:
    kills: int = 0
    killed_mid_run: int = 0
    finished_before_kill: int = 0
    edits: int = 0
    posts: int = 0
    episodes: int = 0
    lengths_matching: int = 0
    mp3s_decoded: int = 0
    temporaries_left: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def write_post(folder: Path, number: int, edition: int) -> None:
    sentences = " ".join(
        f"Sentence {n} of post {number} is about the {TOPICS[(n + number) % len(TOPICS)]}."
        for n in range(6)
    )
    (folder / f"post-{number:02d}.md").write_text(
        f"---\ntitle: Post number {number}\nauthor: Ada Example\ndate: 2025-03-{number + 1:02d}\n"
        f"---\n\n{sentences}\n\nThis is edition {edition} of the closing paragraph, which "
        f"changes when the post is edited without changing its date.\n"
    )


def make_library(root: Path, posts: int, engine: str) -> Path:
    (root / "posts").mkdir(parents=True)
    for number in range(posts):
        write_post(root / "posts", number, 0)
    config = root / "postcast.toml"
    config.write_text(
        '[library]\nbase_url = "https://pod.example.org/"\nsite_dir = "site"\n'
        'database = "sqlite:///library.sqlite3"\n\n'
        '[[sources]]\nname = "drafts"\nkind = "local"\npath = "posts"\n\n'
        f'[speech]\nengine = "{engine}"\ncache_dir = "cache"\n'
    )
    return config


def run_once(config: Path, kill_after: float | None) -> bool:
    """One `run --once`; with `kill_after`, SIGKILL it then. True if it was killed."""
    process = subprocess.Popen(
        [*POSTCAST, "run", "--once", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after is None:
        _, errors = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"the final run failed ({process.returncode}): {errors.decode()}")
        return False
    try:
        process.wait(timeout=kill_after)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True


def check_site(site: Path, posts: int, counts: Counts) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    counts.posts = posts
    counts.episodes = len({entry.id for entry in feed.entries})
    if counts.episodes != posts or len(feed.entries) != posts:
        counts.problems.append(f"{len(feed.entries)} feed items for {posts} posts")
    for entry in feed.entries:
        enclosure = entry.enclosures[0]
        path = site / enclosure.href.removeprefix("https://pod.example.org/")
        if path.is_file() and path.stat().st_size == int(enclosure.length):
            counts.lengths_matching += 1
        else:
            counts.problems.append(f"{entry.id}: enclosure length does not match {path.name}")
        try:
            audio, rate = soundfile.read(path)
            if len(audio) > rate:  # more than a second of sound
                counts.mp3s_decoded += 1
            else:
                counts.problems.append(f"{path.name}: decodes to {len(audio) / rate:.2f} s")
        except (RuntimeError, soundfile.LibsndfileError) as error:
            counts.problems.append(f"{path.name} does not decode: {error}")
    for path in site.rglob("*"):
        if path.name.startswith(".") and path.name not in LOCK_FILES:  # ours or any hidden
            counts.temporaries_left.append(str(path.relative_to(site)))


def timed_run(config: Path) -> float:
    started = time.monotonic()
    run_once(config, None)
    return time.monotonic() - started


def pass_seconds(root: Path, posts: int, engine: str) -> tuple[float, float]:
    """Seconds a pass with nothing to render takes here, and each rendered post adds
    (measured on a scratch copy of the library)."""
    config = make_library(root / "calibration", posts, engine)
    whole = timed_run(config)
    idle = timed_run(config)
    return idle, max(0.1, (whole - idle) / posts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--engine", default="espeak")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="postcast-crash-"))
    rng = random.Random(args.seed)
    counts = Counts()
    try:
        idle, per_post = pass_seconds(root, args.posts, args.engine)
        config = make_library(root / "library", args.posts, args.engine)
        editions = [0] * args.posts
        pending = args.posts  # posts the next run may have to render (at most)
        for _ in range(args.kills):
            for number in rng.sample(range(args.posts), rng.randint(1, 3)):
                editions[number] += 1  # an edit that keeps the date: a re-render
                write_post(root / "library" / "posts", number, editions[number])
                counts.edits += 1
                pending = min(args.posts, pending + 1)
            counts.kills += 1
            if run_once(config, rng.uniform(0.2, idle + per_post * pending)):
                counts.killed_mid_run += 1
            else:
                counts.finished_before_kill += 1
                pending = 0
        run_once(config, None)
        check_site(root / "library" / "site", args.posts, counts)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(
        f"idle pass: {idle:.1f} s, +{per_post:.1f} s a post; kills: {counts.kills} "
        f"({counts.killed_mid_run} mid-run, "
        f"{counts.finished_before_kill} finished first); edits: {counts.edits}\n"
        f"posts: {counts.posts}; episodes: {counts.episodes}; enclosure lengths matching: "
        f"{counts.lengths_matching}; MP3s decoded: {counts.mp3s_decoded}; "
        f"temporaries left: {len(counts.temporaries_left)}"
    )
    for problem in counts.problems + [f"left: {t}" for t in counts.temporaries_left]:
        print(f"  {problem}")
    return 1 if counts.problems or counts.temporaries_left else 0


if __name__ == "__main__":
    sys.exit(main())
