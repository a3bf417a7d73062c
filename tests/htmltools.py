"""A few lines of HTML querying for tests, on the standard library's parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(
            child if isinstance(child, str) else child.text for child in self.children
        ).split())

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and all(
                    child.attrs.get(k.rstrip("_").replace("_", "-")) == v
                    for k, v in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    @property
    def links(self) -> list[tuple[str, str]]:
        """Every link as a person reads it, (text, href), in document order."""
        return [(a.text, a.attrs.get("href", "")) for a in self.find_all("a")]

    def link(self, starts: str) -> str:
        """The href of the first link whose text starts with `starts`."""
        found = [href for text, href in self.links if text.startswith(starts)]
        assert found, f"no link {starts!r} among {[text for text, _ in self.links]}"
        return found[0]

    def form(self, button: str) -> Form:
        """The form with a button whose text starts with `button`, as pressing it
        submits: its method, action and fields (the button's own name and value too)."""
        for form in self.find_all("form"):
            for pressed in form.find_all("button"):
                if pressed.text.startswith(button):
                    return Form.of(form, pressed)
        raise AssertionError(f"no form with a button {button!r}")

    def by_class(self, name: str) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if name in child.attrs.get("class", "").split():
                    found.append(child)
                found.extend(child.by_class(name))
        return found


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str]

    @classmethod
    def of(cls, form: Element, pressed: Element | None = None) -> Form:
        fields = {}
        for element in form.find_all("input"):
            kind = element.attrs.get("type", "text")
            if "name" in element.attrs and kind not in ("submit", "button", "reset") and (
                    kind not in ("checkbox", "radio") or "checked" in element.attrs):
                fields[element.attrs["name"]] = element.attrs.get("value", "")
        for element in form.find_all("textarea"):
            if "name" in element.attrs:
                fields[element.attrs["name"]] = "".join(
                    child for child in element.children if isinstance(child, str))
        if pressed is not None and "name" in pressed.attrs:
            fields[pressed.attrs["name"]] = pressed.attrs.get("value", "")
        return cls(form.attrs.get("method", "get").lower(), form.attrs.get("action", ""),
                   fields)

    @property
    def url(self) -> str:
        """Where pressing the button of a GET form goes."""
        assert self.method == "get", f"a {self.method} form goes nowhere by itself"
        return f"{self.action}?{urlencode(self.fields)}"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
