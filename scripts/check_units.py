"""Check the shipped deploy/ folder: systemd units, the cron file, nginx and env.example.

    python scripts/check_units.py          # static checks + systemd-analyze verify + nginx -t
    python scripts/check_units.py --run    # also run every periodic job's ExecStart command
                                           # on a throw-away SQLite database

Static checks: every unit parses; every timer starts an existing Type=oneshot service and
every oneshot service has a timer; every service runs as `loyalty` from the install path
with the EnvironmentFile and the hardening options; the periodic jobs are the ones the app
needs; the cron file runs exactly the timers' commands on the same schedules; nginx sets
the proxy headers production settings trust; env.example names every variable config/ reads.
tests/deploy/test_units.py runs all of it, and runs the jobs against the test database.
"""

import argparse
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALL_ROOT = "/srv/loyalty-academy"
INSTALL_PYTHON = f"{INSTALL_ROOT}/.venv/bin/python"
ENV_FILE = "/etc/loyalty-academy/env"
BACKUP_DIR = "/var/backups/loyalty-academy"
USER = "loyalty"
# The management commands that must run periodically (issue 19).
JOBS = {
    "close_overdue_quiz_attempts",
    "send_assessor_reminders",
    "certificates_send_expiry_reminders",
    "deliveries_retry",
    "retention_apply",
    "backup_create",
}
HARDENING = {
    "NoNewPrivileges": "true",
    "PrivateTmp": "true",
    "ProtectSystem": "strict",
    "ProtectHome": "true",
}

Unit = dict[str, dict[str, list[str]]]


def parse_unit(path: Path) -> Unit:
    """Sections -> key -> values (a key may repeat). Raises ValueError on a malformed line."""
    sections: Unit = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        if current is None or "=" not in line:
            raise ValueError(f"{path.name}:{number}: not a key=value line in a section")
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: Unit, section: str, key: str) -> str | None:
    values = unit.get(section, {}).get(key)
    return values[-1] if values else None


def load_units(deploy: Path = DEPLOY) -> dict[str, Unit]:
    return {path.name: parse_unit(path) for path in sorted((deploy / "systemd").glob("*.*"))}


@dataclass(frozen=True)
class Job:
    timer: str
    service: str
    command: str  # ExecStart as shipped
    schedule: str  # the cron schedule equivalent to the timer's OnCalendar


def calendar_to_cron(calendar: str) -> tuple[str, str | None]:
    """The two OnCalendar forms the units use -> (cron schedule, time zone or None)."""
    match = re.fullmatch(r"\*:0/(\d+)", calendar)
    if match:
        return f"*/{match[1]} * * * *", None
    match = re.fullmatch(r"\*-\*-\* (\d\d):(\d\d):00(?: (\S+))?", calendar)
    if match:
        return f"{int(match[2])} {int(match[1])} * * *", match[3]
    raise ValueError(f"unsupported OnCalendar={calendar}")


def jobs(units: dict[str, Unit]) -> list[Job]:
    found = []
    for name, unit in units.items():
        if not name.endswith(".timer"):
            continue
        service = one(unit, "Timer", "Unit") or name.removesuffix(".timer") + ".service"
        command = one(units.get(service, {}), "Service", "ExecStart") or ""
        calendar = one(unit, "Timer", "OnCalendar") or ""
        try:
            schedule, _tz = calendar_to_cron(calendar)
        except ValueError:
            schedule = ""
        found.append(Job(name, service, command, schedule))
    return found


def job_command_name(command: str) -> str | None:
    argv = shlex.split(command)
    if len(argv) >= 3 and argv[1].endswith("/manage.py"):
        return argv[2]
    return None


