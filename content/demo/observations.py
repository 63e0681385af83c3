"""Demo observation checklist items for KPS5R0821v2: the observable behaviours an assessor
looks for under each of the 13 indicators, with the contexts where they can be seen. Tasks
1-3 (serving customers) are seen at the till, the service desk or on the phone; task 4
(reviewing and improving the programme) in the back office and at team meetings. Role-play
items are the criteria of the observed role-play script.

Items are created live (as if approved through the review), matched by indicator and text:
a second run changes nothing. Needs the unit (content.demo.unit) first; the assessor
workspace loader (assessments.demo.workspace) runs it before recording observations."""

from django.db import transaction

from content.models.framework import AssessmentMethod, CompetencyItem, CompetencyUnit, Indicator
from content.models.observation import ObservationContext as C
from content.models.observation import ObservationItem

UNIT_CODE = "KPS5R0821v2"
OBS = AssessmentMethod.OBSERVATION
RP = AssessmentMethod.ROLE_PLAY
SERVING = [C.TILL, C.SERVICE_DESK]

# indicator code -> [(behaviour, contexts, method, K/S and key-evidence item codes)]
ITEMS: dict[str, list[tuple[str, list[str], str, list[str]]]] = {
    "T1.1": [
        (
            "顧客詢問時，能正確說出本店現行的會員方案名稱（如點數卡、VIP 卡），不與已停辦或他店的方案混淆",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["K5", "E1"],
        ),
        (
            "遇到不確定的方案規定時，當場查閱員工操作手冊或請教主管，而不是憑印象回答",
            SERVING,
            OBS,
            ["K5", "S3"],
        ),
    ],
    "T1.2": [
        (
            "說明福利前，先詢問顧客是否已是會員、目前是哪個等級",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E1", "S1"],
        ),
        (
            "依顧客的消費情形，正確說出可加入的等級與各等級福利的差別",
            SERVING,
            OBS,
            ["E1", "K5"],
        ),
        (
            "角色扮演中，先確認「顧客」是否已是會員，再依其資格說明可享的福利",
            [C.ROLE_PLAY],
            RP,
            ["E1", "S1"],
        ),
    ],
    "T1.3": [
        (
            "結帳時主動告知顧客點數的到期日，並提醒即將到期的點數",
            [C.TILL],
            OBS,
            ["E1", "S4"],
        ),
        (
            "說明兌換限制（如不能折抵現金、部分商品不適用）時用語清楚，不誇大優惠",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E1", "K4"],
        ),
    ],
    "T2.1": [
        (
            "以開放式問題了解顧客的購物習慣與偏好，並專心聽完顧客的回應",
            SERVING,
            OBS,
            ["S1"],
        ),
        (
            "記得常客的稱呼或偏好，並據此推薦適合的方案",
            SERVING,
            OBS,
            ["S1"],
        ),
        (
            "以電話或線上回覆會員詢問時，語氣親切、回答簡潔明確",
            [C.PHONE_ONLINE],
            OBS,
            ["S1"],
        ),
    ],
    "T2.2": [
        (
            "向符合資格的顧客說明入會好處時，也一併說明條款與個人資料的使用方式",
            SERVING,
            OBS,
            ["E2", "K4"],
        ),
        (
            "說明後請顧客提問或複述重點，確認顧客理解了再請對方決定",
            SERVING,
            OBS,
            ["E2", "S1"],
        ),
        (
            "角色扮演中，向符合資格的「顧客」說清楚方案的好處、條款與限制，並確認對方理解",
            [C.ROLE_PLAY],
            RP,
            ["E2", "S1"],
        ),
    ],
    "T2.3": [
        (
            "協助顧客填寫入會申請時逐欄說明，只收集必要的個人資料",
            SERVING,
            OBS,
            ["E3", "K4", "S2"],
        ),
        (
            "填妥的紙本申請書當場收進指定的文件夾，不留在櫃台上",
            SERVING,
            OBS,
            ["E3", "K4"],
        ),
    ],
    "T2.4": [
        (
            "用收銀機或會員系統正確查詢會員資料、累積與扣抵點數",
            [C.TILL],
            OBS,
            ["K1", "S4"],
        ),
        (
            "系統無法連線時，依作業程序記下交易與會員編號，恢復後再補登",
            SERVING,
            OBS,
            ["K1", "S3"],
        ),
    ],
    "T3.1": [
        (
            "顧客要求超出自己權限的補償時，客氣婉拒並說明原因，再請主管協助",
            SERVING,
            OBS,
            ["E4", "S1"],
        ),
        (
            "只承諾自己權限內能給的獎勵，不私下給額外折扣",
            SERVING,
            OBS,
            ["E4"],
        ),
        (
            "角色扮演中，「顧客」要求額外補償時，說明自己能提供的處理方式，超出權限時請主管處理",
            [C.ROLE_PLAY],
            RP,
            ["E4", "S1"],
        ),
    ],
    "T3.2": [
        (
            "依店內政策為會員發放生日禮或點數加倍等獎勵，並在系統中登錄",
            SERVING,
            OBS,
            ["E4", "K1"],
        ),
        (
            "依顧客的購買紀錄，推薦適用的會員優惠或活動邀請",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E4"],
        ),
        (
            "角色扮演中，依店內政策提出適當的補償或獎勵（如補登點數、小贈品），不自行加碼",
            [C.ROLE_PLAY],
            RP,
            ["E4"],
        ),
    ],
    "T3.3": [
        (
            "分辨新顧客與回頭客，分別提供入會禮或回饋優惠",
            SERVING,
            OBS,
            ["E4", "K3"],
        ),
        (
            "向回頭客表達感謝，並告訴對方下次可享的優惠",
            [C.TILL],
            OBS,
            ["E4", "S1"],
        ),
        (
            "角色扮演中，依「顧客」是新客或回頭客，提供相應的入會禮或回饋",
            [C.ROLE_PLAY],
            RP,
            ["E4"],
        ),
    ],
    "T4.1": [
        (
            "檢視本月的會員入會人數與回購數據，並指出一項主要原因",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "在店務會議中，依推廣成果提出一項具體的改進建議並說明理由",
            [C.TEAM_MEETING],
            OBS,
            ["E5", "S1"],
        ),
    ],
    "T4.2": [
        (
            "比較新會員與既有會員的兌換率或回購率，找出成效不佳的獎勵",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "與店長或同事討論獎勵的成本與成效，提出調整的方向",
            [C.TEAM_MEETING, C.BACK_OFFICE],
            OBS,
            ["E5", "S1"],
        ),
    ],
    "T4.3": [
        (
            "整理會員方案的重點數據與顧客回饋，寫成簡短的書面報告",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "在會議中向同事報告方案的運作狀況與改進進度，並回答同事的提問",
            [C.TEAM_MEETING],
            OBS,
            ["E5", "S1"],
        ),
    ],
}


@transaction.atomic
def load() -> None:
    unit = CompetencyUnit.objects.filter(code=UNIT_CODE).first()
    if unit is None:
        return
    indicators = {i.code: i for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit=unit)}
    for code, behaviours in ITEMS.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        for order, (text, contexts, method, item_codes) in enumerate(behaviours, start=1):
            if ObservationItem.objects.filter(indicator=indicator, text=text).exists():
                continue
            obs = ObservationItem(
                indicator=indicator,
                text=text,
                contexts=[str(c) for c in contexts],
                assessment_method=method,
                sort_order=order,
                live=True,  # as if approved through the review
            )
            obs.save()
            obs.indicators.add(indicator)  # ParentalManyToMany: written by save()
            obs.competency_items.add(*[items[c] for c in item_codes if c in items])
            obs.save()
