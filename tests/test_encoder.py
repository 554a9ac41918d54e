"""The shared sentence encoder: pinned files, unit vectors, stable meaning."""

import numpy as np
import pytest

from bot import encoder
from bot.encoder import DIMENSION, EncoderUnavailable, SentenceEncoder


def test_vectors_are_unit_length_and_deterministic():
    enc = SentenceEncoder.shared()
    texts = ["I feel calm today", "", "x" * 5000, "I feel calm today"]
    vectors = enc.encode(texts)
    assert vectors.shape == (4, DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(vectors[0], vectors[3])
    assert np.allclose(enc.encode(["I feel calm today"])[0], vectors[0], atol=1e-6)


def test_paraphrases_are_closer_than_unrelated_text():
    enc = SentenceEncoder.shared()
    a, b, c = enc.encode(
        ["I want to end my life", "I don't want to be alive anymore", "the bus is late"]
    )
    assert a @ b > a @ c + 0.2


def test_shared_is_one_instance():
    assert SentenceEncoder.shared() is SentenceEncoder.shared()


def test_a_file_with_another_hash_is_refused(monkeypatch):
    monkeypatch.setattr(encoder, "MODEL_SHA256", "0" * 64)
    with pytest.raises(EncoderUnavailable, match="wrong sha256"):
        SentenceEncoder()
