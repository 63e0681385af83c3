from django.urls import path

from assessments.views import dashboard

urlpatterns = [path("", dashboard.dashboard, name="dashboard")]
