from django.urls import path

from assessments.views import certificates as views

urlpatterns = [
    path("", views.verify_index, name="index"),
    path("keys.json", views.verify_keys, name="keys"),
    path("issuer.json", views.verify_issuer, name="issuer"),
    path("achievements/<str:unit_code>/", views.verify_achievement, name="achievement"),
    path("status/<str:code>.json", views.verify_status, name="status"),
    path("<str:code>/credential.jwt", views.verify_credential, name="credential"),
    path("<str:code>/", views.verify_certificate, name="certificate"),
]
