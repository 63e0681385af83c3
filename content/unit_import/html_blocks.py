"""The HTML fragments inside an iCAP export's fields, as blocks: paragraphs and list items
(with their nested items), each with the file line it stands on, and paragraphs grouped
with the list items that follow them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from content.unit_import.headings import HEADING_RE, NOTE_RE, NUMBERED_RE
from content.unit_import.vocabulary import nfc


@dataclass
class Node:
    """A block of an HTML fragment: a paragraph or a list item, with nested list items."""

    tag: str  # "p" | "li"
    text: str = ""
    line: int = 0
    children: list[Node] = field(default_factory=list)
    segment_start: bool = False  # first block after a page-break continuation


class BlockParser(HTMLParser):
    """Turns `<p>..</p> <ol><li>..<ol><li>..</li></ol></li></ol>` into a list of Node blocks:
    paragraphs at top level, list items (with their nested items) after the paragraph."""

    def __init__(self, line_of_segment: list[int]):
        super().__init__(convert_charrefs=True)
        self.line_of_segment = line_of_segment
        self.blocks: list[Node] = []
        self.stack: list[Node] = []  # open li's
        self.current: Node | None = None  # block receiving text
        self.lists: list[Node | None] = []  # owner li of each open list (None at top)
        self.last_segment = -1

    def _line(self) -> tuple[int, bool]:
        segment = self.getpos()[0] - 1
        new = segment != self.last_segment
        self.last_segment = segment
        return self.line_of_segment[min(segment, len(self.line_of_segment) - 1)], new

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            line, new = self._line()
            node = Node("p", line=line, segment_start=new and line != self.line_of_segment[0])
            (self.stack[-1].children if self.stack else self.blocks).append(node)
            self.current = node
        elif tag in ("ol", "ul"):
            self.lists.append(self.stack[-1] if self.stack else None)
            self.current = None
        elif tag == "li":
            line, new = self._line()
            node = Node("li", line=line, segment_start=new and line != self.line_of_segment[0])
            (self.stack[-1].children if self.stack else self.blocks).append(node)
            self.stack.append(node)
            self.current = node
        elif tag == "br" and self.current is not None:
            self.current.text += "\n"

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()
            self.current = None
        elif tag == "p":
            self.current = self.stack[-1] if self.stack else None
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
            self.current = self.stack[-1] if self.stack else None

    def handle_data(self, data):
        if self.current is not None:
            self.current.text += data


def html_blocks(segments: list[tuple[int, str]]) -> list[Node]:
    parser = BlockParser([line for line, _text in segments])
    parser.feed("\n".join(text.replace("\n", " ") for _line, text in segments))
    parser.close()

    def clean(node: Node) -> None:
        node.text = nfc(node.text.strip())
        for child in node.children:
            clean(child)

    for block in parser.blocks:
        clean(block)
    return parser.blocks


def group(blocks: list[Node]) -> list[tuple[Node, list[Node]]]:
    """Pairs each paragraph with the list items that follow it. A paragraph continued after a
    page break (its first block does not start a new heading) is joined to the one before."""
    groups: list[tuple[Node, list[Node]]] = []
    for block in blocks:
        if block.tag == "p":
            if (
                block.segment_start
                and groups
                and not groups[-1][1]
                and not HEADING_RE.match(block.text)
                and not NOTE_RE.match(block.text)
                and not NUMBERED_RE.match(block.text)
            ):
                groups[-1][0].text += block.text  # word split by the page break
                continue
            groups.append((block, []))
        elif groups:
            groups[-1][1].append(block)
        else:
            groups.append((Node("p", line=block.line), [block]))
    return groups
