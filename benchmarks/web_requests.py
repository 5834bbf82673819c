"""Requests per second of `postcast web` against `postcast serve` on the same published site.

Builds a small library (SQLite) of published episodes and publishes its site (feed.xml,
index.html, a page per episode), then starts both servers as real processes through the
installed CLI, each on a free local port: `postcast serve SITE` and `postcast web --config
F`. A load generator in another process (`wrk` where installed, else a Python asyncio
client holding --connections keep-alive connections) loads each path in turn for
--seconds after a --warmup. With two or more cores, the servers run on core 0 and the load
generator on the others: each server (one uvicorn process) gets a core to itself.

Rows: the same static files from both (the main feed, an episode page, index.html), and
`/`, which is index.html for `postcast serve` but the web app's own home page (rendered
from the database) for `postcast web`. The issue sets no figure; our goal: for static
files `postcast web` (which adds routing, CORS and security headers) serves at least 0.5x
the requests per second of `postcast serve`. The home page row is outside the goal.

    python benchmarks/web_requests.py [--seconds 5] [--warmup 1] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "web_requests.json"
POSTCAST = Path(sys.executable).parent / "postcast"
HOST = "127.0.0.1"
GOAL = 0.5  # web / serve, requests per second, for every static file
START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
# A podcast app, not a bot: the web app counts its MP3 requests (a database write each).
LISTENER_AGENT = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"


@dataclass
class Load:
    """What one load run measured."""

    requests: int
    errors: int  # responses other than 200, and broken connections
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Row:
    label: str
    serve_path: str
    web_path: str
    in_goal: bool  # the same static file from both servers


def build_site(root: Path, episodes: int) -> tuple[Path, str]:
    """A library of `episodes` published episodes and its published site under `root`;
    returns the `postcast web` configuration file and one episode page's path."""
    from postcast.config import load_config
    from postcast.models import EpisodeAudio, Post
    from postcast.pass_report import PassReport
    from postcast.passes import publish
    from postcast.storage import PostKey, open_library
    from postcast.storage.records import revision_of

    site = root / "site"
    config_path = root / "postcast.toml"
    config_path.write_text(
        "[library]\n"
        f'base_url = "http://{HOST}:8000/"\n'
        f'site_dir = "{site}"\n'
        f'database = "sqlite:///{root / "library.sqlite3"}"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    (site / "episodes").mkdir(parents=True)
    paragraph = "<p>Calibration is a skill that improves with deliberate practice. " * 12
    with open_library(config.library.database) as library:
        for number in range(episodes):
            posted = START + timedelta(days=number)
            post = Post(
                source="lesswrong",
                post_id=f"post{number}",
                title=f"Notes on forecasting, part {number + 1}",
                authors=("Ada Lovelace",),
                posted_at=posted,
                url=f"https://www.lesswrong.com/posts/post{number}/notes",
                html=(paragraph + "</p>") * 4,
                forum_code="LW",
                forum_name="LessWrong",
                tags=("Epistemology",),
            )
            library.upsert_post(post, None, posted)
            guid = f"post{number}_LW"
            library.ensure_episode(guid, PostKey.of(post), post.title, posted, now=posted)
            audio_file = f"episodes/{guid}.mp3"
            data = b"ID3" + bytes(4096)  # nothing here decodes it
            (site / audio_file).write_bytes(data)
            library.record_render(
                guid,
                revision_of(post),
                EpisodeAudio(path=str(site / audio_file), duration=600.0, size=len(data)),
                audio_file=audio_file,
                now=posted,
            )
        publish(config, library, PassReport(), START + timedelta(days=episodes))
    page = f"/episodes/post{episodes - 1}_LW.html"
    for needed in ("feed.xml", "index.html", page.lstrip("/")):
        if not (site / needed).is_file():
            raise SystemExit(f"the published site has no {needed}")
    return config_path, page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _pin(cores: set[int] | None) -> None:
    if cores:
        os.sched_setaffinity(0, cores)


@contextmanager
def server(name: str, arguments: list[str], logs: Path, cores: set[int] | None) -> Iterator[int]:
    """Run `postcast ARGUMENTS --port P` until the block ends; yields P once it answers."""
    port = free_port()
    log = logs / f"{name}.log"
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [str(POSTCAST), *arguments, "--host", HOST, "--port", str(port)],
            stdout=subprocess.DEVNULL,  # uvicorn's access log: one line a request
            stderr=errors,
            preexec_fn=(lambda: _pin(cores)) if cores else None,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited ({process.returncode}):\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(f"http://{HOST}:{port}/feed.xml", timeout=5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{name} did not answer:\n{log.read_text()}") from None
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# The load generators: each runs in a process of its own.


def wrk_load(url: str, seconds: float, warmup: float, connections: int) -> Load:
    wrk = shutil.which("wrk")
    assert wrk is not None
    if warmup > 0:
        warm = [
            wrk,
            "-H",
            f"User-Agent: {LISTENER_AGENT}",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(warmup))}s",
            url,
        ]
        subprocess.run(warm, check=True, capture_output=True)
    command = [
        wrk,
        "-H",
        f"User-Agent: {LISTENER_AGENT}",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        url,
    ]
    return parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> Load:
    """The figures in `wrk --latency`'s report."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", output)
    if total is None:
        raise SystemExit(f"wrk's output not understood:\n{output}")
    duration = float(total[2]) * WRK_UNITS_MS[total[3]] / 1000
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = int(non_2xx[1]) if non_2xx else 0
    failed += sum(int(count) for count in socket_errors.groups()) if socket_errors else 0

    def latency(share: str) -> float:
        found = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        return float(found[1]) * WRK_UNITS_MS[found[2]] if found else float("nan")

    return Load(int(total[1]), failed, duration, latency("50"), latency("99"))


async def _one_connection(
    port: int, request: bytes, warm_until: float, stop_at: float, latencies: list[float]
) -> int:
    """Send `request` over one keep-alive connection until `stop_at`; returns the errors
    after the warm-up, and records each latency after it."""
    loop = asyncio.get_running_loop()
    errors = 0
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while (sent := loop.time()) < stop_at:
            writer.write(request)
            try:
                status, close = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, close = 0, True
            done = loop.time()
            if sent >= warm_until:
                if status == 200:
                    latencies.append(done - sent)
                else:
                    errors += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        writer.close()
    return errors


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; its status, and whether the server closes."""
    status_line = await reader.readuntil(b"\r\n")
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            close = value == "close"
    if not chunked:
        await reader.readexactly(length)
        return status, close
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
        pass
    return status, close


