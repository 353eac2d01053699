"""The distinct values of an array, in order, by a sort.

``np.unique`` finds them with a hash table, which costs more than a sort on the few thousand
values of a page or a batch, and its first call imports ``numpy.ma`` (15 ms of every run's
start-up, paid again by each worker) to ask whether the array is masked.

    >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
"""

from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a one-dimensional array of integers."""
    values = np.sort(values)
    return values[run_starts(values)]


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted one-dimensional array begins.

    >>> run_starts(np.array([1, 1, 2, 3, 3])).tolist()
    [True, False, True, True, False]
    """
    return np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else \
        np.zeros(0, dtype=bool)
