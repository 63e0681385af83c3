"""Public certificate verification (no login), mounted at `/verify/` (namespace "verify").
Order matters: the fixed names come before `<str:code>/`."""

from django.urls import path

from assessments.views import certificates

app_name = "verify"
urlpatterns = [
    # Look a certificate up by its number
    path("", certificates.verify_index, name="index"),
    # Open Badges: the issuer's signing keys, profile and achievements
    path("keys.json", certificates.verify_keys, name="keys"),
    path("issuer.json", certificates.verify_issuer, name="issuer"),
    path("achievements/<str:unit_code>/", certificates.verify_achievement, name="achievement"),
    # One certificate, by the code on its QR link: status, signed credential, page
    path("status/<str:code>.json", certificates.verify_status, name="status"),
    path("<str:code>/credential.jwt", certificates.verify_credential, name="credential"),
    path("<str:code>/", certificates.verify_certificate, name="certificate"),
]
