from django.urls import path

from assessments.views import certificates as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<id:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<id:pk>/pdf/", views.certificate_download, name="certificate_download"),
    path(
        "certificates/<id:pk>/credential.jwt",
        views.certificate_credential_download,
        name="certificate_credential",
    ),
    path("certificates/<id:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<id:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path(
        "decisions/<id:decision_pk>/certificate/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path("certificates/bulk/", views.bulk_issue, name="certificate_bulk"),
    path("certificates/bulk/<id:pk>/", views.bulk_job, name="certificate_bulk_job"),
    path(
        "certificates/bulk/<id:pk>/progress.json",
        views.bulk_job_progress,
        name="certificate_bulk_progress",
    ),
    path("certificates/bulk/<id:pk>/retry/", views.bulk_job_retry, name="certificate_bulk_retry"),
]
