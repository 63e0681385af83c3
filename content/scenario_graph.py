"""Scenario graphs without the database: validating a branching role play and drawing it.

A scenario is a set of steps (customer lines, narration, endings) joined by the trainee's
choices. Authoring (the Wagtail form, the demo loader) and playing (scoring a choice) both
work on the plain dataclasses below, so the rules live in one place and are tested without
a database.

- `validate(graph, known_codes=...)` -> list of `Problem`, each naming the step it is about.
- `parse_scores("T2.1:+2, T3.1:-1")` / `format_scores(...)`: the trainer's way of writing the
  points a choice gives per indicator.
- `render_svg(graph, counts=...)`: the graph as SVG through Graphviz `dot` (steps as boxes,
  choices as labelled arrows, endings coloured by rating); with `counts` (choice id -> how
  often it was taken) the arrows become a heatmap.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

LINE = "line"
NARRATION = "narration"
ENDING = "ending"
KINDS = (LINE, NARRATION, ENDING)

EXCELLENT = "excellent"
ACCEPTABLE = "acceptable"
POOR = "poor"
RATINGS = (EXCELLENT, ACCEPTABLE, POOR)

RATING_COLOURS = {EXCELLENT: "#c8e6c9", ACCEPTABLE: "#fff3c4", POOR: "#ffcdd2"}
DOT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Step:
    key: str
    kind: str = LINE
    text: str = ""
    speaker: str = ""
    rating: str = ""
    is_start: bool = False


@dataclass(frozen=True)
class Choice:
    id: int | str
    from_key: str
    to_key: str
    text: str = ""
    feedback: str = ""
    scores: tuple[tuple[str, int], ...] = ()


@dataclass
class Graph:
    steps: list[Step] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    claimed_codes: tuple[str, ...] = ()

    def step_map(self) -> dict[str, Step]:
        return {step.key: step for step in self.steps}

    def choices_from(self) -> dict[str, list[Choice]]:
        out: dict[str, list[Choice]] = defaultdict(list)
        for choice in self.choices:
            out[choice.from_key].append(choice)
        return out

    def start_keys(self) -> list[str]:
        return [step.key for step in self.steps if step.is_start]


@dataclass(frozen=True)
class Problem:
    step_key: str  # "" for problems of the whole scenario
    message: str

    def __str__(self) -> str:
        return self.message


# --- scores -----------------------------------------------------------------------------

_SCORE_ITEM = re.compile(r"^\s*([A-Za-z][A-Za-z0-9.]*)\s*[:=]?\s*([+-]?\d{1,3})\s*$")


class ScoreSyntaxError(ValueError):
    pass


def parse_scores(text: str) -> list[dict]:
    """'T2.1:+2, T3.1:-1' -> [{"indicator": "T2.1", "points": 2}, {...: -1}]. Separators:
    comma, semicolon, full-width comma or new line. A code given twice is an error."""
    items: list[dict] = []
    seen: set[str] = set()
    for raw in re.split(r"[,;，；、\n]+", text or ""):
        if not raw.strip():
            continue
        match = _SCORE_ITEM.match(raw)
        if not match:
            raise ScoreSyntaxError(
                _("“%(item)s” is not a score. Write an indicator code and points, e.g. T2.1:+2.")
                % {"item": raw.strip()}
            )
        code, points = match.group(1).upper(), int(match.group(2))
        if code in seen:
            raise ScoreSyntaxError(_("%(code)s is scored twice.") % {"code": code})
        seen.add(code)
        items.append({"indicator": code, "points": points})
    return items


def format_scores(items: Iterable[Mapping] | None) -> str:
    return ", ".join(f"{i['indicator']}:{int(i['points']):+d}" for i in (items or []))


def scores_tuple(items: Iterable[Mapping] | None) -> tuple[tuple[str, int], ...]:
    return tuple((str(i["indicator"]), int(i["points"])) for i in (items or []))


TOTAL_KEY = "*"


def step_max_points(choices: Iterable[Choice], chosen: Choice | None = None) -> dict[str, int]:
    """What a trainee could have earned at this step: under TOTAL_KEY the total of the best
    choice (never below zero) and, per indicator, the points of the best choice. Several
    choices may tie as best (different good paths): when the trainee took one of them, its
    own points are the measure; otherwise the most points among the tied choices."""
    choices = list(choices)
    if not choices:
        return {TOTAL_KEY: 0}
    totals = [sum(points for _code, points in c.scores) for c in choices]
    best_total = max(totals)
    best_choices = [c for c, t in zip(choices, totals, strict=True) if t == best_total]
    if chosen is not None and any(c.id == chosen.id for c in best_choices):
        best_choices = [chosen]
    best: dict[str, int] = {}
    for choice in best_choices:
        for code, points in choice.scores:
            best[code] = max(best.get(code, 0), points)
    for choice in choices:  # indicators only other choices touch still count as chances
        for code, _points in choice.scores:
            best.setdefault(code, 0)
    best[TOTAL_KEY] = max(best_total, 0)
    return best


def score_summary(
    taken: Iterable[tuple[Mapping[str, int], Mapping[str, int]]],
) -> tuple[dict[str, dict], float]:
    """From (points earned, points available) per answered step: per indicator
    {"points", "max", "percent"} and the overall percentage (0..100, clamped): the points
    earned over what the best choice at each step would have given."""
    earned: dict[str, int] = defaultdict(int)
    available: dict[str, int] = defaultdict(int)
    total_earned = total_max = 0
    for points, maxima in taken:
        for code, value in points.items():
            earned[code] += int(value)
            total_earned += int(value)
        for code, value in maxima.items():
            if code != TOTAL_KEY:
                available[code] += int(value)
        total_max += int(maxima.get(TOTAL_KEY, sum(v for k, v in maxima.items() if k != TOTAL_KEY)))
    per_indicator: dict[str, dict] = {}
    for code in sorted(set(earned) | set(available)):
        top = available.get(code, 0)
        got = earned.get(code, 0)
        percent = _clamp(100.0 * got / top) if top > 0 else None
        per_indicator[code] = {"points": got, "max": top, "percent": percent}
    total = _clamp(100.0 * total_earned / total_max) if total_max > 0 else 100.0
    return per_indicator, round(total, 1)


def _clamp(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 1)


# --- validation -------------------------------------------------------------------------


def validate(graph: Graph, *, known_codes: Iterable[str] | None = None) -> list[Problem]:
    """Everything that stops a scenario from being published, each problem naming its step."""
    problems: list[Problem] = []
    add = problems.append
    steps = graph.step_map()
    outgoing = graph.choices_from()

    if not graph.steps:
        return [Problem("", _("The scenario has no steps."))]

    seen_keys: set[str] = set()
    for step in graph.steps:
        if not step.key:
            add(Problem("", _("A step has no key.")))
        elif step.key in seen_keys:
            add(Problem(step.key, _("Step “%(key)s”: the key is used twice.") % {"key": step.key}))
        seen_keys.add(step.key)
        if step.kind not in KINDS:
            add(Problem(step.key, _("Step “%(key)s”: unknown kind.") % {"key": step.key}))
        if not step.text.strip():
            add(Problem(step.key, _("Step “%(key)s” has no text.") % {"key": step.key}))
        if step.kind == ENDING:
            if step.rating not in RATINGS:
                add(
                    Problem(
                        step.key,
                        _("Ending “%(key)s” needs a rating (excellent, acceptable or poor).")
                        % {"key": step.key},
                    )
                )
            if outgoing.get(step.key):
                add(
                    Problem(
                        step.key,
                        _("Ending “%(key)s” has choices: an ending closes the conversation.")
                        % {"key": step.key},
                    )
                )
        elif not outgoing.get(step.key):
            add(
                Problem(
                    step.key,
                    _("Step “%(key)s” has no choices and is not an ending.") % {"key": step.key},
                )
            )

    starts = graph.start_keys()
    if not starts:
        add(Problem("", _("No step is marked as the start.")))
    elif len(starts) > 1:
        add(
            Problem(
                starts[1],
                _("Only one step may be the start; marked: %(keys)s.")
                % {"keys": ", ".join(f"“{k}”" for k in starts)},
            )
        )
    if not any(step.kind == ENDING for step in graph.steps):
        add(Problem("", _("The scenario has no ending.")))

    for choice in graph.choices:
        label = _short(choice.text, 30)
        if choice.from_key not in steps:
            add(
                Problem(
                    choice.from_key,
                    _("Choice “%(choice)s” belongs to step “%(key)s”, which does not exist.")
                    % {"choice": label, "key": choice.from_key},
                )
            )
            continue
        if not choice.text.strip():
            add(
                Problem(
                    choice.from_key,
                    _("Step “%(key)s”: a choice has no words for the trainee.")
                    % {"key": choice.from_key},
                )
            )
        if choice.to_key not in steps:
            add(
                Problem(
                    choice.from_key,
                    _("Step “%(key)s”: choice “%(choice)s” leads to a missing step “%(target)s”.")
                    % {"key": choice.from_key, "choice": label, "target": choice.to_key},
                )
            )
        if not choice.feedback.strip():
            add(
                Problem(
                    choice.from_key,
                    _("Step “%(key)s”: choice “%(choice)s” has no feedback.")
                    % {"key": choice.from_key, "choice": label},
                )
            )

    if len(starts) == 1 and starts[0] in steps:
        _check_paths(graph, starts[0], outgoing, steps, add)

    _check_indicators(graph, known_codes, add)
    return problems


def _check_paths(graph, start, outgoing, steps, add) -> None:
    reachable = _reach([start], lambda key: [c.to_key for c in outgoing.get(key, [])])
    for step in graph.steps:
        if step.key not in reachable:
            add(
                Problem(
                    step.key,
                    _("Step “%(key)s” cannot be reached from the start.") % {"key": step.key},
                )
            )
    incoming: dict[str, list[str]] = defaultdict(list)
    for choice in graph.choices:
        incoming[choice.to_key].append(choice.from_key)
    endings = [s.key for s in graph.steps if s.kind == ENDING]
    can_finish = _reach(endings, lambda key: incoming.get(key, []))
    in_cycle = _cycle_members(steps, outgoing)
    for step in graph.steps:
        if step.key not in reachable or step.key in can_finish or not outgoing.get(step.key):
            continue  # unreachable and dead-end steps are reported above
        if step.key in in_cycle:
            message = _("Step “%(key)s” is in a loop with no way out to an ending.")
        else:
            message = _("From step “%(key)s” no path reaches an ending.")
        add(Problem(step.key, message % {"key": step.key}))


def _check_indicators(graph: Graph, known_codes, add) -> None:
    known = set(known_codes) if known_codes is not None else None
    claimed = set(graph.claimed_codes)
    scored_positive: set[str] = set()
    for choice in graph.choices:
        for code, points in choice.scores:
            if known is not None and code not in known:
                add(
                    Problem(
                        choice.from_key,
                        _(
                            "Step “%(key)s”: choice “%(choice)s” scores %(code)s, which is not an "
                            "indicator of the unit."
                        )
                        % {"key": choice.from_key, "choice": _short(choice.text, 30), "code": code},
                    )
                )
            elif claimed and code not in claimed:
                add(
                    Problem(
                        choice.from_key,
                        _(
                            "Step “%(key)s”: choice “%(choice)s” scores %(code)s, which the "
                            "scenario does not list among the indicators it practises."
                        )
                        % {"key": choice.from_key, "choice": _short(choice.text, 30), "code": code},
                    )
                )
            if points > 0:
                scored_positive.add(code)
    if not claimed:
        add(Problem("", _("The scenario lists no indicators it practises.")))
    for code in sorted(claimed - scored_positive):
        add(
            Problem(
                "",
                _("Indicator %(code)s is listed but no choice scores points for it.")
                % {"code": code},
            )
        )


def _reach(seeds: Iterable[str], neighbours) -> set[str]:
    seen = set(seeds)
    queue = deque(seen)
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _cycle_members(steps: Mapping[str, Step], outgoing) -> set[str]:
    """Steps on some cycle (Tarjan's strongly connected components, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    members: set[str] = set()
    counter = 0

    def targets(key):
        return [c.to_key for c in outgoing.get(key, []) if c.to_key in steps]

    for root in steps:
        if root in index:
            continue
        work = [(root, iter(targets(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(targets(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1 or node in targets(node):
                    members.update(component)
    return members


# --- rendering --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    text = _short(text, width * 4)
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
