"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX) for titles, plots, tags, subtitles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tokenizers import Tokenizer

from pyrec.errors import ModelError
from pyrec.features.vectors import l2_normalise
from pyrec.models import TEXT_MODEL, ModelSpec, get_session, get_spec
from pyrec.models.registry import verify_file
from pyrec.records import Embedding, TextInfo

BATCH = 32
SUBTITLE_CHARS = 2000  # the tokenizer keeps 256 tokens anyway; don't tokenise a whole script


class TextEncoder:
    """Embeds strings with an ONNX text model; tokenizer and session load on first use."""

    def __init__(self, spec: ModelSpec | str | None = None) -> None:
        spec = get_spec(spec or TEXT_MODEL) if not isinstance(spec, ModelSpec) else spec
        if spec.kind != "text" or spec.text is None or spec.tokenizer is None:
            raise ModelError(f"model {spec.id!r} is not a text model", spec.path)
        self.spec = spec
        self._tokenizer: Tokenizer | None = None

    @property
    def model_id(self) -> str:
        return f"{self.spec.id}/text" if self.spec.bundled else self.spec.id

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            path = self.spec.tokenizer
            assert path is not None
            verify_file(path, self.spec.tokenizer_sha256)
            try:
                tok = Tokenizer.from_file(str(path))
            except Exception as exc:  # tokenizers raises plain Exception on bad JSON
                raise ModelError(f"not a tokenizers tokenizer.json: {exc}", path) from None
            tok.enable_truncation(self.spec.text.max_tokens)  # type: ignore[union-attr]
            padding = tok.padding
            if padding is None or padding.get("length") is not None:  # batches need one length, not a fixed one
                pad = padding or {}
                tok.enable_padding(pad_id=pad.get("pad_id", 0), pad_token=pad.get("pad_token", "[PAD]"))
            self._tokenizer = tok
        return self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings [len(texts), dims], float32, in input order."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not one string")
        session = get_session(self.spec)
        inputs = {i.name: i.type for i in session.get_inputs()}
        output = self.spec.output or session.get_outputs()[0].name
        # Similar lengths in one batch waste less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            columns = {
                "input_ids": [e.ids for e in encodings],
                "attention_mask": [e.attention_mask for e in encodings],
                "token_type_ids": [e.type_ids for e in encodings],
            }
            feeds = {}
            for name, kind in inputs.items():
                if name not in columns:
                    raise ModelError(f"model {self.spec.id!r} wants input {name!r}; "
                                     "only input_ids, attention_mask, token_type_ids exist", self.spec.path)
                feeds[name] = np.asarray(columns[name], np.int32 if "int32" in kind else np.int64)
            (out,) = session.run([output], feeds)
            vectors = self._pool(np.asarray(out, np.float32), np.asarray(columns["attention_mask"], np.float32))
            for row, i in enumerate(idx):
                result[i] = vectors[row]
        dims = self.spec.dims or 0
        return np.stack(result) if texts else np.zeros((0, dims), np.float32)  # type: ignore[arg-type]

    def _pool(self, out: np.ndarray, mask: np.ndarray) -> np.ndarray:
        pooling = self.spec.text.pooling  # type: ignore[union-attr]
        if out.ndim == 3:
            if pooling == "cls":
                out = out[:, 0]
            else:  # "mean", and the sensible reading of "none" for per-token output
                out = (out * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        elif out.ndim != 2:
            raise ModelError(f"model {self.spec.id!r} returned shape {out.shape}", self.spec.path)
        return l2_normalise(out)


def text_for_info(info: TextInfo, tags: Sequence[str] = ()) -> str:
    """One string for a video, most telling parts first (the model reads 256 tokens)."""
    title = info.title.strip()
    if info.original_title.strip() and info.original_title.strip() != title:
        title = f"{title} ({info.original_title.strip()})" if title else info.original_title.strip()
    if info.year:
        title = f"{title} ({info.year})" if title else str(info.year)
    parts = [title, ", ".join(t.strip() for t in tags if t.strip()), info.tagline.strip(), info.plot.strip(),
             info.subtitles.strip()[:SUBTITLE_CHARS]]
    return ". ".join(p for p in parts if p)


def embed_text_info(info: TextInfo, tags: Sequence[str] = (), *,
                    encoder: TextEncoder | None = None) -> Embedding | None:
    """The "minilm-l6-v2/text" embedding of a video's text; None when it has no text."""
    text = text_for_info(info, tags)
    if not text:
        return None
    encoder = encoder or default_text_encoder()
    return Embedding(encoder.model_id, encoder.encode([text])[0])


_default: TextEncoder | None = None


def default_text_encoder() -> TextEncoder:
    """The bundled text encoder, one per process (its session is made on first use)."""
    global _default
    if _default is None:
        _default = TextEncoder()
    return _default
