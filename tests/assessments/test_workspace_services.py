"""Services and selectors of the assessor workspace: evidence, profile, decisions, appeals,
append-only records, audit log."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from assessments.models.decisions import Decision
from assessments.models.evidence import EvidenceKind, EvidenceRecord, ItemResult, Judgement
from assessments.selectors.profile import competency_profile
from assessments.selectors.scope import trainees_for_assessor
from assessments.services.appeals import appeal_assign, appeal_lodge, appeal_outcome_record
from assessments.services.decisions import DecisionRefused, decision_record
from assessments.services.evidence import evidence_correct
from assessments.services.judgements import evidence_judge, portfolio_upload
from assessments.services.third_party import (
    IndicatorReport,
    LinkRefused,
    third_party_report_submit,
    third_party_request_create,
)
from assessments.uploads import check_upload
from core.append_only import AppendOnlyError
from core.models import AuditEntry
from tests.factories.people import make_assessor, make_trainee
from tests.factories.workspace import (
    PDF,
    give_complete_evidence,
    record_observation,
    record_questioning,
    upload,
    workspace_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, other_trainee, assessor):
    return workspace_build(assessor=assessor, trainees=[trainee, other_trainee])


TODAY = timezone.localdate


def decide(assessor, trainee, ws, outcome=Decision.Outcome.COMPETENT, **kw):
    kw.setdefault("reasons", "證據充分")
    return decision_record(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        course=ws.course,
        outcome=outcome,
        assessed_on=TODAY(),
        **kw,
    )


def test_scope_assessor_sees_assigned_cohort_only(ws, assessor, trainee, other_trainee, trainer):
    outsider = make_trainee(name="外部學員")
    scope = set(trainees_for_assessor(assessor))
    assert scope == {trainee, other_trainee}
    assert outsider not in scope
    assert not trainees_for_assessor(trainer).exists()
    assert not trainees_for_assessor(trainee).exists()


def test_profile_gaps_named_until_performance_and_knowledge_present(ws, assessor, trainee):
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert len(profile.gaps) == 2 * len(ws.indicators)
    assert any("T1.1" in g for g in profile.gaps)
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert all("知識檢核" in g for g in profile.gaps)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert profile.complete and profile.gaps == []
    methods = profile.rows[0].methods()
    assert "observation" in methods and "questioning" in methods


def test_old_evidence_does_not_count(ws, assessor, trainee):
    old = TODAY() - datetime.timedelta(days=400)
    record_observation(assessor=assessor, trainee=trainee, ws=ws, on=old)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert not profile.complete
    assert all("實作" in g or "表現" in g for g in profile.gaps), profile.gaps


def test_course_rule_without_knowledge_check(trainee, assessor):
    ws = workspace_build(
        assessor=assessor,
        trainees=[trainee],
        require_knowledge_check=False,
        min_methods_per_indicator=1,
    )
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    assert competency_profile(trainee=trainee, unit=ws.unit, course=ws.course).complete


def test_without_a_knowledge_check_two_methods_still_mean_two_methods(trainee, assessor):
    ws = workspace_build(assessor=assessor, trainees=[trainee], require_knowledge_check=False)
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert not profile.complete
    assert all(c.rule != "methods" or not c.met for row in profile.rows for c in row.checks)
    record_observation(assessor=assessor, trainee=trainee, ws=ws, kind=EvidenceKind.ROLE_PLAY)
    assert competency_profile(trainee=trainee, unit=ws.unit, course=ws.course).complete


def test_not_yet_satisfactory_does_not_count(ws, assessor, trainee):
    record_observation(
        assessor=assessor, trainee=trainee, ws=ws, result=ItemResult.NOT_SATISFACTORY
    )
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert not any(row.performance_ok for row in profile.rows)


def test_competent_refused_with_gaps_then_accepted(ws, assessor, trainee):
    record_observation(assessor=assessor, trainee=trainee, ws=ws)
    with pytest.raises(DecisionRefused) as refused:
        decide(assessor, trainee, ws)
    assert any("T1.1" in g for g in refused.value.gaps)
    assert not Decision.objects.exists()
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
    decision = decide(assessor, trainee, ws)
    assert decision.outcome == "competent" and decision.round_number == 1
    assert AuditEntry.objects.filter(action="decision.recorded", object_id=decision.pk).exists()


def test_not_yet_competent_records_gaps_and_new_round(ws, assessor, trainee):
    with pytest.raises(DecisionRefused):
        decide(assessor, trainee, ws, Decision.Outcome.NOT_YET_COMPETENT, feedback="")
    first = decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="多練習",
        reassessment_on=TODAY() + datetime.timedelta(days=14),
    )
    assert first.gaps and first.reassessment_on
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    second = decide(assessor, trainee, ws)
    assert second.round_number == 2
    assert Decision.objects.filter(trainee=trainee).count() == 2
    with pytest.raises(DecisionRefused):
        decide(assessor, trainee, ws)


def test_only_assigned_assessors_decide(ws, trainee, trainer):
    stranger = make_assessor(name="別組評審")
    with pytest.raises(PermissionDenied):
        decide(
            stranger,
            trainee,
            ws,
            Decision.Outcome.NOT_YET_COMPETENT,
            feedback="x",
            reassessment_on=TODAY(),
        )
    with pytest.raises(PermissionDenied):
        decide(
            trainer,
            trainee,
            ws,
            Decision.Outcome.NOT_YET_COMPETENT,
            feedback="x",
            reassessment_on=TODAY(),
        )


def test_assessor_cannot_assess_self(assessor, trainee):
    from django.contrib.auth.models import Group

    from people.roles import TRAINEE

    assessor.groups.add(Group.objects.get(name=TRAINEE))
    ws = workspace_build(assessor=assessor, trainees=[assessor, trainee])
    assert assessor not in trainees_for_assessor(assessor)
    with pytest.raises(PermissionDenied):
        record_observation(assessor=assessor, trainee=assessor, ws=ws)


def test_records_are_append_only(ws, assessor, trainee):
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    record.summary = "改寫"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        EvidenceRecord.objects.filter(pk=record.pk).update(summary="x")
    with pytest.raises(AppendOnlyError):
        record.lines.all().delete()
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    decision = decide(assessor, trainee, ws)
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert EvidenceRecord.objects.get(pk=record.pk).summary == "櫃台服務"


def test_correction_is_new_record_and_replaces_original_in_profile(ws, assessor, trainee):
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)
    assert competency_profile(trainee=trainee, unit=ws.unit, course=ws.course).complete
    line = record.lines.filter(indicator=ws.indicators[1]).first()
    with pytest.raises(ValidationError):
        evidence_correct(
            assessor=assessor, original=record, reason=" ", summary="", line_results={}
        )
    correction = evidence_correct(
        assessor=assessor,
        original=record,
        reason="記錯指標",
        summary="更正",
        line_results={line.pk: ItemResult.NOT_SATISFACTORY},
    )
    assert correction.corrects == record and EvidenceRecord.objects.filter(pk=record.pk).exists()
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert [g for g in profile.gaps if ws.indicators[1].code in g]
    assert AuditEntry.objects.filter(action="evidence.corrected", actor=assessor).exists()


def test_third_party_link_once_then_counted_after_verification(ws, assessor, trainee):
    request, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
    )
    assert len(token) >= 43 and request.token_hash != token
    reports = [IndicatorReport(i, ItemResult.SATISFACTORY) for i in ws.indicators]
    with pytest.raises(ValidationError):
        third_party_report_submit(
            token=token,
            supervisor_name="王店長",
            supervisor_role="店長",
            declared=False,
            observed_from=TODAY(),
            summary="",
            reports=reports,
        )
    record = third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="店長",
        declared=True,
        observed_from=TODAY(),
        summary="共事三個月",
        reports=reports,
    )
    assert record.kind == EvidenceKind.THIRD_PARTY and record.method == "portfolio"
    with pytest.raises(LinkRefused) as refused:
        third_party_report_submit(
            token=token,
            supervisor_name="x",
            supervisor_role="x",
            declared=True,
            observed_from=TODAY(),
            summary="",
            reports=reports,
        )
    assert refused.value.reason == "used"
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert not any(r.performance_ok for r in profile.rows)  # pending verification
    with pytest.raises(ValidationError):
        evidence_judge(assessor=assessor, evidence=record, result="satisfactory", indicators=[])
    evidence_judge(
        assessor=assessor,
        evidence=record,
        result="satisfactory",
        indicators=[],
        verification="phone",
    )
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert all(r.performance_ok for r in profile.rows)


def test_expired_link_refused(ws, assessor, trainee):
    request, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee,
        unit=ws.unit,
        supervisor_name="王店長",
        supervisor_email="boss@example.test",
    )
    request.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    request.save()
    with pytest.raises(LinkRefused) as refused:
        third_party_report_submit(
            token=token,
            supervisor_name="x",
            supervisor_role="x",
            declared=True,
            observed_from=TODAY(),
            summary="",
            reports=[],
        )
    assert refused.value.reason == "expired"


def test_trainee_upload_needs_judgement_by_another_person(ws, assessor, trainee):
    checked = check_upload(upload("report.pdf", PDF))
    record = portfolio_upload(
        uploader=trainee, trainee=trainee, unit=ws.unit, upload=checked, summary="報告"
    )
    assert record.file_sha256 == checked.sha256 and record.file_name.startswith("evidence/")
    assert "report" not in record.file_name
    with pytest.raises(PermissionDenied):
        evidence_judge(
            assessor=trainee, evidence=record, result="satisfactory", indicators=ws.indicators[:1]
        )
    own = portfolio_upload(
        uploader=assessor,
        trainee=trainee,
        unit=ws.unit,
        upload=check_upload(upload("a.pdf", PDF)),
        summary="評審上傳",
    )
    with pytest.raises(PermissionDenied):
        evidence_judge(
            assessor=assessor, evidence=own, result="satisfactory", indicators=ws.indicators[:1]
        )
    evidence_judge(
        assessor=assessor, evidence=record, result="satisfactory", indicators=ws.indicators[:1]
    )
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert profile.rows[0].performance_ok and not profile.rows[1].performance_ok


def test_appeal_reviewed_by_a_different_assessor(ws, assessor, trainee, admin_user):
    decision = decide(
        assessor,
        trainee,
        ws,
        Decision.Outcome.NOT_YET_COMPETENT,
        feedback="補強",
        reassessment_on=TODAY(),
    )
    appeal = appeal_lodge(trainee=trainee, decision=decision, reason="觀察當天系統當機")
    with pytest.raises(ValidationError):
        appeal_lodge(trainee=trainee, decision=decision, reason="再一次")
    with pytest.raises(ValidationError):
        appeal_assign(admin=admin_user, appeal=appeal, reviewer=assessor)
    reviewer = make_assessor(name="獨立評審")
    with pytest.raises(PermissionDenied):
        appeal_assign(admin=assessor, appeal=appeal, reviewer=reviewer)
    appeal_assign(admin=admin_user, appeal=appeal, reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        appeal_outcome_record(reviewer=assessor, appeal=appeal, outcome="upheld", reasons="x")
    outcome = appeal_outcome_record(
        reviewer=reviewer, appeal=appeal, outcome="reassess", reasons="重新評量"
    )
    assert outcome.outcome == "reassess"
    actions = set(AuditEntry.objects.filter(trainee=trainee).values_list("action", flat=True))
    assert {"appeal.lodged", "appeal.assigned", "appeal.decided", "decision.recorded"} <= actions


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only"
)
def test_postgresql_trigger_refuses_update_and_delete(ws, assessor, trainee):
    from django.db import DatabaseError, transaction

    from core.db_guards import install_append_only_triggers

    assert install_append_only_triggers(connection)
    record = record_observation(assessor=assessor, trainee=trainee, ws=ws)
    for sql in (
        "UPDATE assessments_evidencerecord SET summary = 'x' WHERE id = %s",
        "DELETE FROM assessments_evidenceline WHERE evidence_id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])


def test_db_guards_do_nothing_on_sqlite():
    from core.db_guards import install_append_only_triggers

    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    assert install_append_only_triggers(connection) is False


def test_judgement_rows_are_append_only(ws, assessor, trainee):
    record = portfolio_upload(
        uploader=trainee,
        trainee=trainee,
        unit=ws.unit,
        upload=check_upload(upload("r.pdf", PDF)),
        summary="x",
    )
    j = evidence_judge(assessor=assessor, evidence=record, result="not_satisfactory", indicators=[])
    with pytest.raises(AppendOnlyError):
        Judgement.objects.filter(pk=j.pk).update(result="satisfactory")


def test_demo_loader_is_idempotent_and_trainee1_can_be_competent(role_groups):
    from assessments.demo import workspace as demo
    from assessments.selectors.scope import assessment_context
    from demo import accounts

    content_unit = pytest.importorskip("content.demo.unit")
    accounts.load()
    content_unit.load()
    demo.load()
    count = EvidenceRecord.objects.count()
    content_unit.load()  # the whole demo run again: the unit import keeps the indicators evidence uses
    demo.load()
    assert EvidenceRecord.objects.count() == count
    from people.models import User

    assessor = User.objects.get(username="assessor")
    trainee1, trainee2 = (
        User.objects.get(username="trainee1"),
        User.objects.get(username="trainee2"),
    )
    assert trainee1 in trainees_for_assessor(assessor)
    unit, course = assessment_context(trainee1)
    assert unit.code == "KPS5R0821v2"
    assert competency_profile(trainee=trainee1, unit=unit, course=course).complete
    assert competency_profile(trainee=trainee2, unit=unit, course=course).gaps
    decision = decision_record(
        assessor=assessor,
        trainee=trainee1,
        unit=unit,
        course=course,
        outcome="competent",
        reasons="證據充分",
        assessed_on=TODAY(),
    )
    assert decision.outcome == "competent"


def test_training_evidence_counts_as_knowledge_check(ws, assessor, trainee, monkeypatch):
    from training import evidence as training

    record_observation(assessor=assessor, trainee=trainee, ws=ws)

    def fake_quiz_source(*, trainee_ids, unit_id):
        return [
            training.TrainingEvidence(
                trainee_id=trainee.pk,
                indicator_id=i.pk,
                method="questioning",
                passed=True,
                score=90.0,
                occurred_at=timezone.now(),
                label="測驗",
                source="quiz_attempt",
                source_id=1,
            )
            for i in ws.indicators
            if unit_id == ws.unit.pk and trainee.pk in trainee_ids
        ]

    training.training_evidence(trainee_ids=[], unit_id=0)  # make sure the real sources are loaded
    monkeypatch.setattr(training, "_SOURCES", [*training._SOURCES, fake_quiz_source])
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    assert profile.complete
    assert "questioning" in profile.rows[0].methods()


def test_auto_issue_and_correction_revoke_the_certificate(
    ws, assessor, trainee, django_capture_on_commit_callbacks
):
    from assessments.models.certificates import Certificate
    from assessments.models.moderation import ModerationPolicy

    # No moderation here (its gate on auto-issue: tests/assessments/test_moderation.py).
    ModerationPolicy.objects.create(share_percent=0, first_decisions_per_assessor=0)
    ws.course.auto_issue_certificate = True
    ws.course.save_revision().publish()
    ws.course.refresh_from_db()
    give_complete_evidence(assessor=assessor, trainee=trainee, ws=ws)
    with django_capture_on_commit_callbacks(execute=True):
        competent = decide(assessor, trainee, ws)
    certificate = Certificate.objects.get(decision=competent)
    assert certificate.status == Certificate.Status.ISSUED

    with django_capture_on_commit_callbacks(execute=True):
        decide(
            assessor,
            trainee,
            ws,
            outcome=Decision.Outcome.NOT_YET_COMPETENT,
            feedback="T3.1 需再觀察",
            reassessment_on=TODAY(),
            corrects=competent,
            correction_reason="觀察紀錄日期有誤",
        )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
