"""The framework in the Wagtail admin, for each role: unit snippets, observation items,
choosers, the import with preview, the mapping matrix and exports, the course publish check,
and query counts that do not grow with data."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from content.models.framework import AssessmentMethod, CompetencyUnit
from content.models.observation import ObservationItem
from tests.conftest import ROLE_NAMES
from tests.content.test_unit_import import FIXTURES
from tests.factories.framework import (
    SEED,
    import_seed,
    make_course,
    make_framework_unit,
    make_observation,
)

pytestmark = pytest.mark.django_db

# What each role may open: trainers view units and map content; admins also edit, import, delete.
CAN_VIEW = {"trainer", "admin"}
CAN_MANAGE = {"admin"}


def _url(name, *args):
    return reverse(name, args=args)


def _unit_urls(unit):
    return {
        "list": _url("wagtailsnippets_content_competencyunit:list"),
        "inspect": _url("wagtailsnippets_content_competencyunit:inspect", unit.pk),
        "edit": _url("wagtailsnippets_content_competencyunit:edit", unit.pk),
        "delete": _url("wagtailsnippets_content_competencyunit:delete", unit.pk),
        "matrix": _url("mapping_matrix:unit", unit.pk),
        "import": _url("unit_import:index"),
        "mapping": _url("mapping_matrix:index"),
    }


def _allowed(response) -> bool:
    return response.status_code == 200


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_role_matrix(client_as, role):
    unit = import_seed()
    client, _user = client_as(role)
    urls = _unit_urls(unit)
    for name in ("list", "inspect", "matrix", "mapping"):
        response = client.get(urls[name])
        assert _allowed(response) == (role in CAN_VIEW), (name, response.status_code)
    for name in ("edit", "import", "delete"):
        response = client.get(urls[name])
        assert _allowed(response) == (role in CAN_MANAGE), (name, response.status_code)
    if role == "trainer":
        assert client.get(urls["import"])["Location"] == "/admin/"  # Wagtail's "permission denied"
        client.post(urls["delete"])
        client.post(urls["edit"], {"code": "HACKED", "title": "x"})
    assert CompetencyUnit.objects.filter(pk=unit.pk, code="KPS5R0821v2").exists()


def test_unit_list_search_and_filters(admin_client_):
    import_seed()
    make_framework_unit(code="OTHER1v1")
    url = _url("wagtailsnippets_content_competencyunit:list")
    body = admin_client_.get(url, {"q": "KPS5R"}).content.decode()
    assert "KPS5R0821v2" in body and "OTHER1v1" not in body
    body = admin_client_.get(url, {"level": "3"}).content.decode()
    assert "OTHER1v1" in body and "KPS5R0821v2" not in body
    body = admin_client_.get(url, {"status": "current"}).content.decode()
    assert "OTHER1v1" in body and "KPS5R0821v2" in body


def test_edit_page_offers_only_the_units_own_tasks(admin_client_):
    unit = import_seed()
    other = make_framework_unit()
    body = admin_client_.get(
        _url("wagtailsnippets_content_competencyunit:edit", unit.pk)
    ).content.decode()
    assert "確認客戶忠誠度方案的細節" in body  # T1 offered as a task choice
    assert other.tasks.first().title not in body
    assert "T4.3" in body and "VIP 會員卡" in body


def _count_queries(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [1, 12])
def test_admin_pages_have_a_fixed_query_count(size, admin_client_, django_assert_max_num_queries):
    seed = import_seed()
    for _ in range(size):
        unit = make_framework_unit(tasks=1 + size // 3, indicators_per_task=3, knowledge=size)
        for indicator in unit.indicators.all():
            make_observation(indicator, method=AssessmentMethod.ROLE_PLAY)
    for indicator in seed.indicators.all()[:size]:
        make_observation(indicator)
    big = CompetencyUnit.objects.exclude(pk=seed.pk).last()
    _count_queries(
        admin_client_,
        _url("wagtailsnippets_content_competencyunit:list"),
        django_assert_max_num_queries,
        14,
    )
    _count_queries(
        admin_client_,
        _url("wagtailsnippets_content_competencyunit:edit", big.pk),
        django_assert_max_num_queries,
        24,
    )
    _count_queries(
        admin_client_,
        _url("wagtailsnippets_content_competencyunit:inspect", big.pk),
        django_assert_max_num_queries,
        14,
    )
    _count_queries(
        admin_client_,
        _url("mapping_matrix:unit", seed.pk),
        django_assert_max_num_queries,
        26,
    )
    _count_queries(
        admin_client_,
        _url("wagtailsnippets_content_observationitem:list"),
        django_assert_max_num_queries,
        16,
    )
    _count_queries(admin_client_, _url("mapping_matrix:index"), django_assert_max_num_queries, 14)


def test_observation_items_for_trainer(trainer_client):
    unit = import_seed()
    t11 = unit.indicators.get(code="T1.1")
    make_observation(t11, text="主動說明入會資格")
    make_observation(unit.indicators.get(code="T2.1"), text="以開放式問題了解需求")
    url = _url("wagtailsnippets_content_observationitem:list")
    body = trainer_client.get(url, {"indicator": t11.pk}).content.decode()
    assert "主動說明入會資格" in body and "以開放式問題了解需求" not in body
    add = trainer_client.get(_url("wagtailsnippets_content_observationitem:add"))
    assert add.status_code == 200
    assert (
        "indicator_chooser" in add.content.decode() or "indicator-chooser" in add.content.decode()
    )


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_indicator_chooser_search(client_as, role):
    import_seed()
    client, _user = client_as(role)
    response = client.get(reverse("indicator_chooser:choose_results"), {"q": "T2.3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "協助客戶參與忠誠度方案" in body and "T1.1" not in body
    response = client.get(reverse("competency_item_chooser:choose_results"), {"q": "溝通"})
    assert "溝通技能" in response.content.decode()


def test_import_preview_then_confirm(admin_client_):
    url = _url("unit_import:index")
    with SEED.open("rb") as fh:
        preview = admin_client_.post(url, {"file": fh})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert CompetencyUnit.objects.count() == 0  # the preview writes nothing
    assert "<td>4</td>" in body and "<td>13</td>" in body
    assert "T4.3" in body and "查看客戶響應忠誠度方案" in body
    token = preview.context["token"]
    done = admin_client_.post(url, {"token": token})
    assert done.status_code == 302
    unit = CompetencyUnit.objects.get(code="KPS5R0821v2")
    assert unit.indicators.count() == 13
    # The same file again: the preview says nothing will change, confirming changes nothing.
    with SEED.open("rb") as fh:
        again = admin_client_.post(url, {"file": fh})
    assert again.context["plan"].status == "unchanged"
    admin_client_.post(url, {"token": again.context["token"]})
    assert CompetencyUnit.objects.count() == 1


def test_import_tampered_token_is_refused(admin_client_):
    response = admin_client_.post(_url("unit_import:index"), {"token": "forged"}, follow=True)
    assert CompetencyUnit.objects.count() == 0
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("task-no-indicators.txt", "Line 7"),
        ("big5.txt", "Line 1"),
        ("missing-tasks.yaml", "Line 1"),
    ],
)
def test_import_bad_file_shows_field_and_line(admin_client_, name, where):
    with translation.override("en"), (FIXTURES / name).open("rb") as fh:
        response = admin_client_.post(_url("unit_import:index"), {"file": fh})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert errors and errors[0].line == int(where.split()[1])
    assert "import-error" in response.content.decode()
    assert CompetencyUnit.objects.count() == 0


def test_import_rejects_changed_content_with_same_code(admin_client_):
    import_seed()
    changed = io.BytesIO(SEED.read_bytes().replace("溝通技能".encode(), "溝通協調".encode()))
    changed.name = "changed.txt"
    response = admin_client_.post(_url("unit_import:index"), {"file": changed})
    assert response.status_code == 400 and response.context["rejection"]
    assert CompetencyUnit.objects.get().items.get(code="S1").text == "溝通技能"


def test_protected_unit_cannot_be_deleted_in_admin(admin_client_, trainee, assessor):
    from assessments.models.decisions import Decision

    unit = import_seed()
    Decision.objects.create(
        trainee=trainee,
        unit=unit,
        assessor=assessor,
        outcome="competent",
        reasons="符合",
        assessed_on="2026-11-01",
    )
    response = admin_client_.post(
        _url("wagtailsnippets_content_competencyunit:delete", unit.pk), follow=True
    )
    assert CompetencyUnit.objects.filter(pk=unit.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("KPS5R0821v2" in m for m in messages)


def test_free_unit_can_be_deleted_by_admin(admin_client_):
    unit = make_framework_unit()
    admin_client_.post(_url("wagtailsnippets_content_competencyunit:delete", unit.pk))
    assert not CompetencyUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_matrix_exports_download(trainer_client, fmt):
    unit = import_seed()
    make_observation(unit.indicators.get(code="T1.1"))
    response = trainer_client.get(_url("mapping_matrix:unit_export", unit.pk, fmt))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert any(row[0] == "T1.1" for row in sheet.iter_rows(values_only=True))
    elif fmt == "pdf":
        assert response.content.startswith(b"%PDF")
    else:
        assert "T1.1" in response.content.decode("utf-8-sig")


def test_matrix_page_highlights_gaps(trainer_client):
    unit = import_seed()
    make_observation(unit.indicators.get(code="T1.1"), method=AssessmentMethod.OBSERVATION)
    make_observation(unit.indicators.get(code="T1.1"), method=AssessmentMethod.QUESTIONING)
    body = trainer_client.get(_url("mapping_matrix:unit", unit.pk)).content.decode()
    assert 'mapping-gap" data-code="T1.2"' in body
    assert 'mapping-indicator" data-code="T1.1"' in body  # covered: no gap class


def test_course_edit_warns_and_publish_asks_for_confirmation(admin_client_):
    unit = import_seed()
    course, _module = make_course(unit)
    edit = _url("wagtailadmin_pages:edit", course.pk)
    response = admin_client_.get(edit)
    messages = [str(m) for m in response.context["messages"]]
    assert any("T1.1" in m for m in messages)

    course.refresh_from_db()
    course.title = "新版課程"
    revision = course.save_revision()
    from django.test import RequestFactory

    from content.admin_views.mapping_gaps import confirm_course_gaps

    request = RequestFactory().post(edit, {})
    request.user = response.context["request"].user
    hook_response = confirm_course_gaps(request, course)
    assert hook_response is not None
    hook_response.render()
    assert "T1.1" in hook_response.content.decode()
    confirmed = RequestFactory().post(edit, {"confirm_mapping_gaps": "1"})
    confirmed.user = request.user
    assert confirm_course_gaps(confirmed, course) is None

    confirm_url = _url("course_publish_gaps:confirm", course.pk)
    admin_client_.post(confirm_url, {})  # without the box ticked: nothing published
    course.refresh_from_db()
    assert course.title != "新版課程"
    admin_client_.post(confirm_url, {"confirm_mapping_gaps": "1"})
    course.refresh_from_db()
    assert course.title == "新版課程" and course.live_revision_id == revision.pk


def test_trainer_cannot_use_publish_confirm_for_other_roles(client_as):
    unit = import_seed()
    course, _module = make_course(unit)
    for role in ("anonymous", "trainee", "assessor"):
        client, _user = client_as(role)
        response = client.post(
            _url("course_publish_gaps:confirm", course.pk),
            {"confirm_mapping_gaps": "1"},
        )
        assert response.status_code in (302, 403)
    assert ObservationItem.objects.count() == 0


def test_trainer_can_choose_a_unit_for_a_course_and_sees_gap_warning(trainer_client):
    unit = import_seed()
    course, _module = make_course(unit)
    chooser = trainer_client.get(reverse("wagtailsnippetchoosers_content_competencyunit:choose"))
    assert chooser.status_code == 200 and "KPS5R0821v2" in chooser.content.decode()
    response = trainer_client.get(_url("wagtailadmin_pages:edit", course.pk))
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"]]
    assert any("T4.3" in m for m in warnings)


def test_trainer_reads_the_whole_unit_on_its_inspect_page(trainer_client):
    unit = import_seed()
    body = trainer_client.get(
        _url("wagtailsnippets_content_competencyunit:inspect", unit.pk)
    ).content.decode()
    for text in (
        "依改進建議，向相關工作人員報告客戶忠誠度運作狀況",
        "使用商店設備的技能",
        "K5.1",
        "回答有關具體的技能和知識的問題",
        "VIP 會員卡",
        "憑證",
    ):
        assert text in body


def test_admin_imports_our_yaml_format(admin_client_):
    from tests.content.test_unit_import import EXAMPLE

    with EXAMPLE.open("rb") as fh:
        preview = admin_client_.post(_url("unit_import:index"), {"file": fh})
    assert preview.status_code == 200 and "EXCRM01v1" in preview.content.decode()
    admin_client_.post(_url("unit_import:index"), {"token": preview.context["token"]})
    assert CompetencyUnit.objects.get(code="EXCRM01v1").indicators.count() == 4


def _course_post_data(course, **extra):
    return {
        "title": "新版課程", "slug": course.slug, "unit": course.unit_id, "estimated_minutes": 60,
        "scenario_min_score": 60, "scenario_counting": "best", "evidence_max_age_months": 12,
        "min_methods_per_indicator": 2, "min_performance_occasions": 2,
        "require_knowledge_check": "on", "require_performance_method": "on",
        "require_all_lessons": "on", "require_all_quizzes_passed": "on", "require_all_scenarios": "on",
        "comments-TOTAL_FORMS": 0, "comments-INITIAL_FORMS": 0, "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000, "action-publish": "action-publish", **extra,
    }  # fmt: skip


def test_publishing_a_course_with_gaps_through_the_editor(admin_client_):
    unit = import_seed()
    course, _module = make_course(unit)
    edit = _url("wagtailadmin_pages:edit", course.pk)
    response = admin_client_.post(edit, _course_post_data(course))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="publish-gaps"' in body and "T2.4" in body
    course.refresh_from_db()
    assert course.title != "新版課程" and course.has_unpublished_changes  # saved as draft only
    response = admin_client_.post(edit, _course_post_data(course, confirm_mapping_gaps="1"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "新版課程" and not course.has_unpublished_changes


def _form_data(form) -> dict:
    """POST data equal to what the unbound admin form shows (fields + every inline formset)."""
    data = {}

    def add(f):
        for name in f.fields:
            value = f[name].value()
            key = f.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = value if not hasattr(value, "isoformat") else str(value)

    add(form)
    for formset in form.formsets.values():
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for child in formset.forms:
            add(child)
    return data


def test_admin_edits_a_unit_indicator(admin_client_):
    import json

    unit = import_seed()
    viewset = CompetencyUnit.snippet_viewset
    form = viewset.get_edit_handler().get_form_class()(instance=unit, for_user=None)
    data = _form_data(form)
    t23 = next(k for k, v in data.items() if k.startswith("indicators-") and v == "T2.3")
    data[t23.replace("-code", "-text")] = "協助客戶完成入會"
    for key, value in list(data.items()):
        if key.startswith("notes-") and key.endswith("-items"):
            data[key] = (
                json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            )
    response = admin_client_.post(
        _url("wagtailsnippets_content_competencyunit:edit", unit.pk), data
    )
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    indicator = unit.indicators.get(code="T2.3")
    assert indicator.text == "協助客戶完成入會" and indicator.task.code == "T2"
    assert unit.indicators.count() == 13 and unit.items.count() == 10 + 5  # K, S, E1..E5


def test_bulk_publish_of_a_course_with_gaps_is_refused(admin_client_):
    unit = import_seed()
    course, _module = make_course(unit)
    course.title = "新版課程"
    course.save_revision()
    url = (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={course.pk}"
    )
    response = admin_client_.post(url, {"include_descendants": ""})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title != "新版課程"
    # Once every indicator and every K, S and key evidence item is assessed, bulk
    # publishing goes through.
    targets = list(unit.items.exclude(text=""))
    for indicator in unit.indicators.all():
        make_observation(indicator, method=AssessmentMethod.OBSERVATION, items=targets)
        make_observation(indicator, method=AssessmentMethod.QUESTIONING)
    admin_client_.post(url, {"include_descendants": ""})
    course.refresh_from_db()
    assert course.title == "新版課程"
