"""Choosing whose history to read from a multi-user source (Jellyfin, Plex)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pyrec.history.records import HistorySourceError


def choose_account(with_history: Mapping[str, str], wanted: str | None, file: str | os.PathLike[str],
                   what: str) -> str:
    """The source's id of the account whose history is read: the one named
    ``wanted`` (case-insensitive), or the only one with any history. Never a
    guess: several and none named is an error listing them."""
    if wanted is not None:
        for account_id, name in with_history.items():
            if name.casefold() == wanted.casefold() or account_id == wanted:
                return account_id
        raise HistorySourceError(f"no {what} account named {wanted!r} with history here "
                                 f"(accounts with history: {_names(with_history)})", file)
    if len(with_history) == 1:
        return next(iter(with_history))
    if not with_history:
        raise HistorySourceError(f"this {what} database holds no watch history", file)
    raise HistorySourceError(f"several {what} accounts have history ({_names(with_history)}); "
                             "choose one with --account NAME", file)


def _names(accounts: Mapping[str, str]) -> str:
    return ", ".join(sorted(accounts.values(), key=str.casefold)) or "none"
