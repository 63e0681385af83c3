"""Drawing a scenario: the graph as Graphviz DOT (steps as boxes, choices as labelled arrows,
endings coloured by rating, optionally a heatmap of how often each choice was taken) and as
SVG through `dot`."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from content.scenario_graph.model import (
    ACCEPTABLE,
    ENDING,
    EXCELLENT,
    NARRATION,
    POOR,
    Graph,
    short,
)
from content.scenario_graph.scores import format_scores

RATING_COLOURS = {EXCELLENT: "#c8e6c9", ACCEPTABLE: "#fff3c4", POOR: "#ffcdd2"}
DOT_TIMEOUT_SECONDS = 10

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _wrap(text: str, width: int) -> list[str]:
    text = short(text, width * 4)
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def dot_escape(text: str) -> str:
    """Make any text safe inside a double-quoted DOT string: no control characters, no
    escape sequences Graphviz would expand (\\N, \\G, \\l), no closing quote."""
    text = _CONTROL.sub(" ", text or "")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _label(lines: Iterable[str]) -> str:
    return "\\n".join(dot_escape(line) for line in lines)


def to_dot(graph: Graph, *, counts: Mapping | None = None) -> str:
    node_ids = {step.key: f"s{i}" for i, step in enumerate(graph.steps)}
    heat = counts is not None
    counts = counts or {}
    out = [
        "digraph scenario {",
        '  graph [rankdir=TB, fontname="Noto Sans CJK TC", bgcolor="white", nodesep=0.4];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", fontname="Noto Sans CJK TC", fontsize=11];',
        '  edge [fontname="Noto Sans CJK TC", fontsize=9, color="#55606e"];',
    ]
    visits: dict[str, int] = defaultdict(int)
    taken_from: dict[str, int] = defaultdict(int)
    for choice in graph.choices:
        n = int(counts.get(choice.id, 0))
        visits[choice.to_key] += n
        taken_from[choice.from_key] += n
    for step in graph.steps:
        head = f"[{step.key}]"
        if step.speaker:
            head += f" {step.speaker}"
        lines = [head, *_wrap(step.text, 18)]
        attrs = [f'label="{_label(lines)}"']
        if step.kind == ENDING:
            colour = RATING_COLOURS.get(step.rating, "#eeeeee")
            attrs.append(f'fillcolor="{colour}"')
            attrs.append("peripheries=2")
            lines.append(_rating_label(step.rating))
            attrs[0] = f'label="{_label(lines)}"'
        elif step.kind == NARRATION:
            attrs.append('style="rounded,filled,dashed"')
        if step.is_start:
            attrs.append("penwidth=2.5")
        out.append(f"  {node_ids[step.key]} [{', '.join(attrs)}];")
    top = max([int(v) for v in counts.values()] or [0])
    for choice in graph.choices:
        if choice.from_key not in node_ids:
            continue
        target = node_ids.get(choice.to_key)
        if target is None:
            missing = f"missing_{len(out)}"
            out.append(
                f'  {missing} [label="{_label([_("missing: %(key)s") % {"key": choice.to_key}])}", '
                'fillcolor="#ffffff", color="#c62828", style="dashed"];'
            )
            target = missing
        lines = _wrap(choice.text, 16)
        if choice.scores:
            lines.append(format_scores({"indicator": c, "points": p} for c, p in choice.scores))
        attrs = []
        if heat:
            n = int(counts.get(choice.id, 0))
            share = taken_from[choice.from_key]
            pct = f" ({round(100 * n / share)}%)" if share else ""
            lines.append(f"× {n}{pct}")
            ratio = n / top if top else 0
            attrs.append(f"penwidth={1 + 7 * ratio:.2f}")
            attrs.append(f'color="{_heat_colour(ratio)}"')
        attrs.insert(0, f'label="{_label(lines)}"')
        out.append(f"  {node_ids[choice.from_key]} -> {target} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out)


def _rating_label(rating: str) -> str:
    return {
        EXCELLENT: _("Ending: excellent"),
        ACCEPTABLE: _("Ending: acceptable"),
        POOR: _("Ending: poor"),
    }.get(rating, _("Ending"))


def _heat_colour(ratio: float) -> str:
    """Grey for untaken, through orange to deep red for the most taken choice."""
    if ratio <= 0:
        return "#b0b7c0"
    low, high = (0xF5, 0xB0, 0x41), (0xB7, 0x1C, 0x1C)
    rgb = [round(a + (b - a) * ratio) for a, b in zip(low, high, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


class RenderError(RuntimeError):
    pass


def render_svg(graph: Graph, *, counts: Mapping | None = None) -> str:
    """SVG markup (no XML prolog, ready to inline) of the graph; `counts` draws a heatmap."""
    dot = shutil.which("dot")
    if dot is None:
        raise RenderError(_("Graphviz (dot) is not installed."))
    try:
        done = subprocess.run(
            [dot, "-Tsvg"],
            input=to_dot(graph, counts=counts).encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(_("Drawing the graph took too long.")) from exc
    if done.returncode != 0:
        raise RenderError(done.stderr.decode("utf-8", "replace")[:500])
    svg = done.stdout.decode("utf-8")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
