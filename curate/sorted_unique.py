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
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values
