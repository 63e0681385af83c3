"""Reading the pages as their scripts do: the controls of one form (what `new FormData(form)`
or `form.elements` would hold) and a few data- attributes, with the standard library's HTML
parser (no browser, no extra package). Used by locustfile.py; tested by the smoke test."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str  # input, select, textarea
    type: str  # text, radio, checkbox, hidden, date, select, textarea, submit, button...
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)  # select: option values


@dataclass
class Form:
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    def form_data(self) -> list[tuple[str, str]]:
        """What FormData(form) posts without a submitter: named controls, checked boxes
        only, no buttons or files."""
        data = []
        for control in self.controls:
            if not control.name or control.type in ("submit", "button", "file", "reset"):
                continue
            if control.type in ("radio", "checkbox") and not control.checked:
                continue
            data.append((control.name, control.value))
        return data

    def named(self, name: str) -> list[Control]:
        return [control for control in self.controls if control.name == name]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Control | None = None
        self.option: dict | None = None
        self.textarea: Control | None = None
        self.elements: list[tuple[str, dict[str, str]]] = []  # every start tag, for attributes

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        self.elements.append((tag, attrs))
        if tag == "form":
            self.current = Form(attrs)
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            self.current.controls.append(
                Control(
                    "input",
                    kind,
                    attrs.get("name", ""),
                    attrs.get("value", "on" if kind in ("radio", "checkbox") else ""),
                    "checked" in attrs,
                )
            )
        elif tag == "button":
            self.current.controls.append(
                Control(
                    "button",
                    attrs.get("type", "submit"),
                    attrs.get("name", ""),
                    attrs.get("value", ""),
                )
            )
        elif tag == "select":
            self.select = Control("select", "select", attrs.get("name", ""))
            self.current.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
        elif tag == "textarea":
            self.textarea = Control("textarea", "textarea", attrs.get("name", ""))
            self.current.controls.append(self.textarea)

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def _close_option(self):
        if self.option is None or self.select is None:
            return
        value = self.option["value"]
        value = self.option["text"].strip() if value is None else value
        self.select.options.append(value)
        if self.option["selected"] or len(self.select.options) == 1:
            self.select.value = value
        self.option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "form":
            self.current = None


class Page:
    def __init__(self, html: str):
        parser = _Parser()
        parser.feed(html)
        parser.close()
        self.forms = parser.forms
        self.elements = parser.elements

    def form(self, **wanted: str) -> Form | None:
        """The first form whose attributes include every one given (value "" matches any:
        `form(**{"data-quiz-form": ""})`)."""
        for form in self.forms:
            if all(
                name in form.attrs and (value == "" or form.attrs[name] == value)
                for name, value in wanted.items()
            ):
                return form
        return None

    def attribute(self, marker: str, name: str) -> str | None:
        """The `name` attribute of the first element that carries `marker`."""
        for _tag, attrs in self.elements:
            if marker in attrs and name in attrs:
                return attrs[name]
        return None

    def count(self, marker: str) -> int:
        return sum(1 for _tag, attrs in self.elements if marker in attrs)
