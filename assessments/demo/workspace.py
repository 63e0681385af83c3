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

# Oral questions per indicator: (question, model answer and marking guide, K/S and key
# evidence item codes). Every rule they ask about is the programme pack's (「好生活會員」).
QUESTIONS = {
    "T1.1": (
        "「好生活會員」由哪幾種忠誠度方案組成？最新的規定要到哪裡查？",
        "能說出積分（每付 NT$50 累 1 點、1 點折 NT$1）、分級（銀卡、金卡）、金卡新品之夜等專屬"
        "活動與週年慶折價券等憑證；知道以方案文件與員工操作指南為準，不確定時問值班主管。"
        "說出兩種以上型態且查詢來源正確為滿意。",
        ["K5", "S3", "E1"],
    ),
    "T1.2": (
        "誰可以加入好生活會員？銀卡和金卡要怎樣才能取得，各有什麼福利？",
        "18 歲以上免費（未滿需法定代理人同意）、一個台灣手機號碼一個帳號；前一日曆年度付滿 "
        "NT$12,000 為銀卡、NT$30,000 為金卡，禮券與購物金支付不計、特價商品要計；銀卡點數加倍"
        "與生日 NT$200 購物金，金卡另有 NT$500 生日購物金、每季新品之夜、滿 NT$1,500 免費宅配。"
        "資格與兩個門檻都正確為滿意。",
        ["K5", "E1"],
    ),
    "T1.3": (
        "點數多久到期？折抵有哪些條件？加價購和週年慶折價券有什麼限制？",
        "每筆點數自取得日起 12 個月有效，到期不由店員恢復；100 點起折、最多折抵發票的 50 %、"
        "不換現金、不能轉讓、特價商品不累點；加價購須單筆滿 NT$300、限一件；週年慶滿 NT$3,000 "
        "送 NT$300 折價券，每位會員每天一張。期限與至少兩項條件正確為滿意。",
        ["K4", "K5", "E1"],
    ),
    "T2.1": (
        "一位第一次來店的顧客和一位每週都來的常客，你分別怎麼開始對話，並判斷他們適合哪些權益？",
        "先問是否為會員，以開放式問題了解常買品項與來店頻率，專心傾聽、注意語氣與肢體語言；"
        "新顧客判斷是否符合入會資格，常客確認等級與可用的權益。能說出兩種以上關係技巧並連結到"
        "判斷資格為滿意。",
        ["S1", "E1"],
    ),
    "T2.2": (
        "向一位符合資格、還不是會員的顧客介紹好生活會員時，一定要說到哪些重點？",
        "好處（每付 NT$50 累 1 點、入會 50 點下次可用、30 天內首購點數加倍）、條款（點數 12 個月"
        "有效、特價商品不累點、100 點起折、最多折一半）、個資告知與行銷訊息可自行選擇，最後確認"
        "顧客聽懂並尊重他的決定。好處、條款與確認理解三者都有為滿意。",
        ["K4", "K5", "S1", "E2"],
    ),
    "T2.3": (
        "協助顧客入會時，哪些步驟要由顧客自己完成？為什麼？",
        "顧客自己輸入手機號碼與簡訊驗證碼、自己同意方案條款、自己選擇是否接收行銷訊息；店員出示"
        "個資告知事項並陪同說明，不代填、不代勾，因為同意必須是顧客本人的意思。步驟與理由都正確"
        "為滿意。",
        ["K4", "S4", "E3"],
    ),
    "T2.4": (
        "會員系統當機、或顧客拿發票來要求補登時，依程序要怎麼處理？",
        "系統當機時照常結帳，把發票號碼寫在補登單上，7 天內補登；補登須在 30 天內憑發票申請，"
        "由值班主管核准；查詢點數前請顧客確認手機末三碼；每件客訴、善意回饋與補登都在系統登錄"
        "原因。兩種情況的程序都正確為滿意。",
        ["K1", "S3", "S4"],
    ),
    "T3.1": (
        "門市人員、值班主管和店長各能提供哪些獎勵或補償？顧客的要求超出你的權限時怎麼做？",
        "門市人員：方案的正式權益，以及每位顧客每次來店 NT$100 以內的小禮物或折價券，不能加點、"
        "不能退款；值班主管：NT$500 以內的折價券或禮品、500 點以內的善意加點、核准補登、更換瑕疵"
        "商品；店長：超出退貨政策的退款、服務升級、致歉電話。政策內的退貨是一般作業，不是獎勵。"
        "超出權限時說明能做的部分並轉交。三個角色的權限正確為滿意。",
        ["K5", "S3", "E4"],
    ),
    "T3.2": (
        "依店內政策，常客會定期收到哪些獎勵？你在櫃台怎麼讓他們用得到？",
        "銀卡、金卡點數加倍；生日月購物金（銀卡 NT$200、金卡 NT$500）；金卡每季新品之夜邀請"
        "（預約制）；點數商品（如保溫瓶 800 點）。結帳時主動提醒並正確折抵，不自行加碼。"
        "至少兩項正確並說出如何提醒為滿意。",
        ["K3", "K5", "E4"],
    ),
    "T3.3": (
        "新會員、回頭客和回流會員，分別可以得到什麼？請各舉一個例子。",
        "新會員：入會 50 點（下次可用）、30 天內首購點數加倍；回頭客是任何再次光顧的顧客，享有"
        "一般會員權益；回流會員是 6 個月以上沒有消費的會員，回來那一筆點數加倍，由收銀員勾選"
        "回流禮。能區分回頭客與回流會員並說對三者的權益為滿意。",
        ["K1", "K5", "E4"],
    ),
    "T4.1": (
        "上一次入會或加價購推廣的成果如何？你會怎麼算，並和誰討論改進方向？",
        "以數據說明，例如邀請人數與入會人數算出轉換率（入會 ÷ 邀請 × 100），比較門市或期間時看"
        "比率也看人數；向店長或店務會議提出一項具體、可試行的建議。計算正確並說出討論對象與建議"
        "為滿意。",
        ["S2", "E5"],
    ),
    "T4.2": (
        "你會怎麼比較新會員和既有會員對優惠的反應？看到差距後會怎麼做？",
        "分開計算兩群的回購率或留存率（（期末 − 新加入）÷ 期初 × 100）、客單價與優惠使用率，連同"
        "優惠成本（ROI、CLV:CAC）一起看；找出成效較差的優惠，與店長討論調整方向。能說出兩項以上"
        "指標並分群比較為滿意。",
        ["S2", "E5"],
    ),
    "T4.3": (
        "店長核准一項改進措施後，你要怎麼向同事報告方案的運作狀況？",
        "整理重點數據與變化、原因與顧客意見、核准的措施（改什麼、從哪天開始、怎麼對顧客說），"
        "說明追蹤方式與回報時間；結果不如預期也如實報告。內容完整且依指示為滿意。",
        ["S1", "S2", "E5"],
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
    assessor,
    trainee,
    unit,
    kind,
    on,
    context,
    codes,
    place="台北信義店",
    summary="",
    notes=None,
    not_yet=frozenset(),
):
    """One observation in `context`, marking only what the assessor saw: the behaviours of
    the indicators in `codes` satisfactory (those in `not_yet` not yet satisfactory), with
    the assessor's note for the indicator (`notes`: code -> what was seen); everything else
    the checklist offers is left "not observed"."""
    notes = notes or {}
    draft = observation_draft_start(
        assessor=assessor, trainee=trainee, unit=unit, kind=kind, context=context
    )

    def result(code: str) -> str:
        if code in not_yet:
            return ItemResult.NOT_SATISFACTORY
        return ItemResult.SATISFACTORY if code in codes else ItemResult.NOT_OBSERVED

    items = [
        ItemJudgement(entry, result(entry.indicator_code), notes.get(entry.indicator_code, ""))
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

    for username, record in (
        ("trainee1", _trainee1_evidence),
        ("trainee2", _trainee2_evidence),
        ("trainee3", _trainee3_evidence),
    ):
        trainee = User.objects.filter(username=username).first()
        if (
            trainee is not None
            and not EvidenceRecord.objects.filter(trainee=trainee, unit=unit).exists()
        ):
            record(assessor, trainee, unit, bank, indicators, today)


TILL_CODES = frozenset({"T1.1", "T1.2", "T1.3", "T2.1", "T2.2", "T2.3", "T2.4"})
TRAINEE1_TILL_NOTES = {
    "T1.1": "第一位顧客問有沒有折扣時，先問「您是會員嗎？」再說明一般會員與銀卡的差別。",
    "T1.2": "說明點數 12 個月有效、特價品不累點，沒有誇大優惠。",
    "T1.3": "指著結帳螢幕說明點數查詢畫面與加價購提示。",
    "T2.1": "三位顧客都有眼神接觸並叫出姓氏；第三位趕時間，改為遞上方案摺頁。",
    "T2.2": "第二位顧客符合資格，主動邀請入會並說明入會禮 50 點下次可用。",
    "T2.3": "由顧客自己在平板輸入手機與驗證碼，先出示個資告知，行銷訊息另外詢問。",
    "T2.4": "為一位顧客補登上週漏掉的點數：核對收據、請值班主管核可，並在系統寫明原因。",
}
TRAINEE1_OFFICE_NOTES = {
    "T4.1": "算出上月邀請 620 人、入會 155 人（25 %），並指出晚班入會率偏低。",
    "T4.2": "把新會員與既有會員的 30 天回購率分開計算，沒有混在一起比較。",
    "T4.3": "報告最後提出一項晚班邀請話術的改進建議，並寫下負責人與檢視日期。",
}
TRAINEE1_ROLE_PLAY_NOTES = (
    "先讓劉太太說完，複述「點數和等級都變了」後才說明。",
    "以手機末三碼核對身分，說出 1,280 點上月到期、260 點下月底到期，與系統一致。",
    "說明點數 12 個月有效、等級每年 1 月 1 日依前一年消費重算，拿方案摘要給她看。",
    "說明一般會員的福利，以及今年消費滿 NT$12,000 明年可回到銀卡，沒有趁機推銷。",
    "要求補點數時說「要由值班主管決定」，請主管過來，沒有自行答應。",
    "主管決定加贈 300 點後如實轉告，並在權限內送上小贈品。",
    "主動說明回流禮：今天結帳點數加倍，並在系統勾選。",
    "協助開啟點數到期提醒，說明用途後由顧客自己勾選。",
    "在系統記錄這次處理與主管的決定。",
)


def _scripted_role_play(assessor, trainee, unit, on) -> None:
    """A role play run from the unit's role-play script (validated by the second assessor),
    judged criterion by criterion with what the assessor saw."""
    script = AssessmentInstrument.objects.filter(
        unit=unit, kind=InstrumentKind.ROLE_PLAY, live=True
    ).first()
    if script is None:  # the instruments are not loaded: the role-play checklist instead
        _observe(
            assessor,
            trainee,
            unit,
            EvidenceKind.ROLE_PLAY,
            on,
            ObservationContext.ROLE_PLAY,
            codes={"T3.1", "T3.2", "T3.3"},
            place="門市教室",
            summary="角色扮演：顧客抱怨點數未入帳並要求額外補償。",
        )
        return
    draft = observation_draft_start(
        assessor=assessor,
        trainee=trainee,
        unit=unit,
        kind=EvidenceKind.ROLE_PLAY,
        instrument=script,
    )
    entries = observation_checklist(unit, EvidenceKind.ROLE_PLAY, instrument=script)
    notes = dict(enumerate(TRAINEE1_ROLE_PLAY_NOTES))
    observation_submit(
        draft=draft,
        assessor=assessor,
        occurred_on=on,
        place="門市教室",
        environment="simulated",
        summary="依腳本「點數過期的回流會員」進行約 12 分鐘，評量人員扮演劉太太，值班主管由另一位同仁扮演。",
        items=[
            ItemJudgement(entry, ItemResult.SATISFACTORY, notes.get(n, ""))
            for n, entry in enumerate(entries)
        ],
    )


def _trainee1_evidence(assessor, trainee1, unit, bank, indicators, today) -> None:
    """Enough evidence, by several methods and occasions, for a Competent decision."""
    _observe(
        assessor,
        trainee1,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=12),
        ObservationContext.TILL,
        codes=TILL_CODES,
        summary="週六 15:00–16:30 尖峰時段在櫃台觀察：向三位顧客介紹好生活會員，其中一位當場入會。",
        notes=TRAINEE1_TILL_NOTES,
    )
    _observe(
        assessor,
        trainee1,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=11),
        ObservationContext.BACK_OFFICE,
        codes={"T4.1", "T4.2", "T4.3"},
        place="台北信義店辦公室",
        summary="在辦公室整理上月會員推廣數據（邀請 → 入會 → 首購），比較新舊會員回購率並寫成報告。",
        notes=TRAINEE1_OFFICE_NOTES,
    )
    _scripted_role_play(assessor, trainee1, unit, today - datetime.timedelta(days=9))
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
        summary="過去四週共同值班約十二次，也看過她整理的上月會員數據與月會報告。",
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
        not_yet={"T1.2"},
        summary="平日午間向兩位顧客說明點數卡，條款說明尚不完整。",
        notes={
            "T1.1": "能說出一般會員與銀卡的門檻。",
            "T1.2": "漏說特價品不累點；顧客問點數效期時回答「一年左右」，不夠精確。",
            "T1.3": "會用結帳畫面查點數。",
            "T2.2": "主動邀請了一位符合資格的顧客入會。",
        },
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


def _trainee3_evidence(assessor, trainee3, unit, bank, indicators, today) -> None:
    """Part-way: one observation at the till so far; the rest is still to come."""
    _observe(
        assessor,
        trainee3,
        unit,
        EvidenceKind.OBSERVATION,
        today - datetime.timedelta(days=2),
        ObservationContext.TILL,
        codes={"T1.1", "T2.1"},
        place="台中門市",
        summary="平日晚班第一次觀察：只遇到一位詢問會員的顧客。",
        notes={
            "T1.1": "先確認顧客是否已是會員，再說明入會資格。",
            "T2.1": "語氣親切，讓顧客問完問題才回答。",
        },
    )
