"""Checking a scenario before it is published: every step, the start, every choice, that
each step can be reached and can reach an ending, and the indicators it scores; each
problem names the step it is about."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping

from django.utils.translation import gettext as _

from content.scenario_graph.model import ENDING, KINDS, RATINGS, Choice, Graph, Problem, Step, short

Add = Callable[[Problem], None]


def validate(graph: Graph, *, known_codes: Iterable[str] | None = None) -> list[Problem]:
    """Everything that stops a scenario from being published, each problem naming its step."""
    problems: list[Problem] = []
    add = problems.append
    steps = graph.step_map()
    outgoing = graph.choices_from()

    if not graph.steps:
        return [Problem("", _("The scenario has no steps."))]

    _check_steps(graph, outgoing, add)
    starts = _check_start(graph, add)
    if not any(step.kind == ENDING for step in graph.steps):
        add(Problem("", _("The scenario has no ending.")))
    _check_choices(graph, steps, add)
    if len(starts) == 1 and starts[0] in steps:
        _check_paths(graph, starts[0], outgoing, steps, add)
    _check_indicators(graph, known_codes, add)
    return problems


def _check_steps(graph: Graph, outgoing: Mapping[str, list[Choice]], add: Add) -> None:
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
            _check_ending(step, outgoing, add)
        elif not outgoing.get(step.key):
            add(
                Problem(
                    step.key,
                    _("Step “%(key)s” has no choices and is not an ending.") % {"key": step.key},
                )
            )


def _check_ending(step: Step, outgoing: Mapping[str, list[Choice]], add: Add) -> None:
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


def _check_start(graph: Graph, add: Add) -> list[str]:
    """The keys of the steps marked as the start (there must be exactly one)."""
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
    return starts


def _check_choices(graph: Graph, steps: Mapping[str, Step], add: Add) -> None:
    for choice in graph.choices:
        label = short(choice.text, 30)
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


def _check_paths(
    graph: Graph,
    start: str,
    outgoing: Mapping[str, list[Choice]],
    steps: Mapping[str, Step],
    add: Add,
) -> None:
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


def _check_indicators(graph: Graph, known_codes: Iterable[str] | None, add: Add) -> None:
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
                        % {"key": choice.from_key, "choice": short(choice.text, 30), "code": code},
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
                        % {"key": choice.from_key, "choice": short(choice.text, 30), "code": code},
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


def _reach(seeds: Iterable[str], neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    seen = set(seeds)
    queue = deque(seen)
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _cycle_members(steps: Mapping[str, Step], outgoing: Mapping[str, list[Choice]]) -> set[str]:
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
