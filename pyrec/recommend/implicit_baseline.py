"""`implicit`'s AlternatingLeastSquares behind the Scorer protocol, so the
evaluation can put the reference iALS library in the same table as ours.

For comparisons only (benchmarks and tests): implicit, scipy and threadpoolctl
come from the `test`/`bench` extras and are never imported at run time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.signals import confidence_triplets

# Parameters of our collaborative scorer on MovieLens (its regularisation is
# scaled to the data and comes to ~15 there), for a like-for-like comparison.
OUR_PARAMS: dict[str, Any] = {"factors": 32, "regularization": 15.0, "alpha": 1.0, "iterations": 15}


class ImplicitALSScorer:
    def __init__(self, name: str = "implicit-als", **params: Any) -> None:
        self.name = name
        self.params = params
        self.row: dict[int, int] = {}

    def fit(self, catalog: Catalog, history: History) -> ImplicitALSScorer:
        import scipy.sparse as sp
        from threadpoolctl import threadpool_limits

        prof, items, conf = confidence_triplets(history, catalog.n, catalog.durations)
        users = np.unique(prof)
        self.row = {int(u): i for i, u in enumerate(users.tolist())}
        rows = np.searchsorted(users, prof)
        self.matrix = sp.csr_matrix((conf, (rows, items)), shape=(users.size, catalog.n))
        # implicit asks for a single-threaded BLAS (it warns otherwise).
        with threadpool_limits(1, "blas"):
            from implicit.cpu.als import AlternatingLeastSquares

            self.model = AlternatingLeastSquares(random_state=0, **self.params)
            self.model.fit(self.matrix, show_progress=False)
        return self

    def score(self, req: Request) -> Scores:
        row = self.row.get(req.profile)
        if row is None:
            return Scores.empty(self.name)
        ids, scores = self.model.recommend(row, self.matrix[row], N=req.catalog.n, filter_already_liked_items=True)
        keep = ~req.unscored[ids]
        return Scores(self.name, ids[keep].astype(np.int64), scores[keep].astype(np.float32))
