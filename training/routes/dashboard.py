from django.urls import path

from training.views import dashboard

urlpatterns = [path("", dashboard.dashboard, name="dashboard")]
