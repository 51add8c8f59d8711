"""Exceptions and warnings raised by cpsim_analysis."""
from __future__ import annotations

from typing import Iterable


class CpsimFormatError(ValueError):
    """The file is not a cpsim file of the expected kind (or of a format version this reader knows)."""


class IncompleteRunWarning(UserWarning):
    """The run was stopped before its last step (root attribute complete = 0)."""


class NotFoundError(KeyError):
    """A metric, table, snapshot step or contrast that the file does not hold; the message lists what it does hold."""

    def __init__(self, kind: str, name: object, path: str, available: Iterable[object]):
        listed = ", ".join(str(a) for a in available) or "none"
        self.message = f"{path}: no {kind} {name!r}; available: {listed}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.message
