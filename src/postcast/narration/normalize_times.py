"""Clock times as a narrator says them: "1:59 p.m. EST", "5pm-7pm", "17:00", "14:10:30"."""

from __future__ import annotations

import re

from postcast.narration.normalize_dates import period_if_sentence_ends
from postcast.narration.spoken_numbers import cardinal, range_word

_AM_PM = r"[aApP]\.?\s?[mM](?![A-Za-z])\.?"
_ZONES = ("EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "GMT", "UTC", "BST", "CET")
_ZONE = "|".join(r"\.?".join(zone) for zone in _ZONES)
_TIME_SOURCE = (
    r"(?=\d)(?<![\w:.,])(?P<hour>\d{1,2})(?:(?P<sep>[:.])(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    rf"(?![\d:]|,\d{{3}})(?:\s?(?P<ampm>{_AM_PM}))?(?:\s*(?P<zone>(?i:{_ZONE})\.?(?![A-Za-z])))?"
)
_TIME = re.compile(_TIME_SOURCE)
_TIME_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _TIME_SOURCE)
_TIME_RANGE = re.compile(rf"(?P<first>{_TIME_PLAIN})\s*[-–—]\s*(?P<second>{_TIME_PLAIN})")


def speak_time(match: re.Match[str]) -> str | None:
    """Words for one clock time, or None when the match is only a plain number."""
    hour, sep, minute, second, am_pm, zone = (
        match.group(name) for name in ("hour", "sep", "minute", "second", "ampm", "zone")
    )
    if not am_pm and sep != ":":
        return None
    hours = int(hour)
    if hours > (12 if am_pm else 24) or (minute and int(minute) > 59):
        return None
    if second and not (am_pm or zone):
        return _duration(hours, int(minute), int(second))
    if am_pm:
        spoken = cardinal(hours) + (f" {_minutes(int(minute))}" if minute and int(minute) else "")
    else:
        spoken = _twenty_four_hour(hours, int(minute or 0))
    if second and int(second):  # "11:59:59 pm" is a time of day to the second
        o_clock = " o'clock" if am_pm and not int(minute) else ""
        spoken += f"{o_clock} and {_unit(int(second), 'second')}"
    if am_pm:
        spoken += " AM" if am_pm.lower().startswith("a") else " PM"
    if zone:
        spoken += " " + ".".join(zone.replace(".", "").upper())
    return spoken


def _twenty_four_hour(hours: int, minutes: int) -> str:
    """ "17:00" -> "seventeen hundred", "00:00" -> "midnight", "00:30" -> "twelve thirty AM"."""
    if hours % 24 == 0:
        return f"twelve {_minutes(minutes)} AM" if minutes else "midnight"
    if not minutes:
        return f"{cardinal(hours)} hundred" if hours > 12 else f"{cardinal(hours)} o'clock"
    return f"{cardinal(hours)} {_minutes(minutes)}"


def _minutes(minutes: int) -> str:
    return f"oh {cardinal(minutes)}" if minutes < 10 else cardinal(minutes)


def _duration(hours: int, minutes: int, seconds: int) -> str:
    return f"{_unit(hours, 'hour')} {_unit(minutes, 'minute')} and {_unit(seconds, 'second')}"


def _unit(count: int, name: str) -> str:
    return f"{cardinal(count)} {name}{'' if count == 1 else 's'}"


def _time(match: re.Match[str]) -> str:
    spoken = speak_time(match)
    if spoken is None:
        return match.group(0)
    return spoken + period_if_sentence_ends(match, match.group(0))


def _time_range(match: re.Match[str]) -> str:
    first = _TIME.fullmatch(match.group("first"))
    second = _TIME.fullmatch(match.group("second"))
    spoken = [speak_time(found) if found else None for found in (first, second)]
    if spoken[0] is None and first and second and second.group("ampm") and spoken[1]:
        # "7-9am": the first hour shares the second's "am", said once at the end.
        hour, minute = first.group("hour"), first.group("minute")
        if first.group("sep") in (None, ":") and int(hour) <= 12:
            spoken[0] = cardinal(int(hour)) + (f" {_minutes(int(minute))}" if minute else "")
    if spoken[0] is None or spoken[1] is None:
        return match.group(0)
    joined = f"{spoken[0]} {range_word(match)} {spoken[1]}"
    return joined + period_if_sentence_ends(match, match.group(0))


def normalize_times(text: str) -> str:
    """Clock times ("1:59 p.m. EST", "5pm-7pm", "14:10:30") to words."""
    if not any(char.isdigit() for char in text):
        return text
    return _TIME.sub(_time, _TIME_RANGE.sub(_time_range, text))
