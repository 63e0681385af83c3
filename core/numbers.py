"""Whole numbers from untrusted input (URL parts, form fields, JSON payloads).

`int()` on request data accepts values no database column can hold (a 30-digit "id" makes
SQLite raise OverflowError; a sequence number beyond 2**31 - 1 saved to a
PositiveIntegerField makes PostgreSQL raise DataError: a 500), `float("inf")` from JSON
(OverflowError), `True`, and "1_000". `bounded_int` answers None for all of those, so a
view can refuse them with a clear 4xx instead.
"""

import re

MAX_BIGINT = 2**63 - 1  # BigAutoField / BigIntegerField, the largest id in any database
MAX_INT = 2**31 - 1  # IntegerField / PositiveIntegerField on PostgreSQL

_DIGITS = re.compile(r"\s*[+-]?\d{1,19}\s*")


def bounded_int(value, *, minimum: int = 0, maximum: int = MAX_BIGINT) -> int | None:
    """`value` as an int when it is a whole number (an int, or a string of at most 19
    digits with an optional sign) within minimum..maximum; otherwise None. Booleans and
    floats are not whole numbers here."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None
