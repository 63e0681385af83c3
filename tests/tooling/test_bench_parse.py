"""bench/wrk.py reads what wrk prints, whatever the connection count and units.

The samples in wrk_samples/ are verbatim output of wrk 4.1.0 (Debian 12) with `--latency`:
against the bench's gunicorn serving the demo (`healthz-*`, `home-*`, `redirect-*`,
`not-found-*`) and against a throw-away Python server that sleeps, fails or drops the
connection on request (`slow-*`, `status-500-*`, `connection-reset-*`, `timeout-*`,
`large-body-*`). `healthz-c8-stdev-88.50.txt` is the run that crashed the first parser with
`AttributeError` in `to_ms`: its "+/- Stdev" figure 88.50% ends in "50%".
"""

from pathlib import Path

import pytest

from bench import wrk

SAMPLES = Path(__file__).resolve().parent / "wrk_samples"


def sample(name: str) -> wrk.WrkResult:
    return wrk.parse((SAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0.00us", 0.0),
        ("695.00us", 0.695),
        ("849.99us", 0.84999),
        ("0.85ms", 0.85),
        ("12.77ms", 12.77),
        ("1000.00ms", 1000.0),
        ("1.24s", 1240.0),
        ("1.24s ", 1240.0),  # wrk pads a one-letter unit with a space
        ("50.99s", 50990.0),
        ("1.03m", 61800.0),
        ("1.17m", 70200.0),
        ("2.50h", 9_000_000.0),
    ],
)
def test_time_units(text, ms):
    assert wrk.time_ms(text) == pytest.approx(ms)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.00", 0.0),
        ("625.40", 625.4),
        ("1.07k", 1070.0),
        ("5.61k", 5610.0),
        ("1.25M", 1_250_000.0),
        ("3.00G", 3e9),
    ],
)
def test_count_suffixes(text, value):
    assert wrk.metric(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.00B", 0.0),
        ("132.00B", 132.0),
        ("434.28KB", 434.28 * 1024),
        ("22.68MB", 22.68 * 1024**2),
        ("2.92GB", 2.92 * 1024**3),
        ("1.50TB", 1.5 * 1024**4),
    ],
)
def test_byte_suffixes(text, value):
    assert wrk.byte_count(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["Req/Sec", "-nan", "12.3", "1.2 ms", "3ns", ""])
def test_not_a_time(text):
    with pytest.raises(wrk.WrkOutputError, match="not a wrk time"):
        wrk.time_ms(text)


def test_stdev_ending_in_50_percent_is_not_the_median():
    result = sample("healthz-c8-stdev-88.50.txt")
    assert result.percentiles_ms == {50: 12.77, 75: 21.73, 90: 35.44, 99: 84.23}
    assert result.requests == 629
    assert result.requests_per_s == 618.06
    assert result.latency_avg_ms == 16.15
    assert result.latency_max_ms == 119.76
    assert result.duration_ms == pytest.approx(1020.0)
    assert result.bytes_read == pytest.approx(434.28 * 1024)
    assert result.problems() == []


@pytest.mark.parametrize(
    ("name", "p50", "p99", "rps", "requests"),
    [
        ("healthz-c1.txt", 0.695, 309.93, 957.37, 2951),
        ("healthz-c4.txt", 2.32, 38.15, 1574.57, 4763),
        ("healthz-c16.txt", 10.01, 45.78, 1093.29, 3308),
        ("healthz-c32.txt", 19.21, 52.97, 1241.69, 3848),
        ("home-c8.txt", 117.7, 229.19, 64.01, 263),
        ("home-c16.txt", 336.95, 473.47, 45.81, 186),
        ("large-body-t2-c16.txt", 2.09, 15.14, 5173.92, 15649),
        ("slow-1.2s-c2.txt", 1240.0, 1260.0, 1.59, 8),
        ("slow-62s-c1.txt", 61800.0, 61800.0, 0.01, 1),
    ],
)
def test_clean_runs(name, p50, p99, rps, requests):
    result = sample(name)
    assert result.p50 == pytest.approx(p50)
    assert result.p99 == pytest.approx(p99)
    assert result.requests_per_s == pytest.approx(rps)
    assert result.requests == requests
    assert result.problems() == []


def test_every_sample_parses():
    names = sorted(p.name for p in SAMPLES.glob("*.txt"))
    assert len(names) >= 10
    for name in names:
        result = sample(name)
        assert set(result.percentiles_ms) == {50, 75, 90, 99}, name


def test_minutes_in_the_run_time():
    result = sample("slow-62s-c1.txt")
    assert result.duration_ms == pytest.approx(70200.0)
    assert result.latency_max_ms == pytest.approx(61800.0)


@pytest.mark.parametrize("name", ["status-500-c4.txt", "not-found-c8.txt"])
def test_error_answers_are_problems(name):
    result = sample(name)
    assert result.non_2xx_3xx == result.requests > 0
    assert result.problems() == [f"{result.requests} of {result.requests} answers were 4xx/5xx"]


def test_connection_resets_are_problems():
    result = sample("connection-reset-c4.txt")
    assert result.socket_errors == {"connect": 0, "read": 5136, "write": 0, "timeout": 0}
    assert result.problems() == ["no request completed", "socket errors: read 5136"]


def test_timeouts_are_problems():
    result = sample("timeout-c4.txt")
    assert result.socket_errors["timeout"] == 8
    assert result.problems() == ["socket errors: timeout 8"]


def test_redirects_look_clean_to_wrk():
    """wrk counts only status 400 and above, so a page that redirects to the log-in page
    looks fine here: run.py checks for 200 before and after each run."""
    result = sample("redirect-t2-c8.txt")
    assert result.non_2xx_3xx == 0
    assert result.problems() == []


def test_output_without_latency_distribution_is_refused():
    text = (SAMPLES / "healthz-c4.txt").read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if "%" not in line or "Latency " in line)
    with pytest.raises(wrk.WrkOutputError, match="50% latency"):
        wrk.parse(without)


def test_wrk_error_text_is_refused():
    with pytest.raises(wrk.WrkOutputError, match="Latency"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")
