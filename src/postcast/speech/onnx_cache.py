"""Voices' ONNX graphs optimised once and kept, so a session opens in a quarter second.

ONNX Runtime optimises a model's graph each time it opens it: for the bundled Piper
voice that is 0.8 s of the 1 s a session takes, paid by every render and by every
worker of a pool. It can save the optimised graph instead. The first session of a
voice is opened at the portable ("extended") level and saved as it opens, into the
cache folder; later sessions open the saved graph and only add the machine-specific
layout step (their default level), which gives the same sounds as the original.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import onnxruntime

from postcast.cachedir import CacheDirectory

logger = logging.getLogger(__name__)

MAX_BYTES = 1 << 30  # a voice's optimised graph is about the size of its model (63 MB)


class OptimisedModels:
    """Optimised graphs of ONNX models under `directory`, keyed by model and runtime."""

    def __init__(self, directory: Path) -> None:
        self.folder = CacheDirectory(directory, ".onnx", MAX_BYTES)

    def open(
        self, model: Path, options: onnxruntime.SessionOptions, providers: list[str]
    ) -> onnxruntime.InferenceSession:
        """A session of `model` with `options`, from the saved optimised graph if there
        is one, else saving it while this session opens (if the folder is writable)."""
        key = self._key(model)
        saved = self.folder.path_for(key)
        if saved.is_file():
            self.folder.touch(saved)
            try:
                return onnxruntime.InferenceSession(str(saved), options, providers=providers)
            except Exception as error:  # damaged on disk: make it again from the model
                logger.warning("dropping unreadable optimised graph %s: %s", saved, error)
                saved.unlink(missing_ok=True)
        sessions: list[onnxruntime.InferenceSession] = []
        level = options.graph_optimization_level

        def save(temp: Path) -> None:
            options.graph_optimization_level = (
                onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            )
            options.optimized_model_filepath = str(temp)
            sessions.append(onnxruntime.InferenceSession(str(model), options, providers=providers))

        try:
            self.folder.write_path(key, save)
        except Exception as error:  # a read-only or full folder: open the model as it is
            logger.info("cannot keep the optimised graph of %s: %s", model, error)
        if sessions:
            return sessions[0]
        options.graph_optimization_level, options.optimized_model_filepath = level, ""
        return onnxruntime.InferenceSession(str(model), options, providers=providers)

    @staticmethod
    def _key(model: Path) -> str:
        """The model file (path, size, modification time) and the runtime that optimised
        it: a new ONNX Runtime may optimise differently, so it makes its own graph."""
        stat = model.resolve().stat()
        parts = [str(model.resolve()), str(stat.st_size), str(stat.st_mtime_ns)]
        parts.append(onnxruntime.__version__)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()
