"""Scenario graphs without the database: validating a branching role play and drawing it.

A scenario is a set of steps (customer lines, narration, endings) joined by the trainee's
choices. Authoring (the Wagtail form, the demo loader) and playing (scoring a choice) both
work on the plain dataclasses of `model`, so the rules live in one place and are tested
without a database.

- `model`: `Step`, `Choice`, `Graph`, `Problem` and the step kinds and ending ratings.
- `checks`: `validate(graph, known_codes=...)` -> list of `Problem`, each naming the step it
  is about.
- `scores`: `parse_scores("T2.1:+2, T3.1:-1")` / `format_scores(...)`, the trainer's way of
  writing the points a choice gives per indicator; `step_max_points`, `score_summary`.
- `paths`: `enumerate_paths` (bounded), `graph_maxima` (the best total per indicator over the
  graph, the measure of every run whatever its path) and `run_summary` (clamped at zero).
- `lint`: `lint(graph, known_codes=...)`: `validate` plus the score bands of the endings
  against every path's score, and the claimed indicators against the best path.
- `rendering`: `render_svg(graph, counts=...)`, the graph as SVG through Graphviz `dot`
  (steps as boxes, choices as labelled arrows, endings coloured by rating); with `counts`
  (choice id -> how often it was taken) the arrows become a heatmap.
"""

from content.scenario_graph.checks import validate
from content.scenario_graph.lint import lint
from content.scenario_graph.model import (
    ACCEPTABLE,
    DEFAULT_BANDS,
    ENDING,
    EXCELLENT,
    KINDS,
    LINE,
    NARRATION,
    POOR,
    RATINGS,
    Choice,
    Graph,
    Problem,
    Step,
    ending_band,
)
from content.scenario_graph.paths import (
    Enumeration,
    Path,
    enumerate_paths,
    graph_maxima,
    run_summary,
)
from content.scenario_graph.rendering import (
    DOT_TIMEOUT_SECONDS,
    RATING_COLOURS,
    RenderError,
    dot_escape,
    render_svg,
    to_dot,
)
from content.scenario_graph.scores import (
    TOTAL_KEY,
    ScoreSyntaxError,
    format_scores,
    parse_scores,
    score_summary,
    scores_tuple,
    step_max_points,
)

__all__ = [
    "ACCEPTABLE",
    "DEFAULT_BANDS",
    "DOT_TIMEOUT_SECONDS",
    "ENDING",
    "EXCELLENT",
    "KINDS",
    "LINE",
    "NARRATION",
    "POOR",
    "RATINGS",
    "RATING_COLOURS",
    "TOTAL_KEY",
    "Choice",
    "Enumeration",
    "Graph",
    "Path",
    "Problem",
    "RenderError",
    "ScoreSyntaxError",
    "Step",
    "dot_escape",
    "ending_band",
    "enumerate_paths",
    "format_scores",
    "graph_maxima",
    "lint",
    "parse_scores",
    "render_svg",
    "run_summary",
    "score_summary",
    "scores_tuple",
    "step_max_points",
    "to_dot",
    "validate",
]
