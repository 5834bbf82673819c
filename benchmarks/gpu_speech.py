"""Issue 5's GPU figure: the bundled voice on a GPU, batched, against one CPU core.

Both speak the same narration script (ordinary prose, as `render_pipeline.py` uses):
- GPU: `speak` as a render runs it where ONNX Runtime has the CUDA provider (one
  in-process session, each segment's sentences one padded batch), sentence cache off;
- one CPU core: the same sentences one by one on a single-threaded CPU session.
Prints each real-time factor (seconds of work per second of audio; lower is faster) and
the speed-up. Without the CUDA provider (`pip install onnxruntime-gpu` in place of
`onnxruntime`) it says so and exits 0; `--cpu-batches` runs the batched path on the CPU
instead, to check the benchmark itself on a machine without a GPU.

Usage: python benchmarks/gpu_speech.py [--words 1500] [--cpu-batches]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from prose import post_html

from postcast.config import AudioConfig, Config, SpeechConfig
from postcast.models import Script
from postcast.pipeline import script_for
from postcast.sources.files import load_post_file
from postcast.speech import speak
from postcast.speech.piper_engine import PiperEngine, cuda_available
from postcast.speech.sentences import split_sentences

CONFIG = SpeechConfig(cache_max_mb=0, intro_max_wer=0)  # every sentence spoken, once


def narration(words: int, folder: Path) -> Script:
    post = folder / "essay.html"
    post.write_text(post_html(words))
    return script_for(load_post_file(post), Config())


def gpu_rtf(script: Script, cpu_batches: bool) -> float:
    engine = PiperEngine(CONFIG)
    if cpu_batches:  # the GPU's code path (one in-process session, batches) on the CPU
        engine.use_cuda = True
    start = time.perf_counter()
    spoken = speak(script, CONFIG, AudioConfig(), engine=engine)
    audio = sum(segment.audio.size / segment.sample_rate for segment in spoken)
    return (time.perf_counter() - start) / audio


def one_core_rtf(script: Script) -> float:
    engine = PiperEngine(CONFIG, threads=1)
    engine.use_cuda = False
    sentences = [s for segment in script.segments for s in split_sentences(segment.text)]
    start = time.perf_counter()
    audio = sum(engine.synthesize(sentence).size for sentence in sentences) / engine.sample_rate
    return (time.perf_counter() - start) / audio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--cpu-batches", action="store_true")
    args = parser.parse_args()
    if not (cuda_available() or args.cpu_batches):
        print("ONNX Runtime has no CUDA provider here: no GPU figure (see --help)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        script = narration(args.words, Path(folder))
    batched = gpu_rtf(script, args.cpu_batches)
    single = one_core_rtf(script)
    where = "CPU (--cpu-batches)" if args.cpu_batches else "GPU"
    print(f"{where}, batched: RTF {batched:.4f}")
    print(f"one CPU core:      RTF {single:.4f}")
    print(f"speed-up {single / batched:.1f}x   ({args.words} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