def service_problems(units: dict[str, Unit]) -> list[str]:
    problems = []
    for name, unit in units.items():
        if not one(unit, "Unit", "Description"):
            problems.append(f"{name}: no Description=")
        if not name.endswith(".service"):
            continue
        service = unit.get("Service", {})
        expect = {
            "User": USER,
            "WorkingDirectory": INSTALL_ROOT,
            "EnvironmentFile": ENV_FILE,
            **HARDENING,
        }
        for key, value in expect.items():
            if one(unit, "Service", key) != value:
                problems.append(f"{name}: {key}= should be {value}")
        if not service.get("ReadWritePaths"):
            problems.append(f"{name}: ProtectSystem=strict needs ReadWritePaths=")
        command = one(unit, "Service", "ExecStart") or ""
        if not command.startswith(f"{INSTALL_ROOT}/.venv/bin/"):
            problems.append(f"{name}: ExecStart= should run from {INSTALL_ROOT}/.venv")
        if BACKUP_DIR in command and BACKUP_DIR not in " ".join(service["ReadWritePaths"]):
            problems.append(f"{name}: writes {BACKUP_DIR} but it is not in ReadWritePaths=")
    return problems


def timer_problems(units: dict[str, Unit]) -> list[str]:
    problems = []
    timed = set()
    for job in jobs(units):
        timed.add(job.service)
        if job.service not in units:
            problems.append(f"{job.timer}: starts {job.service}, which is not shipped")
            continue
        if one(units[job.service], "Service", "Type") != "oneshot":
            problems.append(f"{job.service}: a timer's service should be Type=oneshot")
        if not job.schedule:
            problems.append(f"{job.timer}: OnCalendar= missing or not in a form the cron file uses")
        if one(units[job.timer], "Install", "WantedBy") != "timers.target":
            problems.append(f"{job.timer}: WantedBy= should be timers.target")
    for name, unit in units.items():
        oneshot = name.endswith(".service") and one(unit, "Service", "Type") == "oneshot"
        if oneshot and name not in timed:
            problems.append(f"{name}: a oneshot service without a timer")
    commands = {job_command_name(job.command) for job in jobs(units)}
    for missing in sorted(JOBS - commands):
        problems.append(f"no timer runs manage.py {missing}")
    return problems


CRON_LINE = re.compile(r"^(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(\S+)\s+(.*)$")


