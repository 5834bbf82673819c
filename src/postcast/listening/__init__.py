"""listening stage: downloads counted from media requests, with the usual podcast rules.

A media request (`MediaRequest`) comes from `postcast web` as it serves an MP3, or from an
object store's access logs (`access_logs`). `tally.record` applies the rules: one listener
is one address and user agent within 24 hours, however many byte ranges they ask for; a
download is counted once a listener has received a minute of audio (or the whole file, if
shorter); bots are not listeners (`agents`). Addresses are never stored: only their hash
under a salt that changes every UTC day and is deleted two days later. `figures` reads
the counts per episode, feed and author.
"""

from postcast.listening.agents import is_bot
from postcast.listening.tally import MediaRequest, record

__all__ = ["MediaRequest", "is_bot", "record"]
