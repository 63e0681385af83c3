"""The load test's table, from requests.jsonl (one line per request, written by
locustfile.py): requests, failures, p50 and p95 per endpoint with the target beside them.

In the fault run, a request that overlaps the outage (from the moment PostgreSQL is stopped
until it accepts connections again, plus RECOVERY_GRACE_S) is counted apart: its failures are
expected and shown in their own column, its time is left out of the percentiles. Everything
else must meet the targets: no failure, p95 at most the target. After the outage, requests
must succeed again (at least one, and no failure). Pure Python: no Django, no Locust."""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

RECOVERY_GRACE_S = 1.0


@dataclass
class Row:
    name: str
    requests: int = 0
    failures: int = 0
    outage_requests: int = 0
    outage_failures: int = 0
    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float | None:
        """Nearest rank: the smallest time at least q of the requests took no longer than."""
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Summary:
    rows: list[Row]
    total: Row
    seconds: float
    after_outage: tuple[int, int] | None  # (requests, failures) begun after recovery
    problems: list[str]


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def failed(entry: dict) -> bool:
    return bool(entry.get("error"))


def summarise(
    entries: list[dict], *, target_p95_ms: float, outage: tuple[float, float] | None = None
) -> Summary:
    window = None
    if outage is not None:
        window = (outage[0], outage[1] + RECOVERY_GRACE_S)
    rows: dict[str, Row] = {}
    total = Row("all endpoints")
    after = [0, 0]
    starts = [e["start"] for e in entries]
    ends = [e["start"] + e["ms"] / 1000 for e in entries]
    for entry in entries:
        row = rows.setdefault(entry["name"], Row(entry["name"]))
        begin, end = entry["start"], entry["start"] + entry["ms"] / 1000
        bad = failed(entry)
        for target in (row, total):
            if window and begin <= window[1] and end >= window[0]:
                target.outage_requests += 1
                target.outage_failures += bad
                continue
            target.requests += 1
            target.times.append(entry["ms"])
            if bad:
                target.failures += 1
                key = entry["error"][:80]
                target.errors[key] = target.errors.get(key, 0) + 1
        if window and begin > window[1]:
            after[0] += 1
            after[1] += bad
    problems = []
    ordered = sorted(rows.values(), key=lambda r: r.name)
    for row in ordered:
        if row.failures:
            problems.append(f"{row.name}: {row.failures} failures outside the outage")
        p95 = row.percentile(0.95)
        if p95 is not None and p95 > target_p95_ms:
            problems.append(f"{row.name}: p95 {p95:.0f} ms > {target_p95_ms:.0f} ms")
    if not entries:
        problems.append("no request was made")
    if window is not None:
        if after[0] == 0:
            problems.append("no request was made after PostgreSQL came back")
        elif after[1]:
            problems.append(f"{after[1]} of {after[0]} requests failed after PostgreSQL came back")
    seconds = (max(ends) - min(starts)) if entries else 0.0
    return Summary(ordered, total, seconds, tuple(after) if window is not None else None, problems)


def _ms(value: float | None) -> str:
    return f"{value:>7.0f}" if value is not None else f"{'-':>7}"


def table(summary: Summary, *, target_p95_ms: float, fault: bool) -> str:
    head = f"{'endpoint':<26} {'requests':>8} {'failures':>8} {'target':>6}"
    if fault:
        head += f" {'outage req':>10} {'outage fail':>11}"
    head += f" {'p50 ms':>7} {'p95 ms':>7} {'target':>7}  result"
    lines = [head, "-" * len(head)]
    for row in [*summary.rows, summary.total]:
        p95 = row.percentile(0.95)
        ok = row.failures == 0 and (p95 is None or p95 <= target_p95_ms)
        line = f"{row.name:<26} {row.requests:>8} {row.failures:>8} {'= 0':>6}"
        if fault:
            line += f" {row.outage_requests:>10} {row.outage_failures:>11}"
        line += f" {_ms(row.percentile(0.5))} {_ms(p95)} {'<= ' + str(int(target_p95_ms)):>7}  " + (
            "ok" if ok else "MISSED"
        )
        lines.append(line)
        if row is summary.total:
            continue
        for error, count in sorted(row.errors.items(), key=lambda item: -item[1])[:3]:
            lines.append(f"{'':<28}{count} x {error}")
    rate = summary.total.requests / summary.seconds if summary.seconds else 0
    lines.append(
        f"\n{summary.total.requests + summary.total.outage_requests} requests in "
        f"{summary.seconds:.0f} s ({rate:.1f}/s"
        + (" outside the outage)" if summary.after_outage is not None else ")")
    )
    if summary.after_outage is not None:
        lines.append(
            f"after PostgreSQL came back: {summary.after_outage[0]} requests, "
            f"{summary.after_outage[1]} failed"
        )
    return "\n".join(lines)
