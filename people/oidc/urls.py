"""/accounts/oidc/: mozilla-django-oidc's URL names, with our views."""

from django.urls import path

from people.oidc import views

urlpatterns = [
    path("authenticate/", views.CompanySignInView.as_view(), name="oidc_authentication_init"),
    path("callback/", views.CompanyCallbackView.as_view(), name="oidc_authentication_callback"),
]
