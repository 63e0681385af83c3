"""Demo data for the assessor workspace (idempotent): the demo assessor assigned to cohort
"2026-q4", an oral question bank for KPS5R0821v2, the observation checklist items
(content.demo.observations), full evidence for trainee1 (so that a Competent decision can
be recorded) and partial evidence for trainee2. Observations name their context: serving
customers (T1-T3) is observed at the till, reviewing the programme (T4) in the back office.

Runs after the unit, course and training loaders; does nothing if the unit or accounts are
missing."""

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models.evidence import EvidenceKind, EvidenceRecord, ItemResult
from assessments.models.questions import OralQuestion
from assessments.selectors.checklist import observation_checklist
from assessments.services.evidence import (
    ItemJudgement,
    OralAnswer,
    observation_draft_start,
    observation_submit,
    questioning_record,
)
from assessments.services.feedback import CriterionResult, customer_feedback_record
from assessments.services.judgements import CriterionJudgement, evidence_judge
from assessments.services.third_party import (
    CriterionReport,
    IndicatorReport,
    third_party_report_submit,
    third_party_request_create,
)
from assessments.services.workspace import assessor_assignment_create
from content.demo import observations as demo_observations
from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentKind
from content.models.observation import ObservationContext
from people.models import Cohort, User

UNIT_CODE = "KPS5R0821v2"
COHORT_CODE = "2026-q4"

# Oral questions per indicator: (question, model answer, knowledge item codes).
QUESTIONS = {
    "T1.1": (
        "本店目前有哪些會員或集點方案？各自由哪個部門負責？",
        "能說出店內現行方案（如點數卡、VIP 卡）與負責窗口，並知道最新規定在哪裡查閱。",
        ["K5"],
    ),
    "T1.2": (
        "哪些顧客可以加入 VIP 方案？加入後有哪些福利？",
        "說明資格門檻（如年度消費額）與主要福利（折扣、生日禮、活動邀請），並能區分不同等級。",
        ["K5"],
    ),
    "T1.3": (
        "點數的有效期限與使用限制是什麼？如何向顧客說明？",
        "正確說出期限、不可兌換現金等條件，並以簡單、不誤導的說法告知顧客。",
        ["K4"],
    ),
    "T2.1": (
        "你會用哪些方法與常客建立關係，並判斷他適合哪一種方案？",
        "主動傾聽、詢問偏好、記住顧客習慣，依消費頻率與需求推薦合適方案。",
        [],
    ),
    "T2.2": (
        "向符合資格的顧客介紹方案時，一定要提到哪些重點？",
        "好處、條款（期限、限制）、個資使用方式與退出方式，並確認顧客理解。",
        ["K4"],
    ),
    "T2.3": (
        "顧客填寫入會資料時，你如何協助並保護他的個人資料？",
        "逐欄說明、只收必要資料、告知蒐集目的，填妥後依程序保存，不留在櫃台。",
        ["K4"],
    ),
    "T2.4": (
        "會員系統當機時，依店內程序應如何處理顧客的點數？",
        "依作業程序記錄交易與會員資料，系統恢復後補登，並告知顧客處理方式。",
        ["K1"],
    ),
    "T3.1": (
        "顧客要求的補償超出你的權限時，你會怎麼做？",
        "只承諾權限內可給的獎勵，超出時請主管處理，並向顧客說明下一步。",
        [],
    ),
    "T3.2": (
        "對於常客，店內政策允許你提供哪些獎勵？",
        "依政策提供折扣、贈品或活動邀請，並記錄發放以利追蹤。",
        ["K3"],
    ),
    "T3.3": (
        "對新顧客與回頭客，你會如何選擇合適的獎勵？",
        "新客以入會禮鼓勵加入，回頭客以體驗或優先服務表達感謝，都須符合店內政策。",
        ["K3"],
    ),
    "T4.1": (
        "上個月的會員推廣活動成效如何？你會向誰提出改進建議？",
        "能引用入會人數或回購率等數據，並向店長或行銷窗口提出具體建議。",
        [],
    ),
    "T4.2": (
        "如何比較新會員與既有會員對獎勵的反應？",
        "比較回購率、客單價與兌換率，區分新舊會員，找出成本與效果不相稱的獎勵。",
        [],
    ),
    "T4.3": (
        "你會如何向同事報告會員方案的運作狀況？",
        "整理重點數據、顧客回饋與改進建議，依指示在會議或書面報告中說明。",
        [],
    ),
}


