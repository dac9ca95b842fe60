"""The standard set of scorers for a catalogue, in one place so that the
service, the evaluation and the benchmark all blend the same things."""

from __future__ import annotations

from pyrec.recommend.base import Scorer
from pyrec.recommend.catalog import Catalog
from pyrec.recommend.collaborative import CollaborativeScorer, ModelFactory
from pyrec.recommend.content import ContentScorer
from pyrec.recommend.context import ContinueWatching, Habits, NextEpisode
from pyrec.recommend.graph import GraphScorer
from pyrec.recommend.popularity import ItemKNNScorer, PopularityScorer
from pyrec.recommend.sequence import SequenceScorer
from pyrec.recommend.signals import SignalConfig
from pyrec.recommend.vectors import IndexFactory

FALLBACK_TEXT_MODEL = "lsa/text"


def modality(model_id: str) -> str:
    return "text" if "text" in model_id.lower() else "visual"


def content_models(catalog: Catalog) -> dict[str, str]:
    """Best embedding model per modality: the one covering most videos; a real
    text model beats the LSA fallback when it covers as many."""
    best: dict[str, tuple[int, int, str]] = {}
    for model_id, emb in catalog.embeddings.items():
        key = (int(emb.present.sum()), int(model_id != FALLBACK_TEXT_MODEL), model_id)
        m = modality(model_id)
        if m not in best or key > best[m]:
            best[m] = key
    return {m: k[2] for m, k in best.items()}


def default_scorers(
    catalog: Catalog,
    *,
    cfg: SignalConfig = SignalConfig(),
    index_factory: IndexFactory | None = None,
    als_factory: ModelFactory | None = None,
    als_params: dict | None = None,
) -> list[Scorer]:
    scorers: list[Scorer] = [
        ContentScorer(model_id, modality=m, index_factory=index_factory) for m, model_id in sorted(content_models(catalog).items())
    ]
    scorers += [
        CollaborativeScorer(cfg=cfg, model_factory=als_factory, **(als_params or {})),
        GraphScorer(),
        PopularityScorer(cfg=cfg),
        ItemKNNScorer(cfg=cfg),
        SequenceScorer(cfg=cfg),
        ContinueWatching(),
        NextEpisode(),
        Habits(),
    ]
    return scorers
