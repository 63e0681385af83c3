"""Assessment instruments: a second assessor validates each published version before the
evidence gathered with it counts; role plays run from a script are judged on its criteria;
customer feedback given on the unit's form is recorded criterion by criterion; the mapping
matrix counts criteria only while their instrument is live and validated. Through HTTP as
each role where a user acts."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models.evidence import EvidenceLine, EvidenceRecord, ObservationDraft
from assessments.selectors.profile import competency_profile
from assessments.sufficiency import AUTHENTICITY, SATISFACTORY, UNVALIDATED, VALIDITY
from content.models.instruments import InstrumentKind, InstrumentValidation
from content.models.observation import ObservationItem
from content.selectors.mapping import mapping_matrix as _mapping_matrix
from core.models import AuditEntry
from tests.factories.instruments import change_instrument, make_instrument
from tests.factories.people import make_assessor
from tests.factories.workspace import record_questioning, workspace_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(trainee, assessor):
    ws = workspace_build(assessor=assessor, trainees=[trainee], tasks=2, per_task=2)
    ObservationItem.objects.filter(indicator__unit=ws.unit).delete()
    ws.by_code = {i.code: i for i in ws.indicators}
    return ws


def _script(ws, *, validated_by="auto", author=None):
    ind = ws.by_code
    return make_instrument(
        ws.unit,
        kind=InstrumentKind.ROLE_PLAY,
        title="點數過期的老顧客",
        instructions="評量人員扮演點數剛過期的常客。",
        script="顧客：「我的點數怎麼不見了？」",
        criteria=[
            ("先傾聽並複述顧客的問題", [ind["T1.1"]]),
            ("依規定說明點數效期並提出可行的替代方案", [ind["T1.2"], ind["T2.1"]]),
        ],
        validated_by=validated_by,
        author=author,
    )


def _feedback_form(ws, **kw):
    ind = ws.by_code
    return make_instrument(
        ws.unit,
        kind=InstrumentKind.CUSTOMER_FEEDBACK,
        title="會員服務回饋卡",
        instructions="請顧客圈選：服務人員是否清楚說明會員福利？",
        criteria=[("清楚說明會員福利", [ind["T1.1"]]), ("處理問題的態度", [ind["T2.1"]])],
        **kw,
    )


def _header(**extra):
    return {
        "occurred_on": timezone.localdate().isoformat(),
        "place": "模擬教室",
        "environment": "simulated",
        "summary": "角色扮演",
        "confirm_lock": "1",  # submitting locks the record: the assessor confirms it
        **extra,
    }


def _role_play(client, trainee, script, results):
    response = client.post(
        reverse("assessments:observation_start", args=[trainee.pk, "role_play"]),
        {"instrument": str(script.pk)},
    )
    assert response.status_code == 302
    draft = ObservationDraft.objects.filter(trainee=trainee).latest("pk")
    data = _header()
    for criterion, result in zip(script.criteria.order_by("sort_order"), results, strict=True):
        data[f"r_c{criterion.pk}"] = result
    response = client.post(reverse("assessments:observation", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return EvidenceRecord.objects.filter(trainee=trainee).latest("pk")


# --- validation: who may, and what it changes ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("trainee", 403), ("trainer", 403), ("assessor", 200), ("admin", 200)],
)
def test_instrument_pages_by_role(client_as, ws, role, status):
    script = _script(ws, validated_by=None)
    client, _user = client_as(role)
    for url in (
        reverse("assessments:instrument_list"),
        reverse("assessments:instrument_detail", args=[script.pk]),
    ):
        response = client.get(url)
        assert response.status_code == status, url
    if status == 200:
        page = response.content.decode()
        assert "點數過期的老顧客" in page
        assert "先傾聽並複述顧客的問題" in page and "T1.2" in page
        # Assessors are offered the validation; admins read it.
        assert ('data-testid="validation-form"' in page) == (role == "assessor")


def test_admin_cannot_validate_by_post(client_as, ws):
    script = _script(ws, validated_by=None)
    client, _admin = client_as("admin")
    response = client.post(
        reverse("assessments:instrument_detail", args=[script.pk]), {"confirmed": "on"}
    )
    assert response.status_code == 403
    assert not InstrumentValidation.objects.filter(instrument=script).exists()


def test_the_author_cannot_validate_their_own_instrument(client_as, ws):
    client, assessor = client_as("assessor")
    script = _script(ws, validated_by=None, author=assessor)
    url = reverse("assessments:instrument_detail", args=[script.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="validation-form"' not in page
    assert 'data-testid="validation-read-only"' in page
    assert client.post(url, {"confirmed": "on"}).status_code == 403
    assert not InstrumentValidation.objects.filter(instrument=script).exists()


def test_validation_needs_the_confirmation_and_loses_the_notes_never(client_as, ws):
    script = _script(ws, validated_by=None)
    client, _assessor = client_as("assessor")
    url = reverse("assessments:instrument_detail", args=[script.pk])
    response = client.post(url, {"notes": "準則二應拆成兩項"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Confirm that you have checked every criterion" in page or "確認" in page
    assert "準則二應拆成兩項" in page
    assert not InstrumentValidation.objects.exists()


def test_validating_records_who_and_when_and_a_change_needs_a_new_validation(client_as, ws):
    script = _script(ws, validated_by=None)
    client, assessor = client_as("assessor")
    list_page = client.get(reverse("assessments:instrument_list")).content.decode()
    assert f'data-instrument="{script.pk}" data-state="not_validated"' in list_page
    url = reverse("assessments:instrument_detail", args=[script.pk])
    response = client.post(url, {"confirmed": "on", "notes": "準則可觀察"})
    assert response.status_code == 302
    validation = InstrumentValidation.objects.get(instrument=script)
    assert validation.validated_by == assessor
    assert validation.revision_id == script.live_revision_id
    assert AuditEntry.objects.filter(action="instrument.validated", actor=assessor).exists()
    page = client.get(url).content.decode()
    assert 'data-testid="validation-form"' not in page  # nothing left to validate
    assert assessor.printed_name in page
    # The same version again is refused by the service even if posted.
    assert client.post(url, {"confirmed": "on"}).status_code == 403

    change_instrument(script, title="點數過期的老顧客（修訂）")
    list_page = client.get(reverse("assessments:instrument_list")).content.decode()
    assert f'data-instrument="{script.pk}" data-state="changed"' in list_page
    page = client.get(url).content.decode()
    assert 'data-testid="validation-form"' in page and "較早的版本" in page  # an earlier version
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    assert InstrumentValidation.objects.filter(instrument=script).count() == 2


def test_the_dashboard_says_how_many_instruments_wait(client_as, ws):
    _script(ws, validated_by=None)
    _feedback_form(ws)
    client, _assessor = client_as("assessor")
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert 'data-testid="instruments-waiting-count">1<' in page


# --- role play from a script --------------------------------------------------------------


def test_a_role_play_is_run_from_a_chosen_script_and_judged_on_its_criteria(client_as, ws, trainee):
    script = _script(ws)
    client, _assessor = client_as("assessor")
    start = reverse("assessments:observation_start", args=[trainee.pk, "role_play"])
    page = client.post(start).content.decode()
    assert 'data-testid="role-play-script-form"' in page and "點數過期的老顧客" in page
    assert not ObservationDraft.objects.exists()  # choosing writes nothing

    client.post(start, {"instrument": str(script.pk)})
    draft = ObservationDraft.objects.get()
    assert draft.instrument == script
    page = client.get(reverse("assessments:observation", args=[draft.pk])).content.decode()
    assert 'data-testid="role-play-script"' in page and "我的點數怎麼不見了" in page
    assert "依規定說明點數效期並提出可行的替代方案" in page

    record = _role_play(client, trainee, script, ["satisfactory", "satisfactory"])
    assert record.instrument == script
    assert record.instrument_revision_id == script.live_revision_id
    lines = list(record.lines.order_by("pk"))
    # The second criterion shows two indicators: judged once, one line each.
    assert [(line.indicator.code, line.criterion_id is not None) for line in lines] == [
        ("T1.1", True),
        ("T1.2", True),
        ("T2.1", True),
    ]


def test_a_forged_row_on_a_scripted_role_play_writes_nothing(client_as, ws, trainee):
    script = _script(ws)
    other = _feedback_form(ws)
    client, _assessor = client_as("assessor")
    client.post(
        reverse("assessments:observation_start", args=[trainee.pk, "role_play"]),
        {"instrument": str(script.pk)},
    )
    draft = ObservationDraft.objects.get()
    forged = other.criteria.first()
    response = client.post(
        reverse("assessments:observation", args=[draft.pk]),
        _header(**{f"r_c{forged.pk}": "satisfactory"}),
    )
    assert response.status_code == 200
    assert "Only the behaviours on the checklist" in response.content.decode() or (
        "檢核表" in response.content.decode()
    )
    assert not EvidenceRecord.objects.exists()


def test_evidence_from_an_unvalidated_script_is_shown_but_never_counted(client_as, ws, trainee):
    script = _script(ws, validated_by=None)
    client, assessor = client_as("assessor")
    _role_play(client, trainee, script, ["satisfactory", "satisfactory"])
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)

    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    row = next(r for r in profile.rows if r.indicator.code == "T1.1")
    assert [h.status for h in row.hits if h.method == "role_play"] == [UNVALIDATED]
    assert not row.performance_ok and row.gaps
    assert any(c.rule == VALIDITY and not c.met for c in row.checks)
    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert "評量工具未確認效度" in page  # instrument not validated

    # A second assessor validates the script: the same record now counts.
    InstrumentValidation.objects.create(
        instrument=script, revision_id=script.live_revision_id, validated_by=make_assessor()
    )
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    row = next(r for r in profile.rows if r.indicator.code == "T1.1")
    assert [h.status for h in row.hits if h.method == "role_play"] == [SATISFACTORY]
    assert row.performance_ok
    authenticity = next(c for c in row.checks if c.rule == AUTHENTICITY)
    assert authenticity.met and any(assessor.printed_name in way for way in authenticity.by)


def test_a_published_change_does_not_reach_back_but_new_evidence_waits(client_as, ws, trainee):
    script = _script(ws)
    client, _assessor = client_as("assessor")
    old = _role_play(client, trainee, script, ["satisfactory", "satisfactory"])
    script = change_instrument(script, title="點數過期的老顧客 v2")
    new = _role_play(client, trainee, script, ["satisfactory", "satisfactory"])
    assert old.instrument_revision_id != new.instrument_revision_id
    profile = competency_profile(trainee=trainee, unit=ws.unit, course=ws.course)
    row = next(r for r in profile.rows if r.indicator.code == "T1.1")
    statuses = {h.evidence_id: h.status for h in row.hits}
    assert statuses == {old.pk: SATISFACTORY, new.pk: UNVALIDATED}


# --- customer feedback on the unit's form -------------------------------------------------


def test_customer_feedback_on_a_form_is_recorded_per_criterion(client_as, ws, trainee):
    form = _feedback_form(ws)
    client, _assessor = client_as("assessor")
    url = reverse("assessments:customer_feedback", args=[trainee.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="feedback-forms"' in page and "會員服務回饋卡" in page
    assert 'data-testid="feedback-free"' in page
    page = client.get(url, {"instrument": form.pk}).content.decode()
    assert "清楚說明會員福利" in page and "處理問題的態度" in page
    first, second = form.criteria.order_by("sort_order")
    response = client.post(
        url,
        {
            "instrument": str(form.pk),
            "source": "回饋卡",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "店員很有耐心",
            f"r_c{first.pk}": "satisfactory",
            f"c_c{first.pk}": "她把集點規則講得很清楚",
            f"r_c{second.pk}": "not_observed",
        },
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.get(kind="customer_feedback")
    assert record.instrument == form and record.instrument_revision_id == form.live_revision_id
    assert [(x.indicator.code, x.criterion_id, x.comment) for x in record.lines.all()] == [
        ("T1.1", first.pk, "她把集點規則講得很清楚")
    ]


def test_customer_feedback_on_a_form_refuses_a_forged_criterion_and_keeps_the_input(
    client_as, ws, trainee
):
    form = _feedback_form(ws)
    script = _script(ws)
    client, _assessor = client_as("assessor")
    forged = script.criteria.first()
    response = client.post(
        reverse("assessments:customer_feedback", args=[trainee.pk]),
        {
            "instrument": str(form.pk),
            "source": "回饋卡",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "店員很有耐心",
            f"r_c{forged.pk}": "satisfactory",
        },
    )
    assert response.status_code == 400
    assert "店員很有耐心" in response.content.decode()
    assert not EvidenceRecord.objects.exists()
    assert not EvidenceLine.objects.exists()


def test_customer_feedback_with_nothing_judged_is_refused(client_as, ws, trainee):
    form = _feedback_form(ws)
    client, _assessor = client_as("assessor")
    response = client.post(
        reverse("assessments:customer_feedback", args=[trainee.pk]),
        {
            "instrument": str(form.pk),
            "source": "回饋卡",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "沒有寫什麼",
        },
    )
    assert response.status_code == 400
    assert not EvidenceRecord.objects.exists()


def test_feedback_not_on_a_form_is_still_recorded_against_indicators(client_as, ws, trainee):
    _feedback_form(ws)
    client, _assessor = client_as("assessor")
    url = reverse("assessments:customer_feedback", args=[trainee.pk])
    page = client.get(url, {"instrument": "none"}).content.decode()
    assert 'name="indicators"' in page
    response = client.post(
        url + "?instrument=none",
        {
            "source": "Google 評論",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "服務親切",
            "indicators": [ws.by_code["T2.1"].pk],
        },
    )
    assert response.status_code == 302
    record = EvidenceRecord.objects.get(kind="customer_feedback")
    assert record.instrument is None


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("trainee", 403), ("trainer", 403), ("admin", 403)]
)
def test_the_feedback_form_is_refused_to_non_assessors(client_as, ws, trainee, role, status):
    form = _feedback_form(ws)
    client, _user = client_as(role)
    url = reverse("assessments:customer_feedback", args=[trainee.pk])
    assert client.get(url, {"instrument": form.pk}).status_code == status


def test_an_assessor_not_assigned_to_the_trainee_is_not_offered_the_feedback_form(ws, trainee):
    from django.test import Client

    form = _feedback_form(ws)
    client = Client()
    client.force_login(make_assessor())
    url = reverse("assessments:customer_feedback", args=[trainee.pk])
    assert client.get(url, {"instrument": form.pk}).status_code == 404
    response = client.post(
        url,
        {"instrument": str(form.pk), "source": "卡", "summary": "好", "occurred_on": "2026-11-30"},
    )
    assert response.status_code == 404
    assert not EvidenceRecord.objects.exists()


# --- the mapping matrix -------------------------------------------------------------------


def _cell(matrix, code):
    return next(r for r in matrix.rows if r.code == code)


def mapping_matrix(unit, course):  # notes read in English, whatever a request activated
    with translation.override("en"):
        return _mapping_matrix(unit, course=course)


def test_the_matrix_counts_criteria_only_of_live_validated_instruments(ws):
    script = _script(ws, validated_by=None)
    matrix = mapping_matrix(ws.unit, course=ws.course)
    row = _cell(matrix, "T1.1")
    assert not row.cells.get("role_play")
    assert any("validated" in e.note for e in row.held)

    InstrumentValidation.objects.create(
        instrument=script, revision_id=script.live_revision_id, validated_by=make_assessor()
    )
    matrix = mapping_matrix(ws.unit, course=ws.course)
    assert [e.label for e in _cell(matrix, "T1.1").cells["role_play"]] == [
        "點數過期的老顧客: 先傾聽並複述顧客的問題"
    ]
    assert _cell(matrix, "T2.1").cells["role_play"]

    # A published change holds it apart again until validated.
    change_instrument(script, title="新版")
    assert not _cell(mapping_matrix(ws.unit, course=ws.course), "T1.1").cells.get("role_play")


def test_the_matrix_puts_a_third_party_prompt_under_portfolio(ws):
    make_instrument(
        ws.unit,
        kind=InstrumentKind.THIRD_PARTY,
        criteria=[("過去一個月曾主動向新顧客介紹會員方案", [ws.by_code["T2.2"]])],
    )
    row = _cell(mapping_matrix(ws.unit, course=ws.course), "T2.2")
    assert list(row.cells) == ["portfolio"]


def test_competent_is_refused_while_performance_rests_on_an_unvalidated_script(
    client_as, ws, trainee
):
    """Every indicator's only performance evidence is a scripted role play: refused while the
    script waits for validation (the profile names the validity rule), recorded after."""
    from assessments.models.decisions import Decision

    ind = ws.by_code
    script = make_instrument(
        ws.unit,
        kind=InstrumentKind.ROLE_PLAY,
        title="全指標角色扮演",
        criteria=[(f"行為 {code}", [i]) for code, i in ind.items()],
        validated_by=None,
    )
    client, assessor = client_as("assessor")
    _role_play(client, trainee, script, ["satisfactory"] * len(ind))
    record_questioning(assessor=assessor, trainee=trainee, ws=ws)

    def decide():
        return client.post(
            reverse("assessments:decide", args=[trainee.pk]),
            {
                "outcome": "competent",
                "assessed_on": timezone.localdate().isoformat(),
                "reasons": "表現良好",
            },
        )

    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    assert 'data-rule="validity" data-met="no"' in page
    response = decide()
    assert response.status_code == 200 and "decision-gaps" in response.content.decode()
    assert not Decision.objects.exists()

    InstrumentValidation.objects.create(
        instrument=script, revision_id=script.live_revision_id, validated_by=make_assessor()
    )
    assert decide().status_code == 302
    assert Decision.objects.get().outcome == "competent"


def test_the_profile_names_methods_in_words_not_codes(client_as, ws, trainee):
    from content.models.framework import CompetencyItem

    skill = CompetencyItem.objects.get(unit=ws.unit, code="S1")
    script = make_instrument(
        ws.unit,
        kind=InstrumentKind.ROLE_PLAY,
        title="技能腳本",
        criteria=[("以淺白的話說明入會步驟", [ws.by_code["T1.1"]], [skill])],
    )
    client, _assessor = client_as("assessor")
    _role_play(client, trainee, script, ["satisfactory"])
    page = client.get(reverse("assessments:trainee", args=[trainee.pk])).content.decode()
    line = next(x for x in page.splitlines() if "技能 1" in x and "<li>S1" in x)
    item = line[line.index("<li>S1") :].split("</li>")[0]
    assert "角色扮演" in item  # Role play, in words
    assert "role_play" not in item
