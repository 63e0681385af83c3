"""Locust users of the load test (issue 18), started by bench/loadtest/run.py.

Trainees (TraineeUser, one per generated account) read lessons (the visit and position
posts and the completion of learning.js), take quizzes (start, an autosave after each answer
as quizzes.js posts it: the form's fields, `seq` one higher each time, X-Requested-With:
fetch; then the native submit with seq + 1) and play role-play scenarios in practice mode
(each step posted as scenarios.js does: the move form's fields and the chosen button). Assessors
(AssessorUser, `fixed_count` of them) open a trainee in scope, start (or resume) a till
observation and autosave the checklist as assessor_observation.js does: a JSON body
{base, revision, data} with X-CSRFToken, the base being the revision the page last had.

Failed saves are retried as the page scripts retry them (quizzes.js and
assessor_observation.js: 2 s, 4 s... up to 30 s), a failed submit is posted again as a user
pressing reload would. Every write is appended to writes.jsonl before it is sent and again
once the server acknowledged it (2xx, and the page's own sign of success), and every request to requests.jsonl (name, start, duration, status),
for run.py's table and its check of the database.

Environment: LOADTEST_PLAN (the JSON of dataset.prepare), LOADTEST_OUT (a folder),
LOADTEST_THINK (scales every pause; 1 = the pauses written here), LOADTEST_ASSESSORS."""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, events, task

from bench.loadtest.forms import Page

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
OUT = Path(os.environ["LOADTEST_OUT"])
THINK = float(os.environ.get("LOADTEST_THINK", "1"))
ASSESSORS = int(os.environ.get("LOADTEST_ASSESSORS", len(PLAN["assessors"])))
RETRY_FIRST, RETRY_MAX = 2.0, 30.0  # as quizzes.js and assessor_observation.js
SUBMIT_TRIES = 8

_requests_log = (OUT / "requests.jsonl").open("a", buffering=1)
_writes_log = (OUT / "writes.jsonl").open("a", buffering=1)
_trainees = itertools.cycle(PLAN["trainees"])
_assessors = itertools.cycle(PLAN["assessors"][:ASSESSORS] or [None])


@events.request.add_listener
def _log_request(request_type, name, response_time, response, exception, start_time=None, **kw):
    status = getattr(response, "status_code", 0) or 0
    _requests_log.write(
        json.dumps(
            {
                "name": name,
                "method": request_type,
                "start": start_time or time.time() - response_time / 1000,
                "ms": response_time,
                "status": status,
                "error": str(exception)[:200] if exception else "",
            }
        )
        + "\n"
    )


@events.quitting.add_listener
def _close_logs(**kw):
    _requests_log.flush()
    _writes_log.flush()


def record(kind: str, acked: bool, **fields) -> None:
    _writes_log.write(json.dumps({"kind": kind, "acked": acked, "t": time.time(), **fields}) + "\n")


def pause(low: float, high: float) -> None:
    gevent.sleep(random.uniform(low, high) * THINK)


def backoff(delay: float) -> float:
    return min(delay * 2 if delay else RETRY_FIRST, RETRY_MAX)


class PageUser(HttpUser):
    abstract = True
    account: dict

    def wait_time(self):
        """Between two activities (a lesson, a quiz, a scenario, an observation): the next
        link chosen, or a moment with the error page when the last one failed."""
        return random.uniform(1, 3) * THINK

    def on_start(self):
        self.client.cookies.set(PLAN["session_cookie_name"], self.account["session"])
        # People do not all open the site in the same second.
        pause(0, 10)

    def page(self, method: str, url: str, name: str, expect_path: str | None = None, **kw):
        """One request (redirects followed, as fetch and the browser do). Failed unless the
        answer is 200 (and, with expect_path, lands on a matching address). Returns the
        response, or None when it failed."""
        with self.client.request(method, url, name=name, catch_response=True, **kw) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            if expect_path and not re.search(expect_path, response.url):
                response.failure(f"landed on {response.url}")
                return None
            response.success()
            return response

    def token(self, page: Page) -> str:
        control = next(
            (c for form in page.forms for c in form.controls if c.name == "csrfmiddlewaretoken"),
            None,
        )
        return control.value if control else ""


