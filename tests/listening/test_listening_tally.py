"""Downloads counted the podcast way: one listener (address and user agent) within 24
hours is one download however many byte ranges they ask for; less than a minute of audio
is not a download; bots, HEAD requests and errors are not listeners; addresses are never
stored, and a day's salt is gone two days later."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select, text

from postcast.listening import MediaRequest, record
from postcast.listening.figures import by_author, figures, published_downloads
from postcast.storage.schema import ListenerSaltRow, ListenRow
from tests.service.webapp.webapp_library import Stored

PHONE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def request(
    stored: Stored,
    at: datetime = NOON,
    *,
    address: str = "203.0.113.7",
    agent: str = PHONE,
    sent: int = 67,
    status: int = 200,
    method: str = "GET",
) -> MediaRequest:
    assert stored.audio_file is not None
    return MediaRequest(stored.audio_file, at, address, agent, sent, status, method)


def downloads(engine: Engine, stored: Stored) -> int:
    found = [e for e in published_downloads(engine) if e.guid == stored.guid]
    return found[0].downloads


def test_one_listener_fetching_in_byte_ranges_is_one_download(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    first = episodes["first"]
    assert not record(engine, request(first, sent=2, status=206))  # the "bytes=0-1" probe
    assert downloads(engine, first) == 0
    later = NOON + timedelta(seconds=1)
    assert not record(engine, request(first, later, sent=30, status=206))  # 32 bytes: < 1 min
    assert record(engine, request(first, later, sent=30, status=206))  # 62: a minute
    assert not record(engine, request(first, later, sent=5, status=206))  # the rest
    assert not record(engine, request(first, NOON + timedelta(hours=5)))  # played again
    assert downloads(engine, first) == 1
    assert downloads(engine, episodes["second"]) == 0


def test_another_address_or_another_app_is_another_listener(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    first = episodes["first"]
    assert record(engine, request(first))
    assert record(engine, request(first, address="198.51.100.20"))
    assert record(engine, request(first, agent=OVERCAST))
    assert record(engine, request(first, address="2001:db8::1"))
    assert downloads(engine, first) == 4


def test_the_24_hours_run_across_midnight_and_then_a_new_download_counts(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    first = episodes["first"]
    evening = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert record(engine, request(first, evening))
    assert not record(engine, request(first, evening + timedelta(hours=1)))  # next day, 1 h
    assert not record(engine, request(first, evening + timedelta(hours=23, minutes=59)))
    assert record(engine, request(first, evening + timedelta(hours=24, minutes=1)))
    assert downloads(engine, first) == 2


def test_bots_head_requests_and_errors_are_not_downloads(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    first = episodes["first"]
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", ""):
        assert not record(engine, request(first, agent=agent))
    assert not record(engine, request(first, agent="PocketCasts/1.0 (Pocket Casts Feed Parser)"))
    assert not record(engine, request(first, method="HEAD"))
    assert not record(engine, request(first, status=404))
    assert not record(engine, request(first, status=416, sent=0))
    assert not record(engine, MediaRequest("episodes/unknown.mp3", NOON, "1.2.3.4", PHONE, 67))
    assert not record(engine, MediaRequest("feed.xml", NOON, "1.2.3.4", PHONE, 67))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ListenRow)) == 0


def test_addresses_are_never_stored_and_old_salts_are_deleted(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    address = "192.0.2.201"
    now = datetime.now(UTC)
    for days_ago in (5, 1, 0):
        assert record(
            engine, request(episodes["first"], now - timedelta(days=days_ago), address=address)
        )
    with engine.connect() as connection:
        rows = connection.execute(select(ListenRow)).all()
        stored = " ".join(str(value) for row in rows for value in row)
        salts = set(connection.scalars(select(ListenerSaltRow.day)))
    assert address not in stored and "iPhone" not in stored
    assert all(len(row.listener) == 64 for row in rows)
    today = now.date()
    # Today's salt, and yesterday's (it links requests across midnight); the older ones
    # made for the request of five days ago went when today's was made.
    assert salts == {today.isoformat(), (today - timedelta(days=1)).isoformat()}


def test_requests_counted_at_once_in_threads_make_one_download(
    engine: Engine, episodes: dict[str, Stored]
) -> None:
    """Several web processes (or threads) count the same listener's ranges at once."""
    first = episodes["first"]
    results: list[bool] = []
    start = threading.Barrier(6)

    def fetch_range(number: int) -> None:
        start.wait()
        results.append(record(engine, request(first, NOON + timedelta(seconds=number), sent=20)))

    threads = [threading.Thread(target=fetch_range, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT bytes_sent FROM listens")).scalars().all() == [120]


def test_figures_per_day_and_per_author(engine: Engine, episodes: dict[str, Stored]) -> None:
    first, second = episodes["first"], episodes["second"]
    for hour, address in ((0, "203.0.113.1"), (1, "203.0.113.2")):
        record(engine, request(first, NOON + timedelta(hours=hour), address=address))
    record(engine, request(second, NOON + timedelta(days=1), address="203.0.113.1"))
    everything = published_downloads(engine)
    assert [(e.guid, e.downloads) for e in everything] == [(first.guid, 2), (second.guid, 1)]
    found = figures(engine, everything, days=3, today=NOON.date() + timedelta(days=1))
    assert found.downloads == 3
    assert [n for _, n in found.daily] == [0, 2, 1]
    hopper = by_author(everything, "Grace_Hopper99")
    assert [e.guid for e in hopper] == [second.guid]
    assert figures(engine, hopper, days=2, today=NOON.date() + timedelta(days=1)).daily[-1][1] == 1