async def _python_load(port: int, path: str, seconds: float, warmup: float, count: int) -> Load:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"User-Agent: {LISTENER_AGENT}\r\nAccept: */*\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    warm_until = loop.time() + warmup
    stop_at = warm_until + seconds
    latencies: list[float] = []
    errors = await asyncio.gather(
        *(_one_connection(port, request, warm_until, stop_at, latencies) for _ in range(count))
    )
    # The last responses arrive a little after stop_at: count from the warm-up to now.
    measured = loop.time() - warm_until
    ordered = sorted(latencies) or [float("nan")]
    return Load(
        len(latencies),
        sum(errors),
        measured,
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def load(
    port: int, path: str, seconds: float, warmup: float, connections: int, cores: set[int] | None
) -> Load:
    """Load `path` from a process of its own (on `cores`)."""
    arguments = [
        sys.executable,
        __file__,
        "--load-port",
        str(port),
        "--load-path",
        path,
        *(["--wrk"] if shutil.which("wrk") else []),
        "--seconds",
        str(seconds),
        "--warmup",
        str(warmup),
        "--connections",
        str(connections),
    ]
    finished = subprocess.run(
        arguments,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=(lambda: _pin(cores)) if cores else None,
    )
    if finished.returncode != 0:
        raise SystemExit(f"load generator failed on {path}:\n{finished.stderr}")
    return Load(**json.loads(finished.stdout))


def load_generator_main(arguments: argparse.Namespace) -> int:
    """The hidden `--load-port` mode: load one URL and print the Load as JSON."""
    if arguments.wrk:
        url = f"http://{HOST}:{arguments.load_port}{arguments.load_path}"
        result = wrk_load(url, arguments.seconds, arguments.warmup, arguments.connections)
    else:
        result = asyncio.run(
            _python_load(
                arguments.load_port,
                arguments.load_path,
                arguments.seconds,
                arguments.warmup,
                arguments.connections,
            )
        )
    print(json.dumps(asdict(result)))
    return 0


def cores_split() -> tuple[set[int] | None, set[int] | None]:
    """Servers on the first core, the load generator on the others (two cores or more)."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) < 2:
        return None, None
    return {available[0]}, set(available[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured, per path")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured, per path")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--episodes", type=int, default=20, help="episodes in the site")
    parser.add_argument("--load-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-path", help=argparse.SUPPRESS)
    parser.add_argument("--wrk", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.load_port is not None:
        return load_generator_main(arguments)

    server_cores, load_cores = cores_split()
    generator = "wrk" if shutil.which("wrk") else "Python asyncio (wrk not installed)"
    print(
        f"load generator: {generator}, {arguments.connections} keep-alive connections, "
        f"{arguments.warmup:g} s warm-up + {arguments.seconds:g} s per path; "
        + (
            f"servers on core {sorted(server_cores)}, load on cores {sorted(load_cores or ())}"
            if server_cores
            else "one core: servers and load generator share it"
        ),
        flush=True,
    )
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="postcast-web-")))
        config_path, page = build_site(root, arguments.episodes)
        site = root / "site"
        serve_port = stack.enter_context(server("serve", ["serve", str(site)], root, server_cores))
        web_port = stack.enter_context(
            server("web", ["web", "--config", str(config_path)], root, server_cores)
        )
        mp3 = "/episodes/post0_LW.mp3"  # every request a listener's: a database write on web
        rows = [
            Row("/feed.xml", "/feed.xml", "/feed.xml", True),
            Row(page, page, page, True),
            Row("/index.html", "/index.html", "/index.html", True),
            Row("/ (serve: index.html; web: home page)", "/", "/", False),
            Row("/episodes/post0_LW.mp3 (web counts downloads)", mp3, mp3, False),
        ]
        results = []
        for row in rows:
            figures = {}
            for name, port, path in (
                ("serve", serve_port, row.serve_path),
                ("web", web_port, row.web_path),
            ):
                figures[name] = load(
                    port,
                    path,
                    arguments.seconds,
                    arguments.warmup,
                    arguments.connections,
                    load_cores,
                )
            results.append((row, figures["serve"], figures["web"]))
            print(
                f"  {row.label}: serve {figures['serve'].rps:.0f} rps, "
                f"web {figures['web'].rps:.0f} rps",
                flush=True,
            )

    width = max(len(row.label) for row, _, _ in results)
    print(f"\n{'path':<{width}}  {'serve rps':>10}  {'web rps':>10}  {'web/serve':>9}  errors")
    for row, served, webbed in results:
        ratio = webbed.rps / served.rps if served.rps else 0.0
        note = "" if row.in_goal else "  (not in goal)"
        print(
            f"{row.label:<{width}}  {served.rps:>10.0f}  {webbed.rps:>10.0f}  "
            f"{ratio:>8.2f}x  {served.errors + webbed.errors}{note}"
        )
    static = [webbed.rps / served.rps for row, served, webbed in results if row.in_goal]
    worst = min(static) if all(served.rps for _, served, _ in results) else 0.0
    errors = sum(served.errors + webbed.errors for _, served, webbed in results)
    met = worst >= GOAL and errors == 0
    print(
        f"\ngoal: postcast web >= {GOAL:g}x postcast serve's requests per second for static "
        f"files, with no errors; worst static ratio {worst:.2f}x, {errors} errors: "
        f"{'MET' if met else 'MISSED'}"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "load_generator": "wrk" if shutil.which("wrk") else "python-asyncio",
                "connections": arguments.connections,
                "seconds": arguments.seconds,
                "warmup": arguments.warmup,
                "episodes": arguments.episodes,
                "cpus": os.cpu_count(),
                "pinned": server_cores is not None,
                "rows": [
                    {
                        "path": row.label,
                        "serve_path": row.serve_path,
                        "web_path": row.web_path,
                        "in_goal": row.in_goal,
                        "serve": {**asdict(served), "rps": served.rps},
                        "web": {**asdict(webbed), "rps": webbed.rps},
                        "ratio": webbed.rps / served.rps if served.rps else None,
                    }
                    for row, served, webbed in results
                ],
                "goal": GOAL,
                "worst_static_ratio": worst,
                "errors": errors,
                "met": met,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {RESULTS.relative_to(REPO)}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
