"""The audio stage: master spoken segments into a tagged, chaptered MP3.

`render_audio` streams: loudness to -16 LUFS (BS.1770-4), a true-peak limiter,
mono MP3 via LAME, ID3v2.4 tags with CHAP/CTOC chapters, written atomically.
"""

from postcast.audio.loudness import LoudnessMeter, measure_loudness, true_peak_dbtp
from postcast.audio.render import render_audio
from postcast.audio.tags import EpisodeTags

__all__ = ["EpisodeTags", "LoudnessMeter", "measure_loudness", "render_audio", "true_peak_dbtp"]