class TraineeUser(PageUser):
    weight = 1

    def on_start(self):
        self.account = next(_trainees)
        super().on_start()

    @task(4)
    def read_lesson(self):
        lesson = random.choice(PLAN["lessons"])
        response = self.page("GET", lesson["url"], "lesson: page")
        if response is None:
            return
        page = Page(response.text)
        token = self.token(page)
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        visit = page.attribute("data-lesson", "data-visit-url")
        if visit:
            self.page("POST", visit, "lesson: visit", headers=headers)
        position_url = page.attribute("data-lesson", "data-position-url")
        furthest = int(page.attribute("data-lesson", "data-position") or 0)
        blocks = max(page.count("data-block-index"), 1)
        completed = page.attribute("data-lesson", "data-completed") == "1"
        # Reading: learning.js saves the furthest block every 15 s while it grows.
        for _ in range(random.randint(2, 5)):
            pause(10, 20)
            if completed or furthest >= blocks - 1 or not position_url:
                break
            furthest = min(blocks - 1, furthest + random.randint(1, 3))
            write = {"trainee": self.account["id"], "lesson": lesson["id"], "position": furthest}
            record("lesson_position", False, **write)
            response = self.page(
                "POST",
                position_url,
                "lesson: position",
                headers=headers,
                data={"position": furthest},
            )
            if response is not None:
                record("lesson_position", True, **write)
        complete_url = page.attribute("data-lesson", "data-complete-url")
        if complete_url and not completed and random.random() < 0.5:
            write = {"trainee": self.account["id"], "lesson": lesson["id"], "position": furthest}
            record("lesson_complete", False, **write)
            response = self.page(
                "POST",
                complete_url,
                "lesson: complete",
                headers=headers,
                data={"position": furthest},
            )
            if response is not None:
                record("lesson_complete", True, **write)

    @task(3)
    def take_quiz(self):
        quiz_id = random.choice(PLAN["quizzes"])
        response = self.page("GET", f"/learn/quiz/{quiz_id}/", "quiz: page")
        if response is None:
            return
        page = Page(response.text)
        start = page.form(action=f"/learn/quiz/{quiz_id}/start/")
        if start is not None:
            response = self.page(
                "POST",
                start.attrs["action"],
                "quiz: start",
                expect_path=r"/learn/quiz/attempt/\d+/$",
                data=start.form_data(),
            )
        else:
            resume = next(
                (
                    attrs["href"]
                    for tag, attrs in page.elements
                    if tag == "a" and re.search(r"/learn/quiz/attempt/\d+/$", attrs.get("href", ""))
                ),
                None,
            )
            if resume is None:
                return  # every attempt used: nothing to do on this quiz
            response = self.page("GET", resume, "quiz: attempt page")
        if response is None:
            return
        self.answer_quiz(Page(response.text))

    def answer_quiz(self, page: Page):
        form = page.form(**{"data-quiz-form": ""})
        if form is None:
            return
        attempt = int(form.attrs["data-attempt"])
        save_url = form.attrs["data-save-url"]
        seq = int(form.attrs.get("data-seq") or 0)
        slots: dict[str, list] = {}
        for control in form.controls:
            match = re.match(r"^(q\d+)(-\d+)?$", control.name)
            if match:
                slots.setdefault(match.group(1), []).append(control)
        retry = 0.0
        for slot in slots.values():
            pause(3, 8)  # reading the question
            answer(slot)
            gevent.sleep(1.2)  # quizzes.js waits 1.2 s after the last change
            while True:
                seq += 1
                data = [(k, v) for k, v in form.form_data() if k != "seq"] + [("seq", str(seq))]
                record("quiz_save", False, attempt=attempt, seq=seq, data=data)
                with self.client.post(
                    save_url,
                    data=data,
                    headers={"X-Requested-With": "fetch"},
                    name="quiz: autosave",
                    catch_response=True,
                ) as response:
                    body = _json(response)
                    saved = response.status_code == 200 and body.get("saved") is True
                    if saved:
                        response.success()
                    else:
                        response.failure(f"HTTP {response.status_code} {body.get('reason', '')}")
                if saved:
                    record("quiz_save", True, attempt=attempt, seq=seq, data=data)
                    retry = 0.0
                    break
                if 400 <= response.status_code < 500:
                    return  # blocked (stale, late, closed): the page stops saving
                retry = backoff(retry)  # offline or 5xx: quizzes.js posts again later
                gevent.sleep(retry)
        pause(2, 5)  # the summary and the confirm step
        data = [(k, v) for k, v in form.form_data() if k != "seq"] + [("seq", str(seq + 1))]
        for _try in range(SUBMIT_TRIES):
            record("quiz_submit", False, attempt=attempt, seq=seq + 1, data=data)
            response = self.page(
                "POST",
                form.attrs["action"],
                "quiz: submit",
                expect_path=r"/learn/quiz/attempt/\d+/result/$",
                data=data,
            )
            if response is not None:
                record("quiz_submit", True, attempt=attempt, seq=seq + 1, data=data)
                return
            pause(3, 6)  # the error page; the trainee presses reload (the same POST)

    @task(3)
    def play_scenario(self):
        scenario_id = random.choice(PLAN["scenarios"])
        response = self.page("GET", f"/learn/scenarios/{scenario_id}/", "scenario: brief")
        if response is None:
            return
        begin = next(
            (
                form
                for form in Page(response.text).forms
                if form.attrs.get("action", "").endswith("/play/")
                and ("mode", "practice") in form.form_data()
            ),
            None,
        )
        if begin is None:
            return
        response = self.page(
            "POST",
            begin.attrs["action"],
            "scenario: begin",
            expect_path=r"/learn/scenarios/runs/\d+/$",
            data=begin.form_data(),
        )
        misses = 0
        while response is not None and misses < 4:
            run_url = response.url
            page = Page(response.text)
            move = next(
                (
                    form
                    for form in page.forms
                    if "data-scenario-move" in form.attrs
                    and form.attrs.get("action", "").endswith("/choose/")
                ),
                None,
            )
            if move is None:
                return  # the end of the run: its result page
            choices = [c.value for c in move.controls if c.tag == "button" and c.name == "choice"]
            seq = int(dict(move.form_data()).get("seq", 0))
            run_id = int(re.search(r"/runs/(\d+)/", move.attrs["action"]).group(1))
            pause(4, 10)  # reading the customer's line, choosing an answer
            data = move.form_data() + [("choice", random.choice(choices))]
            record("scenario_step", False, run=run_id, seq=seq)
            with self.client.post(
                move.attrs["action"],
                data=data,
                headers={"X-Requested-With": "fetch"},
                name="scenario: step",
                catch_response=True,
            ) as answer_page:
                moved = False
                if answer_page.status_code == 200:
                    after = Page(answer_page.text)
                    shown = after.attribute("data-scenario-run", "data-seq")
                    moved = shown is None or int(shown) == seq + 1
                if moved:
                    answer_page.success()
                else:
                    answer_page.failure(f"HTTP {answer_page.status_code}, move not taken")
            if moved:
                record("scenario_step", True, run=run_id, seq=seq)
                response, misses = answer_page, 0
                continue
            # scenarios.js falls back to the ordinary post, which shows the error page; the
            # trainee then reloads the run's page.
            misses += 1
            pause(3, 6)
            response = self.page("GET", run_url, "scenario: run page")


