"""The `<id:...>` path converter: ids as the database can hold them.

Django's `<int:...>` matches any number of digits, and a 20-digit id reaches the database:
SQLite cannot bind it (OverflowError), a 500. `<id:...>` matches 1 to 19 digits and refuses
values above 2**63 - 1, so such URLs do not match: a 404.
Registered on import; `config/urls.py` imports this module before any URL module.
"""

from django.urls import register_converter

from core.numbers import MAX_BIGINT


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_BIGINT:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value) -> str:
        number = int(value)
        if not 0 <= number <= MAX_BIGINT:
            raise ValueError(value)  # reverse() raises NoReverseMatch
        return str(number)


register_converter(IdConverter, "id")
