from django.urls import path

from assessments.views import (
    appeals,
    audit,
    decisions,
    evidence,
    me,
    observations,
    setup,
    third_party,
    trainees,
)

urlpatterns = [
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
        "trainees/<id:trainee_id>/feedback/",
        evidence.customer_feedback_new,
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
    path("evidence/<id:evidence_id>/", evidence.evidence_detail, name="evidence"),
    path("evidence/<id:evidence_id>/judge/", evidence.evidence_judge_view, name="evidence_judge"),
    path(
        "evidence/<id:evidence_id>/correct/",
        evidence.evidence_correct_view,
        name="evidence_correct",
    ),
    path("evidence/<id:evidence_id>/file/", evidence.evidence_file, name="evidence_file"),
    path("report/<str:token>/", third_party.third_party_form, name="third_party_form"),
    path("me/", me.my_assessment, name="me"),
    path("me/upload/", me.my_upload, name="my_upload"),
    path("me/decisions/<id:decision_id>/appeal/", me.my_appeal, name="my_appeal"),
    path("appeals/", appeals.appeals_list, name="appeals"),
    path("appeals/<id:appeal_id>/", appeals.appeal_detail, name="appeal"),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_csv, name="audit_csv"),
    path("audit/export.xlsx", audit.audit_xlsx, name="audit_xlsx"),
    path("assignments/", setup.assignments, name="assignments"),
    path("questions/", setup.oral_questions, name="oral_questions"),
]
