"""URLs of the privacy pages, mounted at `/privacy/` (namespace "privacy")."""

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    # The notice of 個人資料保護法 Article 8, and its acknowledgement
    path("notice/", views.notice, name="notice"),
    # The learner's own data: what is in it, and the JSON download
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
]
