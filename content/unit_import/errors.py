"""What goes wrong in a unit file: one UnitError per problem (field, line, message), all of
them raised together as ParseError, and the Collector the readers gather them in."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class UnitError:
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s, field “%(field)s”: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("Field “%(field)s”: %(message)s") % {"field": self.field, "message": self.message}


class ParseError(ValueError):
    def __init__(self, errors: list[UnitError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class Collector:
    def __init__(self):
        self.errors: list[UnitError] = []
        self.warnings: list[str] = []

    def error(self, field_name: str, line: int | None, message: str) -> None:
        self.errors.append(UnitError(field_name, line, message))