def _question_bank(unit, author) -> list[OralQuestion]:
    indicators = {i.code: i for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit=unit)}
    bank = []
    for code, (text, answer, k_codes) in QUESTIONS.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        question, created = OralQuestion.objects.get_or_create(
            unit=unit,
            indicator=indicator,
            text=text,
            defaults={"model_answer": answer, "created_by": author},
        )
        if created:
            question.competency_items.set([items[c] for c in k_codes if c in items])
        bank.append(question)
    return bank


def _observe(
    assessor, trainee, unit, kind, on, context, codes=None, place="台北信義店", summary=""
):
    """One observation in `context`: every behaviour of the indicators in `codes` (all the
    context offers when None) satisfactory, the rest not observed."""
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=unit, kind=kind, context=context
    )
    items = [
        ItemJudgement(
            entry,
            ItemResult.SATISFACTORY
            if codes is None or entry.indicator_code in codes
            else ItemResult.NOT_OBSERVED,
            "",
        )
        for entry in observation_checklist(unit, kind, context)
    ]
    return observation_submit(
        draft=draft,
        assessor=assessor,
        occurred_on=on,
        place=place,
        environment="real" if kind == EvidenceKind.OBSERVATION else "simulated",
        summary=summary,
        items=items,
    )


@transaction.atomic
def load() -> None:
    unit = CompetencyUnit.objects.filter(code=UNIT_CODE).first()
    assessor = User.objects.filter(username="assessor").first()
    cohort = Cohort.objects.filter(code=COHORT_CODE).first()
    if unit is None or assessor is None or cohort is None:
        return
    demo_observations.load()
    assessor_assignment_create(admin=None, assessor=assessor, cohort=cohort)
    # The moderator of the first assessor's decisions assesses the same cohort.
    moderator = User.objects.filter(username="assessor2").first()
    if moderator is not None:
        assessor_assignment_create(admin=None, assessor=moderator, cohort=cohort)
    bank = _question_bank(unit, assessor)
    today = timezone.localdate()
    indicators = list(Indicator.objects.filter(unit=unit).order_by("sort_order", "pk"))

    for username, record in (("trainee1", _trainee1_evidence), ("trainee2", _trainee2_evidence)):
        trainee = User.objects.filter(username=username).first()
        if (
            trainee is not None
            and not EvidenceRecord.objects.filter(trainee=trainee, unit=unit).exists()
        ):
            record(assessor, trainee, unit, bank, indicators, today)


