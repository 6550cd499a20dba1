"""Synthetic but realistic Vietnamese children, households, caregivers and cases.

Plain Python (no Django): the generator yields batches of tuples whose columns match the
Django tables, so :mod:`baove.registry.seeding` can bulk-load them, and tests, benchmarks
and the record-linkage work can use them without a database.

>>> from baove.synth import generate
>>> batch = generate(10, [("00004", "01"), ("26734", "79")], seed=1)
>>> len(batch.cases)
10
"""

from __future__ import annotations

from baove.synth.generator import REFERENCE_ALPHABET, generate, iter_batches
from baove.synth.names import FAMILY_NAME_SHARES, random_name, region_of
from baove.synth.rows import COLUMNS, TABLE_ORDER, Batch, IdStart

__all__ = [
    "COLUMNS",
    "FAMILY_NAME_SHARES",
    "REFERENCE_ALPHABET",
    "TABLE_ORDER",
    "Batch",
    "IdStart",
    "generate",
    "iter_batches",
    "random_name",
    "region_of",
]
