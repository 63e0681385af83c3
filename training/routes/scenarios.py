from django.urls import path

from training.views import scenarios

urlpatterns = [
    path("scenarios/<id:page_id>/", scenarios.scenario_start, name="scenario_start"),
    path("scenarios/<id:page_id>/play/", scenarios.scenario_begin, name="scenario_begin"),
    path("scenarios/runs/<id:run_id>/", scenarios.scenario_run, name="scenario_run"),
    path("scenarios/runs/<id:run_id>/choose/", scenarios.scenario_choose, name="scenario_choose"),
    path("scenarios/runs/<id:run_id>/back/", scenarios.scenario_back, name="scenario_back"),
]
