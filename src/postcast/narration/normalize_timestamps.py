"""ISO 8601 timestamps, rewritten for the date and time rules to read."""

from __future__ import annotations

import re

# "2026-12-01T10:00Z", "2026-12-01 10:00:30+02:00": an ISO 8601 timestamp, rewritten as
# the date "at" the time, in its zone, for the date and time rules to read
_TIMESTAMP = re.compile(
    r"(?<![\w-])(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))?(?![\w:])"
)


def _timestamp(match: re.Match[str]) -> str:
    date, clock, utc, sign, hours, minutes = match.groups()
    if utc or (sign and int(hours) == int(minutes) == 0):
        zone = " UTC"
    elif sign:
        offset = str(int(hours)) + (f":{minutes}" if minutes != "00" else "")
        zone = f" UTC {'plus' if sign == '+' else 'minus'} {offset}"
    else:
        zone = ""
    return f"{date} at {clock}{zone}"


def normalize_timestamps(text: str) -> str:
    """ISO 8601 timestamps as a date at a time ("2026-12-01T10:00Z" is "2026-12-01 at
    10:00 UTC"), before the time and date rules read their parts."""
    return _TIMESTAMP.sub(_timestamp, text) if "-" in text and ":" in text else text
