"""Hybrid recommendations, "more like this", search and offline evaluation.

Scorers work on an in-memory snapshot (`Catalog` + `History`), so the same
code serves a user's library and is evaluated on MovieLens. The service
layer uses `Recommender`; the CLI's evaluation commands use
`evaluate_movielens` / `evaluate_history`.
"""

from pyrec.recommend.blend import DEFAULT_WEIGHTS, Blender, Recommendation
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.dupes import DupeGroup, DupeItem, find_duplicates
from pyrec.recommend.engine import Recommender
from pyrec.recommend.evaluate import evaluate_history, evaluate_movielens, format_table
from pyrec.recommend.explain import Reason
from pyrec.recommend.movielens import load_movielens
from pyrec.recommend.shelves import Shelf, ShelfConfig
from pyrec.recommend.signals import SignalConfig

__all__ = [
    "DEFAULT_WEIGHTS",
    "Blender",
    "Catalog",
    "CatalogBuilder",
    "DupeGroup",
    "DupeItem",
    "History",
    "Reason",
    "Recommendation",
    "Recommender",
    "Shelf",
    "ShelfConfig",
    "SignalConfig",
    "evaluate_history",
    "evaluate_movielens",
    "find_duplicates",
    "format_table",
    "load_movielens",
]
