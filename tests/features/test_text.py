"""The text model: paraphrases close, unrelated text far, TextInfo → one embedding."""

from __future__ import annotations

import numpy as np
import pytest

from pyrec.features import TextEncoder, embed_text_info, text_for_info
from pyrec.models import TEXT_MODEL
from pyrec.records import TextInfo

TRIPLES = [
    ("A man is playing a guitar on stage.", "Someone performs music with a guitar at a concert.",
     "The stock market fell sharply on Monday."),
    ("Two detectives hunt a serial killer in a rainy city.", "Police investigators track down a murderer.",
     "A cooking show about baking sourdough bread."),
    ("Astronauts are stranded on Mars and must survive.", "A space crew is stuck on the red planet.",
     "A romantic comedy set in a flower shop in Paris."),
]


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return TextEncoder()


def test_paraphrase_ranks_above_unrelated(encoder: TextEncoder) -> None:
    texts = [t for triple in TRIPLES for t in triple]
    vectors = encoder.encode(texts)
    assert vectors.shape == (9, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for k in range(len(TRIPLES)):
        anchor, paraphrase, unrelated = vectors[3 * k: 3 * k + 3]
        assert anchor @ paraphrase > anchor @ unrelated + 0.25


def test_batching_and_order_do_not_change_vectors(encoder: TextEncoder) -> None:
    texts = ["short", "a considerably longer sentence about films and television series", ""]
    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-4)


def test_long_text_is_truncated_not_rejected(encoder: TextEncoder) -> None:
    long = "The quick brown fox jumps over the lazy dog. " * 400
    vector = encoder.encode([long])[0]
    assert np.isfinite(vector).all()
    assert len(encoder.tokenizer.encode(long).ids) == 256
    with pytest.raises(TypeError):
        encoder.encode("not a list")  # type: ignore[arg-type]


def test_text_info_composition_puts_title_first() -> None:
    info = TextInfo(title="Alien", year=1979, plot="A crew meets a deadly creature.",
                    tagline="In space no one can hear you scream.", subtitles="x" * 10_000)
    text = text_for_info(info, tags=["Horror", " sci-fi "])
    assert text.startswith("Alien (1979). Horror, sci-fi. In space")
    assert len(text) < 2_200  # subtitles are cut before tokenising
    assert text_for_info(TextInfo()) == ""


def test_embed_text_info(encoder: TextEncoder) -> None:
    alien = embed_text_info(TextInfo(title="Alien", plot="The crew of a spaceship is hunted by a monster."),
                            encoder=encoder)
    space = embed_text_info(TextInfo(title="Galaxy", plot="Astronauts fight a creature aboard their ship."),
                            encoder=encoder)
    cooking = embed_text_info(TextInfo(title="Chef", plot="A cook opens a food truck and travels with his son."),
                              encoder=encoder)
    assert alien is not None and space is not None and cooking is not None
    assert alien.model_id == f"{TEXT_MODEL}/text" and alien.vector.shape == (384,)
    assert alien.vector @ space.vector > alien.vector @ cooking.vector
    assert embed_text_info(TextInfo(), encoder=encoder) is None
