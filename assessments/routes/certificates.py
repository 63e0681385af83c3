from django.urls import path

from assessments.views import certificates as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="certificate_download"),
    path(
        "certificates/<int:pk>/credential.jwt",
        views.certificate_credential_download,
        name="certificate_credential",
    ),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path(
        "decisions/<int:decision_pk>/certificate/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path("certificates/bulk/", views.bulk_issue, name="certificate_bulk"),
    path("certificates/bulk/<int:pk>/", views.bulk_job, name="certificate_bulk_job"),
    path(
        "certificates/bulk/<int:pk>/progress.json",
        views.bulk_job_progress,
        name="certificate_bulk_progress",
    ),
    path("certificates/bulk/<int:pk>/retry/", views.bulk_job_retry, name="certificate_bulk_retry"),
]
