"""Parse the text wrk 4.x prints (pure: no Django, no I/O), for bench/run.py.

What wrk prints (src/units.c and src/wrk.c of wrk 4.1):

    Running 5s test @ http://127.0.0.1:8000/
      1 threads and 8 connections
      Thread Stats   Avg      Stdev     Max   +/- Stdev
        Latency    22.81ms   10.36ms 113.62ms   87.50%
        Req/Sec   351.31     42.97   440.00     74.00%
      Latency Distribution
         50%   20.77ms
         75%   24.15ms
         90%   31.43ms
         99%   72.60ms
      1750 requests in 5.00s, 22.68MB read
      Socket errors: connect 0, read 3, write 0, timeout 12      (only when there are any)
      Non-2xx or 3xx responses: 42                               (only when there are any)
    Requests/sec:    349.79
    Transfer/sec:      4.53MB

- times: a number and `us` or `ms` (below 1 s) or `s` or `m` (from 1 s); a value moves to the
  next unit from 0.85 of it ("0.85ms", "0.85m"); `h` is not printed by wrk 4.1 but parsed;
- counts (Req/Sec): a number and nothing, `k`, `M`, `G` or `T` (steps of 1000);
- bytes: a number, nothing or `K`, `M`, `G`, `T` (steps of 1024), then `B`;
- "Non-2xx or 3xx" counts answers with a status above 399 (3xx are not counted);
- timed-out requests are counted as socket errors and left out of the latency figures.

Percentiles are matched on their own lines: "50%" also ends "+/- Stdev" figures such as
"87.50%", which is how the first parser read the next word ("Req/Sec") as a latency.
"""

import re
from dataclasses import dataclass, field

TIME_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
METRIC = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}
BINARY = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5}
PERCENTILES = (50, 75, 90, 99)

_NUMBER = r"(\d+(?:\.\d+)?)"
_TIME = re.compile(rf"{_NUMBER}(us|ms|s|m|h)")
_METRIC = re.compile(rf"{_NUMBER}([kMGTP]?)")
_BYTES = re.compile(rf"{_NUMBER}([KMGTP]?)B")


class WrkOutputError(ValueError):
    """wrk printed something these rules do not describe; the message quotes it."""


def _whole(pattern: re.Pattern, text: str, what: str) -> re.Match:
    match = pattern.fullmatch(text.strip())
    if match is None:
        raise WrkOutputError(f"not a wrk {what}: {text!r}")
    return match


def time_ms(text: str) -> float:
    """'812.00us' -> 0.812, '1.02s' -> 1020.0, '1.08m' -> 64800.0 (milliseconds)."""
    number, unit = _whole(_TIME, text, "time").groups()
    return float(number) * TIME_MS[unit]


def metric(text: str) -> float:
    """'351.31' -> 351.31, '1.23k' -> 1230.0, '2.00M' -> 2000000.0."""
    number, unit = _whole(_METRIC, text, "count").groups()
    return float(number) * METRIC[unit]


def byte_count(text: str) -> float:
    """'512.00B' -> 512.0, '22.68MB' -> 23781703.68 (bytes)."""
    number, unit = _whole(_BYTES, text, "byte count").groups()
    return float(number) * BINARY[unit]


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_ms: float
    bytes_read: float
    requests_per_s: float
    latency_avg_ms: float
    latency_max_ms: float
    percentiles_ms: dict[int, float]
    socket_errors: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0

    @property
    def p50(self) -> float:
        return self.percentiles_ms[50]

    @property
    def p99(self) -> float:
        return self.percentiles_ms[99]

    def problems(self) -> list[str]:
        """Why these figures do not measure the page, or [] when they do: no answers at all,
        socket errors (connect, read, write, timeout) or answers with status 400 and above."""
        found = []
        if self.requests == 0:
            found.append("no request completed")
        errors = {kind: n for kind, n in self.socket_errors.items() if n}
        if errors:
            found.append("socket errors: " + ", ".join(f"{kind} {n}" for kind, n in errors.items()))
        if self.non_2xx_3xx:
            found.append(f"{self.non_2xx_3xx} of {self.requests} answers were 4xx/5xx")
        return found


def _line(pattern: str, output: str, what: str, required: bool = True) -> re.Match | None:
    """The first line matching `pattern` in full; spaces in `pattern` stand for runs of
    spaces or tabs, never line breaks."""
    regex = "^[ \t]*" + pattern.replace(" ", "[ \t]+") + "[ \t]*$"
    match = re.search(regex, output, re.MULTILINE)
    if match is None and required:
        raise WrkOutputError(f"no {what} line in wrk's output:\n{output}")
    return match


def parse(output: str) -> WrkResult:
    """Read a run of `wrk --latency` (one or more threads, any connection count)."""
    latency = _line(r"Latency (\S+) (\S+) (\S+) \S+%", output, "Latency")
    percentiles = {
        p: time_ms(_line(rf"{p}% (\S+)", output, f"{p}% latency").group(1)) for p in PERCENTILES
    }
    total = _line(r"(\d+) requests in (\S+), (\S+) read", output, "requests")
    rps = _line(r"Requests/sec: (\d+(?:\.\d+)?)", output, "Requests/sec")
    sockets = _line(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
        "socket errors",
        required=False,
    )
    status = _line(r"Non-2xx or 3xx responses: (\d+)", output, "status", required=False)
    return WrkResult(
        requests=int(total.group(1)),
        duration_ms=time_ms(total.group(2)),
        bytes_read=byte_count(total.group(3)),
        requests_per_s=float(rps.group(1)),
        latency_avg_ms=time_ms(latency.group(1)),
        latency_max_ms=time_ms(latency.group(3)),
        percentiles_ms=percentiles,
        socket_errors=dict(
            zip(
                ("connect", "read", "write", "timeout"),
                (int(n) for n in sockets.groups()) if sockets else (0, 0, 0, 0),
                strict=True,
            )
        ),
        non_2xx_3xx=int(status.group(1)) if status else 0,
    )
