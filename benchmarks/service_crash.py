"""Issue 13's crash check for the Celery service: two `postcast worker` processes and a
scheduler on the local Redis and PostgreSQL; a worker is SIGKILLed, with its pool, in
the middle of a fetch, a render and a publish in turn (`--kills` times; a new worker
replaces each), a post edited before each kill so there is always work to interrupt.
Then the site must hold one feed item per post, every enclosure length must match its
file, every MP3 must decode and no temporary file may be left.

Kill moments are exact, not timed: the workers run with POSTCAST_PAUSE_DIR, and a task
reaching an armed fault point (`postcast.faults`) waits there to be killed.

Usage: python benchmarks/service_crash.py [--kills 20] [--posts 6] [--keep DIR]
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from postcast.storage import open_library  # noqa: E402
from tests.service.jobs.support import (  # noqa: E402
    check_published_once,
    configured,
    kill_at_point,
    make_library,
    start_scheduler_process,
    start_worker_process,
    stop_worker,
    wait_until,
    write_post,
)

POINTS = ("fetch", "render", "publish")
POSTGRES = "postgresql://postgres@127.0.0.1:5432/"


def _settled(config_path: Path, posts: int) -> bool:
    config = configured(config_path)
    with open_library(config.library.database) as library:
        return (
            library.count_by_status() == {"published": posts}
            and not library.episodes_needing_render()
        )


def campaign(root: Path, kills: int, posts: int, database: str, broker: str) -> int:
    config = make_library(root, posts, database, broker, interval_minutes=0.05)
    pause = root / "pause"
    pause.mkdir()
    logs = root / "logs"
    logs.mkdir()
    workers = [
        start_worker_process(config, logs / f"worker{n}.log", pause_dir=pause) for n in range(2)
    ]
    scheduler = start_scheduler_process(config, logs / "scheduler.log")
    started = time.monotonic()
    try:
        for kill in range(kills):
            point = POINTS[kill % len(POINTS)]
            write_post(root / "posts", kill % posts, edition=kill + 1)
            (pause / point).touch()
            victim = kill_at_point(point, pause, workers)
            workers.remove(victim)
            log = logs / f"worker{kill + 2}.log"
            workers.append(start_worker_process(config, log, pause_dir=pause))
            print(f"kill {kill + 1}: a worker in the middle of a {point}", flush=True)
        wait_until(lambda: _settled(config, posts), "every post published", seconds=600)
        stop_worker(scheduler)
        time.sleep(3 * 0.05 * 60)  # a fetch the scheduler sent last may still be running
        wait_until(lambda: _settled(config, posts), "the last fetch settled", seconds=600)
    finally:
        for process in [scheduler, *workers]:
            stop_worker(process)
    seconds = time.monotonic() - started
    problems = check_published_once(root / "site", posts)
    at = [f"{kills // 3 + (i < kills % 3)} {point}" for i, point in enumerate(POINTS)]
    print(f"kills: {kills} ({', '.join(at)})")
    print(f"posts: {posts}; problems: {len(problems)}; {seconds:.0f} s in all")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--posts", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="work here and leave it (default: a temp dir)")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/15")
    arguments = parser.parse_args()
    import psycopg

    name = f"postcast_crash_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(POSTGRES + "postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="service-crash-"))
    try:
        return campaign(root, arguments.kills, arguments.posts, POSTGRES + name, arguments.broker)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        if arguments.keep is None:
            shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["redis-cli", "-u", arguments.broker, "flushdb"], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