class AssessorUser(PageUser):
    fixed_count = ASSESSORS
    weight = 1

    def on_start(self):
        self.account = next(_assessors)
        self.queue: dict[int, dict] = {}  # LAOfflineQueue: draft id -> {base, data, dirty}
        super().on_start()

    @task
    def observe(self):
        if self.account is None:
            return
        trainee = random.choice(self.account["trainees"])
        response = self.page("GET", f"/assess/trainees/{trainee}/", "assessor: trainee page")
        if response is None:
            return
        page = Page(response.text)
        start = page.form(action=f"/assess/trainees/{trainee}/observe/observation/")
        if start is None:
            return
        response = self.page(
            "POST",
            start.attrs["action"],
            "observation: start",
            expect_path=r"/assess/observations/\d+/$",
            data=start.form_data() + [("context", "till")],
        )
        if response is None:
            return
        self.fill(Page(response.text))

    def fill(self, page: Page):
        form = page.form(id="observation-form")
        if form is None:
            return
        draft = int(re.search(r"/observations/(\d+)/", form.attrs["data-autosave-url"]).group(1))
        url = form.attrs["data-autosave-url"]
        token = self.token(page)
        server = {"base": int(form.attrs.get("data-revision") or 0), "data": collect(form)}
        entry = self.queue.get(draft)
        if entry and entry["dirty"]:
            # The phone's unsent changes: sent again on the page's revision when it is newer
            # (the assessor keeps theirs when asked).
            entry["base"] = max(entry["base"], server["base"])
        else:
            entry = {**server, "dirty": False}
        self.queue[draft] = entry
        retry = 0.0
        for _ in range(random.randint(8, 16)):
            pause(3, 8)  # watching the trainee, ticking one behaviour or typing a note
            change(form, entry["data"])
            entry["dirty"] = True
            gevent.sleep(0.5)  # assessor_observation.js waits 0.5 s
            while entry["dirty"]:
                if self.sync(draft, url, token, entry):
                    retry = 0.0
                    break
                retry = backoff(retry)
                gevent.sleep(retry)

    def sync(self, draft: int, url: str, token: str, entry: dict) -> bool:
        """One post of the queued state; False when it is to be sent again later."""
        sent = dict(entry["data"])
        body = {"base": entry["base"], "revision": entry["base"], "data": sent}
        record("observation_save", False, draft=draft, base=entry["base"], data=sent)
        with self.client.post(
            url,
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
            name="observation: autosave",
            catch_response=True,
        ) as response:
            answer = _json(response)
            ok = response.status_code == 200 and answer.get("ok") is True
            stale = response.status_code == 409 and answer.get("code") == "stale"
            if ok or stale:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} {answer.get('error', '')}"[:120])
        if ok:
            record(
                "observation_save",
                True,
                draft=draft,
                base=entry["base"],
                revision=answer["revision"],
                data=sent,
            )
            entry["base"] = answer["revision"]
            entry["dirty"] = entry["data"] != sent
            return True
        if stale:
            # The server has a newer revision (a save that reached it without an answer):
            # adopted when it holds the same data, else the assessor keeps this phone's.
            entry["base"] = answer["revision"]
            if (answer.get("data") or {}) == sent:
                entry["dirty"] = entry["data"] != sent
                return True
            return False
        return False


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def answer(controls: list) -> None:
    """Answer one question as a trainee would, changing the controls in place."""
    kinds = {control.type for control in controls}
    if "radio" in kinds:
        radios = [c for c in controls if c.type == "radio"]
        chosen = random.choice(radios)
        for radio in radios:
            radio.checked = radio is chosen
    elif "checkbox" in kinds:
        boxes = [c for c in controls if c.type == "checkbox"]
        picked = random.sample(boxes, random.randint(1, len(boxes)))
        for box in boxes:
            box.checked = box in picked
    elif "select" in kinds:
        for select in controls:
            offered = [value for value in select.options if value]
            if offered:
                select.value = random.choice(offered)
    else:
        for control in controls:
            if control.type == "textarea":
                control.value = "先確認顧客的需求，再說明會員權益與點數規則。"
            elif control.type in ("text", "number"):
                control.value = str(random.randint(1, 500))


def collect(form) -> dict:
    """assessor_observation.js collect(): every named field but the token, the lock box,
    buttons and files; checked radios only."""
    data = {}
    for control in form.controls:
        if not control.name or control.name in ("csrfmiddlewaretoken", "confirm_lock"):
            continue
        if control.type in ("submit", "button", "file"):
            continue
        if control.type in ("radio", "checkbox") and not control.checked:
            continue
        data[control.name] = control.value
    return data


def change(form, data: dict) -> None:
    """One change on the checklist: a behaviour judged, or a note."""
    rows = sorted({c.name for c in form.controls if c.name.startswith("r_")})
    if rows and random.random() < 0.7:
        name = random.choice(rows)
        values = [c.value for c in form.controls if c.name == name]
        data[name] = random.choice(values)
        return
    notes = [c.name for c in form.controls if c.name.startswith("c_")] or ["summary"]
    name = random.choice(notes)
    data[name] = f"{data.get(name, '')}觀察{random.randint(1, 99)}；"[-200:]
