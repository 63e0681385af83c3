"""URLs of the assessor area, mounted at `/assess/` (namespace "assessments")."""

from django.urls import path

from assessments.views import (
    appeals,
    audit,
    audit_pack,
    certificates,
    dashboard,
    decisions,
    evidence,
    feedback,
    instruments,
    judgements,
    marking,
    me,
    moderation,
    observation_attachments,
    observations,
    progress_report,
    setup,
    third_party,
    todo,
    trainees,
)

app_name = "assessments"
urlpatterns = [
    # Certificates: issue, download, revoke, reissue, bulk issue
    path("certificates/", certificates.certificate_list, name="certificate_list"),
    path("certificates/<id:pk>/", certificates.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<id:pk>/pdf/",
        certificates.certificate_download,
        name="certificate_download",
    ),
    path(
        "certificates/<id:pk>/credential.jwt",
        certificates.certificate_credential_download,
        name="certificate_credential",
    ),
    path(
        "certificates/<id:pk>/revoke/", certificates.certificate_revoke, name="certificate_revoke"
    ),
    path(
        "certificates/<id:pk>/reissue/",
        certificates.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "decisions/<id:decision_pk>/certificate/",
        certificates.certificate_issue,
        name="certificate_issue",
    ),
    path("certificates/bulk/", certificates.bulk_issue, name="certificate_bulk"),
    path("certificates/bulk/<id:pk>/", certificates.bulk_job, name="certificate_bulk_job"),
    path(
        "certificates/bulk/<id:pk>/progress.json",
        certificates.bulk_job_progress,
        name="certificate_bulk_progress",
    ),
    path(
        "certificates/bulk/<id:pk>/retry/",
        certificates.bulk_job_retry,
        name="certificate_bulk_retry",
    ),
    # The assessor's dashboard
    path("", dashboard.dashboard, name="dashboard"),
    path("todo/", todo.todo, name="todo"),
    path("progress/", progress_report.progress_report, name="progress_report"),
    # One trainee: profile, observations, other evidence, decision
    path("trainees/<id:trainee_id>/", trainees.trainee_detail, name="trainee"),
    path(
        "trainees/<id:trainee_id>/observe/<slug:kind>/",
        observations.observation_start,
        name="observation_start",
    ),
    path("observations/<id:draft_id>/", observations.observation_edit, name="observation"),
    path(
        "observations/<id:draft_id>/autosave/",
        observations.observation_autosave,
        name="observation_autosave",
    ),
    path(
        "observations/<id:draft_id>/discard/",
        observations.observation_discard,
        name="observation_discard",
    ),
    path(
        "observations/<id:draft_id>/attachments/",
        observation_attachments.observation_attachment_new,
        name="observation_attachment_new",
    ),
    path(
        "attachments/<id:attachment_id>/",
        observation_attachments.observation_attachment_file,
        name="observation_attachment",
    ),
    path(
        "attachments/<id:attachment_id>/remove/",
        observation_attachments.observation_attachment_remove_view,
        name="observation_attachment_remove",
    ),
    path(
        "evidence/<id:evidence_id>/attachments/<id:attachment_id>/",
        observation_attachments.evidence_attachment_file,
        name="evidence_attachment",
    ),
    # The offline worker of the observation checklist (its scope: this folder)
    path("sw.js", observation_attachments.service_worker, name="service_worker"),
    path(
        "trainees/<id:trainee_id>/feedback/",
        feedback.customer_feedback_new,
        name="customer_feedback",
    ),
    path("trainees/<id:trainee_id>/questioning/", evidence.questioning_new, name="questioning"),
    path("trainees/<id:trainee_id>/upload/", evidence.assessor_upload, name="upload"),
    path(
        "trainees/<id:trainee_id>/third-party/",
        third_party.third_party_new,
        name="third_party_new",
    ),
    path(
        "trainees/<id:trainee_id>/third-party/<id:request_id>/resend/",
        third_party.third_party_resend,
        name="third_party_resend",
    ),
    path(
        "trainees/<id:trainee_id>/third-party/<id:request_id>/cancel/",
        third_party.third_party_cancel,
        name="third_party_cancel",
    ),
    path("trainees/<id:trainee_id>/decide/", decisions.decision_new, name="decide"),
    path(
        "trainees/<id:trainee_id>/audit-pack.pdf",
        audit_pack.audit_pack_download,
        name="audit_pack",
    ),
    # One evidence record: detail, judgement, correction, file
    path("evidence/<id:evidence_id>/", evidence.evidence_detail, name="evidence"),
    path("evidence/<id:evidence_id>/judge/", judgements.evidence_judge_view, name="evidence_judge"),
    path(
        "evidence/<id:evidence_id>/correct/",
        evidence.evidence_correct_view,
        name="evidence_correct",
    ),
    path("evidence/<id:evidence_id>/file/", evidence.evidence_file, name="evidence_file"),
    # The third party's report form (no login: the token is the key)
    path("report/<str:token>/", third_party.third_party_form, name="third_party_form"),
    # The trainee's own assessment: evidence, uploads, appeals
    path("me/", me.my_assessment, name="me"),
    path("me/upload/", me.my_upload, name="my_upload"),
    path("me/decisions/<id:decision_id>/appeal/", me.my_appeal, name="my_appeal"),
    # Moderation: a second assessor confirms a Competent decision before certificates issue
    path("moderation/", moderation.moderation_list, name="moderation_queue"),
    path("moderation/<id:decision_id>/", moderation.moderation_detail, name="moderation_detail"),
    # Instruments: a second assessor validates each published version before it counts
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path(
        "instruments/<id:instrument_id>/",
        instruments.instrument_detail,
        name="instrument_detail",
    ),
    # Marking written quiz answers of the trainees in scope (also at /learn/marking/)
    path("marking/", marking.marking_queue, name="marking_queue"),
    path("marking/<id:response_id>/", marking.marking_mark, name="marking_mark"),
    # Appeals, the audit log and its exports, assessor assignments, oral questions
    path("appeals/", appeals.appeals_list, name="appeals"),
    path("appeals/<id:appeal_id>/", appeals.appeal_detail, name="appeal"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_csv, name="audit_csv"),
    path("audit/export.xlsx", audit.audit_xlsx, name="audit_xlsx"),
    path("assignments/", setup.assignments, name="assignments"),
    path(
        "assignments/<id:assignment_id>/remove/",
        setup.assignment_remove,
        name="assignment_remove",
    ),
    path("questions/", setup.oral_questions, name="oral_questions"),
]
