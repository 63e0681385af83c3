"""After the run: is every write the server acknowledged in the database? Reads writes.jsonl
(locustfile.py appends each write before sending it, and again once acknowledged) and the
database Django is set up on. Read-only.

- quiz autosave and submit: the attempt's saved sequence number is at least the highest
  acknowledged one, and its answers are exactly those of the write that carried that number
  (parsed by the app's own `quiz_answers.parse_answer`); an acknowledged submit left the
  attempt submitted;
- observation autosave: the draft's revision is at least the highest acknowledged one, and its
  data are those of a write made on the revision before (exactly the acknowledged one's when
  that revision was acknowledged);
- scenario step: the run's sequence number is past every acknowledged move;
- lesson position and completion: the saved position is at least the highest acknowledged
  one; an acknowledged completion left the lesson completed.

A write sent but not acknowledged may or may not be in the database (it may have been
committed just before the connection dropped); it only counts as the source of what is
there."""

from collections import defaultdict
from pathlib import Path

from bench.loadtest.report import load


def _by(writes: list[dict], kinds: tuple[str, ...], key: str) -> dict:
    grouped = defaultdict(list)
    for write in writes:
        if write["kind"] in kinds:
            grouped[write[key]].append(write)
    return grouped


def _quiz(writes: list[dict], problems: list[str]) -> int:
    from django.http import QueryDict

    from training.models.quiz_attempts import QuizAttempt
    from training.services.quiz_answers import graded_responses, parse_answer

    grouped = _by(writes, ("quiz_save", "quiz_submit"), "attempt")
    attempts = QuizAttempt.objects.in_bulk(list(grouped))
    checked = 0
    for attempt_id, items in grouped.items():
        attempt = attempts.get(attempt_id)
        if attempt is None:
            problems.append(f"quiz attempt {attempt_id}: missing from the database")
            continue
        acked = [w["seq"] for w in items if w["acked"]]
        checked += len(acked)
        if acked and attempt.sequence < max(acked):
            problems.append(
                f"quiz attempt {attempt_id}: acknowledged save {max(acked)} lost "
                f"(the database has {attempt.sequence})"
            )
            continue
        if any(w["acked"] and w["kind"] == "quiz_submit" for w in items) and (
            attempt.state == QuizAttempt.State.IN_PROGRESS
        ):
            problems.append(f"quiz attempt {attempt_id}: acknowledged submit, still in progress")
        if attempt.sequence == 0 or attempt.closed_late:
            continue
        source = next((w for w in items if w["seq"] == attempt.sequence), None)
        if source is None:
            problems.append(
                f"quiz attempt {attempt_id}: sequence {attempt.sequence} was never sent"
            )
            continue
        posted = QueryDict(mutable=True)
        for name, value in source["data"]:
            posted.appendlist(name, value)
        for response in graded_responses(attempt):
            if response.checked:
                continue
            wanted = parse_answer(response, response.question_version.snapshot.qtype, posted)
            if wanted != response.answer:
                problems.append(
                    f"quiz attempt {attempt_id} question {response.slot}: the database has "
                    f"{response.answer!r}, save {attempt.sequence} sent {wanted!r}"
                )
    return checked


def _observations(writes: list[dict], problems: list[str]) -> int:
    from assessments.models.evidence import ObservationDraft

    grouped = _by(writes, ("observation_save",), "draft")
    drafts = ObservationDraft.objects.in_bulk(list(grouped))
    checked = 0
    for draft_id, items in grouped.items():
        draft = drafts.get(draft_id)
        acked = [w for w in items if w["acked"]]
        checked += len(acked)
        if draft is None:
            if acked:
                problems.append(f"observation draft {draft_id}: missing from the database")
            continue
        top = max((w["revision"] for w in acked), default=0)
        if draft.revision < top:
            problems.append(
                f"observation draft {draft_id}: acknowledged revision {top} lost "
                f"(the database has {draft.revision})"
            )
            continue
        exact = next((w for w in acked if w["revision"] == draft.revision), None)
        candidates = [exact] if exact else [w for w in items if w["base"] == draft.revision - 1]
        if (
            draft.revision
            and candidates
            and not any((draft.data or {}) == w["data"] for w in candidates)
        ):
            problems.append(
                f"observation draft {draft_id}: revision {draft.revision} holds other data "
                "than was sent for it"
            )
    return checked


def _scenarios(writes: list[dict], problems: list[str]) -> int:
    from training.models.scenario_runs import ScenarioRun

    grouped = _by(writes, ("scenario_step",), "run")
    runs = ScenarioRun.objects.in_bulk(list(grouped))
    checked = 0
    for run_id, items in grouped.items():
        acked = [w["seq"] + 1 for w in items if w["acked"]]
        checked += len(acked)
        run = runs.get(run_id)
        if acked and (run is None or run.seq < max(acked)):
            problems.append(
                f"scenario run {run_id}: acknowledged move {max(acked) - 1} lost "
                f"(the database has seq {run.seq if run else 'no run'})"
            )
    return checked


def _lessons(writes: list[dict], problems: list[str]) -> int:
    from training.models.progress import LessonProgress

    grouped = defaultdict(list)
    for write in writes:
        if write["kind"] in ("lesson_position", "lesson_complete"):
            grouped[(write["trainee"], write["lesson"])].append(write)
    rows = {
        (p.trainee_id, p.lesson_id): p
        for p in LessonProgress.objects.filter(
            trainee_id__in={t for t, _ in grouped}, lesson_id__in={lesson for _, lesson in grouped}
        )
    }
    checked = 0
    for key, items in grouped.items():
        acked = [w for w in items if w["acked"]]
        checked += len(acked)
        if not acked:
            continue
        progress = rows.get(key)
        top = max(w["position"] for w in acked)
        if progress is None or progress.last_position < top:
            problems.append(
                f"lesson {key[1]} of trainee {key[0]}: acknowledged position {top} lost"
            )
        if any(w["kind"] == "lesson_complete" for w in acked) and (
            progress is None or progress.completed_at is None
        ):
            problems.append(f"lesson {key[1]} of trainee {key[0]}: acknowledged completion lost")
    return checked


def verify(writes_path: Path) -> tuple[dict[str, int], list[str]]:
    """(acknowledged writes checked per kind, problems)."""
    from django.db import connections

    connections.close_all()  # the database may have restarted since this process last used it
    writes = load(writes_path)
    problems: list[str] = []
    checked = {
        "quiz saves and submits": _quiz(writes, problems),
        "observation saves": _observations(writes, problems),
        "scenario steps": _scenarios(writes, problems),
        "lesson positions and completions": _lessons(writes, problems),
    }
    return checked, problems