def _trainee1_evidence(assessor, trainee1, unit, bank, indicators, today) -> None:
    """Enough evidence, by several methods and occasions, for a Competent decision."""
    _observe(
        assessor,
        trainee1,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=12),
        ObservationContext.TILL,
        summary="週末尖峰時段在櫃台向三位顧客介紹點數卡，協助其中一位完成入會。",
    )
    _observe(
        assessor,
        trainee1,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=11),
        ObservationContext.BACK_OFFICE,
        place="台北信義店辦公室",
        summary="在辦公室整理上月會員數據，比較新舊會員回購率並寫成報告。",
    )
    _observe(
        assessor,
        trainee1,
        unit,
        EvidenceKind.ROLE_PLAY,
        today - datetime.timedelta(days=9),
        ObservationContext.ROLE_PLAY,
        codes={"T3.1", "T3.2", "T3.3"},
        place="門市教室",
        summary="角色扮演：顧客抱怨點數未入帳並要求額外補償。",
    )
    questioning_record(
        assessor=assessor,
        trainee=trainee1,
        unit=unit,
        occurred_on=today - datetime.timedelta(days=9),
        place="門市教室",
        answers=[
            OralAnswer(q, "能以自己的話完整回答重點。", ItemResult.SATISFACTORY) for q in bank
        ],
    )
    customer_feedback_record(
        assessor=assessor,
        trainee=trainee1,
        unit=unit,
        source="顧客意見卡",
        occurred_on=today - datetime.timedelta(days=7),
        summary="顧客表示店員耐心說明會員等級與生日禮，當場加入會員。",
        indicators=[i for i in indicators if i.code in {"T2.1", "T2.2", "T2.3"}],
    )
    # The supervisor answers the unit's third-party prompts (validated by 王淑芬, content/demo/
    # instruments.py) when the demo has them; the assessor judges each prompt.
    prompts = AssessmentInstrument.objects.filter(
        unit=unit, kind=InstrumentKind.THIRD_PARTY, live=True
    ).first()
    request, token = third_party_request_create(
        assessor=assessor,
        trainee=trainee1,
        unit=unit,
        supervisor_name="王店長",
        supervisor_email="store-manager@example.test",
        instrument=prompts,
    )
    criteria = list(prompts.criteria.order_by("sort_order", "pk")) if prompts else []
    report = third_party_report_submit(
        token=token,
        supervisor_name="王店長",
        supervisor_role="台北信義店店長",
        declared=True,
        observed_from=today - datetime.timedelta(days=5),
        summary="共同值班三個月，每週檢視會員數據並參與月會報告。",
        reports=()
        if prompts
        else [IndicatorReport(i, ItemResult.SATISFACTORY, "") for i in indicators],
        criteria=[
            CriterionReport(c.pk, ItemResult.SATISFACTORY, "上個月值班時親眼看到。")
            for c in criteria
        ],
    )
    evidence_judge(
        assessor=assessor,
        evidence=report,
        result="satisfactory",
        indicators=[],
        verification="phone",
        notes="已致電王店長確認報告內容。",
        criteria=[CriterionJudgement(c.pk, ItemResult.SATISFACTORY) for c in criteria],
    )


def _trainee2_evidence(assessor, trainee2, unit, bank, indicators, today) -> None:
    """Some evidence, with gaps: Competent is refused, naming them."""
    _observe(
        assessor,
        trainee2,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=6),
        ObservationContext.TILL,
        codes={"T1.1", "T1.2", "T1.3", "T2.2"},
        summary="平日午間向兩位顧客說明點數卡，條款說明尚不完整。",
    )
    questioning_record(
        assessor=assessor,
        trainee=trainee2,
        unit=unit,
        occurred_on=today - datetime.timedelta(days=6),
        place="門市",
        answers=[
            OralAnswer(q, "回答大致正確。", ItemResult.SATISFACTORY)
            for q in bank
            if q.indicator.code.startswith("T1")
        ],
    )
    # Feedback on the unit's feedback card, which no second assessor has validated yet: the
    # profile shows it and does not count it.
    card = AssessmentInstrument.objects.filter(
        unit=unit, kind=InstrumentKind.CUSTOMER_FEEDBACK, live=True
    ).first()
    if card is not None:
        first = card.criteria.order_by("sort_order", "pk").first()
        customer_feedback_record(
            assessor=assessor,
            trainee=trainee2,
            unit=unit,
            source="顧客回饋卡",
            occurred_on=today - datetime.timedelta(days=4),
            summary="顧客寫道：「店員先問我平常買什麼，再介紹會員方案。」",
            instrument=card,
            criteria=[CriterionResult(first.pk, ItemResult.SATISFACTORY, "先問我平常買什麼")],
        )
