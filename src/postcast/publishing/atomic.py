"""Atomic file output for published files; it lives in `postcast.atomic`, shared with the
audio stage (which writes the MP3 before publishing sees it)."""

from postcast.atomic import atomic_output, atomic_write_bytes, atomic_write_text

__all__ = ["atomic_output", "atomic_write_bytes", "atomic_write_text"]