def parse_cron(path: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """(variables, [(schedule, user, command)])."""
    variables, entries = {}, []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            key, value = line.split("=", 1)
            variables[key] = value
            continue
        match = CRON_LINE.match(line)
        if not match:
            raise ValueError(f"{path.name}: cannot parse {line!r}")
        schedule = " ".join(match[1].split())
        entries.append((schedule, match[2], match[3]))
    return variables, entries


def cron_command(command: str) -> str:
    """The program a cron entry runs, without the env-file preamble and the redirection."""
    command = command.rsplit("&&", 1)[-1].strip()
    return re.sub(r"\s*>\s*/dev/null(\s+2>&1)?$", "", command)


def cron_problems(units: dict[str, Unit], deploy: Path = DEPLOY) -> list[str]:
    problems = []
    variables, entries = parse_cron(deploy / "cron" / "loyalty-academy")
    timers = {job.command: job for job in jobs(units)}
    zones = {
        calendar_to_cron(one(units[j.timer], "Timer", "OnCalendar"))[1]
        for j in timers.values()
        if j.schedule
    }
    zones.discard(None)
    for zone in zones:
        if variables.get("CRON_TZ") != zone:
            problems.append(f"cron: CRON_TZ should be {zone}, as the timers' OnCalendar")
    seen = set()
    for schedule, user, raw in entries:
        command = cron_command(raw)
        if user != USER:
            problems.append(f"cron: {command} should run as {USER}, not {user}")
        if f". {ENV_FILE}" not in raw or f"cd {INSTALL_ROOT}" not in raw:
            problems.append(f"cron: {command} should load {ENV_FILE} and cd {INSTALL_ROOT}")
        job = timers.get(command)
        if job is None:
            problems.append(f"cron: {command!r} is not the ExecStart of any timer's service")
            continue
        seen.add(command)
        if schedule != job.schedule:
            problems.append(
                f"cron: {command} runs at {schedule!r}; {job.timer} at {job.schedule!r}"
            )
    for command, job in timers.items():
        if command not in seen:
            problems.append(f"cron: no entry for {job.service} ({command})")
    return problems


def settings_variables(root: Path = ROOT) -> set[str]:
    pattern = re.compile(
        r"""(?:environ\.get|getenv|env_bool|env_list|environ\[)\(?\s*["']([A-Z0-9_]+)["']"""
    )
    names = set()
    for path in (root / "config").rglob("*.py"):
        names.update(pattern.findall(path.read_text()))
    return names - {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the test settings only


def env_problems(deploy: Path = DEPLOY, root: Path = ROOT) -> list[str]:
    text = (deploy / "env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", text, flags=re.M))
    problems = [
        f"env.example: {name} (read in config/) is not listed"
        for name in sorted(settings_variables(root) - listed)
    ]
    if not re.search(r"^DJANGO_BEHIND_TLS_PROXY=true", text, flags=re.M):
        problems.append(
            "env.example: DJANGO_BEHIND_TLS_PROXY=true is needed behind the nginx example"
        )
    return problems


def nginx_problems(deploy: Path = DEPLOY) -> list[str]:
    text = (deploy / "nginx" / "loyalty-academy.conf").read_text()
    problems = []
    for header in (
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-Host $host;",
        "return 301 https://$host$request_uri;",
        "client_max_body_size",
        "listen 443 ssl",
    ):
        if header not in text:
            problems.append(f"nginx: missing {header}")
    if "private" in re.sub(r"#.*", "", text):
        problems.append("nginx: a location refers to private files; only the app serves them")
    return problems


def static_problems(deploy: Path = DEPLOY, root: Path = ROOT) -> list[str]:
    try:
        units = load_units(deploy)
    except ValueError as exc:
        return [str(exc)]
    return [
        *service_problems(units),
        *timer_problems(units),
        *cron_problems(units, deploy),
        *env_problems(deploy, root),
        *nginx_problems(deploy),
    ]


def localised(text: str, root: Path, python: str) -> str:
    return text.replace(INSTALL_PYTHON, python).replace(INSTALL_ROOT, str(root))


def systemd_verify(deploy: Path = DEPLOY, root: Path = ROOT) -> tuple[str | None, list[str]]:
    """(reason it was skipped, problems): systemd-analyze verify on the units with the install
    path pointing at this checkout; any warning it prints is a problem."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return "systemd-analyze is not installed (Debian package systemd)", []
    python = str(root / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="la-units-") as work:
        names = []
        for path in sorted((deploy / "systemd").glob("*.*")):
            (Path(work) / path.name).write_text(localised(path.read_text(), root, python))
            names.append(path.name)
        result = subprocess.run(
            [tool, "verify", "--man=no", *names],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    output = (result.stdout + result.stderr).strip()
    problems = [line for line in output.splitlines() if line.strip()]
    if result.returncode != 0 and not problems:
        problems = [f"systemd-analyze verify exited {result.returncode}"]
    return None, problems


def nginx_test(deploy: Path = DEPLOY) -> tuple[str | None, list[str]]:
    """(reason it was skipped, problems): `nginx -t` on the example inside a minimal main
    config, with a throw-away self-signed certificate in place of certbot's."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if nginx is None:
        return "nginx is not installed (Debian package nginx-light or nginx)", []
    if shutil.which("openssl") is None:
        return "openssl is not installed", []
    with tempfile.TemporaryDirectory(prefix="la-nginx-") as work:
        work = Path(work)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=academy.example.com",
             "-keyout", str(work / "privkey.pem"), "-out", str(work / "fullchain.pem")],
            capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        site = (deploy / "nginx" / "loyalty-academy.conf").read_text()
        site = site.replace("/etc/letsencrypt/live/academy.example.com", str(work))
        (work / "site.conf").write_text(site)
        types = Path("/etc/nginx/mime.types")
        (work / "nginx.conf").write_text(
            f"pid {work}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
            + (f"include {types};\n" if types.exists() else "")
            + f"access_log off;\nclient_body_temp_path {work};\nproxy_temp_path {work};\n"
            f"fastcgi_temp_path {work};\nuwsgi_temp_path {work};\nscgi_temp_path {work};\n"
            f"include {work}/site.conf;\n}}\n"
        )
        result = subprocess.run(
            [nginx, "-t", "-q", "-e", "stderr", "-p", str(work), "-c", str(work / "nginx.conf")],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    if result.returncode != 0:
        return None, lines or [f"nginx -t exited {result.returncode}"]
    return None, [ln for ln in lines if "[warn]" in ln or "[emerg]" in ln]


@dataclass
class JobRun:
    job: Job
    argv: list[str]
    returncode: int | None  # None: skipped
    output: str


def available_commands(env: dict[str, str], root: Path, python: str) -> set[str]:
    result = subprocess.run(
        [python, str(root / "manage.py"), "help", "--commands"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py help --commands failed: {result.stderr}")
    return set(result.stdout.split())


def run_jobs(
    *, env: dict[str, str], backup_dir: Path, root: Path = ROOT, deploy: Path = DEPLOY
) -> list[JobRun]:
    """Run each timer's service's ExecStart with the install paths replaced by this checkout
    (and the backup directory by `backup_dir`), in `env`, as the unit would: from the
    working directory, a separate process. A command the app does not have is reported (returncode None), never run."""
    python = str(root / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    commands = available_commands(env, root, python)
    runs = []
    for job in jobs(load_units(deploy)):
        text = localised(job.command, root, python).replace(BACKUP_DIR, str(backup_dir))
        argv = shlex.split(text)
        name = job_command_name(job.command)
        if name not in commands:
            runs.append(JobRun(job, argv, None, f"manage.py {name} does not exist"))
            continue
        result = subprocess.run(
            argv, cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        runs.append(JobRun(job, argv, result.returncode, result.stdout + result.stderr))
    return runs


def throwaway_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        DJANGO_PRIVATE_MEDIA_ROOT=str(work / "private"),
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="also run the periodic jobs")
    args = parser.parse_args(argv)
    failed = False
    problems = static_problems()
    for problem in problems:
        print(f"FAIL {problem}")
    failed |= bool(problems)
    print(f"static checks: {len(problems)} problem(s)")
    for label, check in (("systemd-analyze verify", systemd_verify), ("nginx -t", nginx_test)):
        skipped, problems = check()
        if skipped:
            print(f"{label}: SKIPPED ({skipped})")
            continue
        for problem in problems:
            print(f"FAIL {label}: {problem}")
        failed |= bool(problems)
        print(f"{label}: {'ok' if not problems else 'FAILED'}")
    if args.run:
        with tempfile.TemporaryDirectory(prefix="la-jobs-") as work:
            work = Path(work)
            env = throwaway_env(work)
            python = str(ROOT / ".venv" / "bin" / "python")
            migrate = subprocess.run(
                [python, str(ROOT / "manage.py"), "migrate", "--noinput"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
            )  # fmt: skip
            if migrate.returncode != 0:
                print(f"FAIL migrate: {migrate.stderr}")
                return 1
            subprocess.run(
                [python, str(ROOT / "manage.py"), "createcachetable"],
                cwd=ROOT, env=env, capture_output=True, timeout=120, check=False,
            )  # fmt: skip
            for run in run_jobs(env=env, backup_dir=work / "backups"):
                if run.returncode is None:
                    print(f"{run.job.service}: MISSING ({run.output})")
                    failed = True
                elif run.returncode:
                    failed = True
                    print(f"FAIL {run.job.service}: exit {run.returncode}\n{run.output}")
                else:
                    print(f"{run.job.service}: ok ({run.output.strip().splitlines()[:1]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
