"""Demo observation checklist items for KPS5R0821v2: the observable behaviours an assessor
looks for under each of the 13 indicators, with the contexts where they can be seen, each
consistent with the demo's programme pack (「好生活會員」). Tasks 1-3 (serving customers) are
seen at the till, the service desk or on the phone; task 4 (reviewing and improving the
programme) in the back office and at team meetings. Role-play items are the criteria of the
observed role-play script. Between them the items cover every indicator, K1-K4 and the
observable part of K5, S1-S4 and the key evidence items E1-E5.

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

# indicator code -> [(behaviour, contexts, method, K/S and key-evidence item codes)]. Every
# behaviour is one an assessor can see or hear in its context, and every rule it names is
# the programme pack's (「好生活會員」); T4.x is seen in the back office and at team meetings,
# never at the till.
ITEMS: dict[str, list[tuple[str, list[str], str, list[str]]]] = {
    "T1.1": [
        (
            "顧客問到「好生活會員」時，說出的累點與折抵規則和方案文件一致（每付 NT$50 累 1 點、"
            "1 點折 NT$1、點數不換現金），不混用他店或舊的規則",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["K5", "E1"],
        ),
        (
            "遇到不確定的規定（如點數能否轉給家人）時，先查員工操作指南或問值班主管再回覆，"
            "不憑印象回答",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["K5", "S3"],
        ),
    ],
    "T1.2": [
        (
            "說明福利前，先確認顧客是否已是會員、目前是一般會員、銀卡或金卡",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E1", "S1"],
        ),
        (
            "依顧客的情況正確說明資格與福利：入會資格（18 歲以上免費，未滿 18 歲需法定代理人同意，"
            "一個台灣手機號碼一個帳號）或等級門檻與福利（前一日曆年度滿 NT$12,000 銀卡、"
            "NT$30,000 金卡，點數加倍）",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E1", "K5"],
        ),
        (
            "角色扮演中，先確認「顧客」的會員身分與等級，再說明他可享的福利"
            "（如銀卡生日月 NT$200 購物金）",
            [C.ROLE_PLAY],
            RP,
            ["E1", "S1"],
        ),
    ],
    "T1.3": [
        (
            "結帳時依系統顯示，告知顧客即將到期的點數與到期日（每筆點數自取得日起 12 個月有效），"
            "並提醒折抵方式",
            [C.TILL],
            OBS,
            ["E1", "S4"],
        ),
        (
            "說明折抵條件時講清楚：100 點起折、最多折抵發票金額的 50 %、特價商品不累點",
            [*SERVING, C.PHONE_ONLINE],
            OBS,
            ["E1", "K5"],
        ),
        (
            "結帳前說明促銷條件：加價購須單筆滿 NT$300、每筆限一件；週年慶 NT$300 折價券"
            "每位會員每天限一張",
            [C.TILL],
            OBS,
            ["E1", "K5"],
        ),
    ],
    "T2.1": [
        (
            "以開放式問題了解顧客常買的品項與來店頻率，專心聽完不打斷，再判斷適合說明哪些權益",
            SERVING,
            OBS,
            ["S1"],
        ),
        (
            "記得常客的稱呼或常買的商品，並據以提醒適用的會員權益",
            SERVING,
            OBS,
            ["S1"],
        ),
        (
            "接聽電話或回覆 LINE 訊息時語氣親切、句子簡短，先複述顧客的問題確認沒有聽錯",
            [C.PHONE_ONLINE],
            OBS,
            ["S1"],
        ),
    ],
    "T2.2": [
        (
            "向符合資格的顧客說明入會好處（50 點入會禮下次可用、30 天內首購點數加倍）與條款"
            "（點數 12 個月有效、特價商品不累點、個資告知），請顧客提問或說一次重點，"
            "確認理解才請對方決定；顧客婉拒時不再勉強",
            SERVING,
            OBS,
            ["E2", "K4", "S1"],
        ),
        (
            "電話中向會員說明升等條件與等級福利時，先講結論、再講條件，並確認對方聽懂",
            [C.PHONE_ONLINE],
            OBS,
            ["E2", "S1"],
        ),
        (
            "角色扮演中，向符合資格的「顧客」說清楚好處、條款與限制（如特價商品不累點、"
            "點數 12 個月到期），並確認對方理解",
            [C.ROLE_PLAY],
            RP,
            ["E2", "S1"],
        ),
    ],
    "T2.3": [
        (
            "協助入會時請顧客自己輸入手機號碼與簡訊驗證碼，不替顧客填寫，"
            "並讓顧客自己選擇是否接收行銷訊息",
            SERVING,
            OBS,
            ["E3", "K4", "S4"],
        ),
        (
            "送出入會資料前，向顧客出示個資告知事項並說明用途，顧客同意方案條款後才完成",
            SERVING,
            OBS,
            ["E3", "K4", "S2"],
        ),
        (
            "顧客要找的服務或商品（如服務台、點數商品）不在自己的位置時，清楚指出店內位置，"
            "必要時請同事帶顧客過去",
            SERVING,
            OBS,
            ["K2", "K3"],
        ),
    ],
    "T2.4": [
        (
            "以手機號碼查詢會員，請顧客確認號碼末三碼後，才說出點數與到期日",
            [C.TILL, C.SERVICE_DESK, C.PHONE_ONLINE],
            OBS,
            ["K1", "K4", "S4"],
        ),
        (
            "系統無法連線時照常結帳，在補登單寫下發票號碼，並在 7 天內完成補登",
            SERVING,
            OBS,
            ["K1", "S3"],
        ),
        (
            "每一件客訴、善意回饋與補登都在系統登錄並寫明原因；補登先核對 30 天內的發票，"
            "再送值班主管核准",
            SERVING,
            OBS,
            ["K1", "S2", "S3"],
        ),
    ],
    "T3.1": [
        (
            "顧客要求加點或退款等超出門市人員權限的處理時，說明自己能做的部分，"
            "並請值班主管或店長處理",
            SERVING,
            OBS,
            ["E4", "S1"],
        ),
        (
            "只在門市人員權限內給非正式回饋（每位顧客每次來店 NT$100 以內的小禮物或折價券），"
            "不自行加點或私下打折",
            SERVING,
            OBS,
            ["E4", "S3"],
        ),
        (
            "角色扮演中，「顧客」要求額外補償時，說明自己可以提供的處理方式，"
            "超出權限時轉交值班主管",
            [C.ROLE_PLAY],
            RP,
            ["E4", "S1"],
        ),
    ],
    "T3.2": [
        (
            "主動提醒生日月的銀卡、金卡會員使用生日購物金（銀卡 NT$200、金卡 NT$500），"
            "並在結帳時正確折抵",
            [C.TILL],
            OBS,
            ["E4", "K1", "S4"],
        ),
        (
            "擺放會員活動或點數商品的陳列時，不擋住走道與逃生出口",
            SERVING,
            OBS,
            ["K4", "K3"],
        ),
        (
            "角色扮演中，依店內政策對常客提出適當的獎勵（如生日購物金、點數商品），不自行加碼",
            [C.ROLE_PLAY],
            RP,
            ["E4"],
        ),
    ],
    "T3.3": [
        (
            "為剛入會的新顧客說明 50 點入會禮下次可用，並提醒入會 30 天內首購點數加倍",
            SERVING,
            OBS,
            ["E4", "S1"],
        ),
        (
            "系統顯示會員 6 個月以上沒有消費時，結帳時勾選回流禮並告訴顧客這筆點數加倍；"
            "經常光顧的回頭客則不勾選，並能說明回流禮的條件",
            [C.TILL],
            OBS,
            ["E4", "K1", "K5"],
        ),
        (
            "角色扮演中，依「顧客」是新顧客、回頭客或回流會員，提供方案中相應的禮遇",
            [C.ROLE_PLAY],
            RP,
            ["E4"],
        ),
    ],
    "T4.1": [
        (
            "整理推廣期間的邀請人數與實際入會人數，算出轉換率，並指出一項可能原因",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "在店務會議中，依加價購或週年慶的成果數據提出一項具體改進建議並說明理由",
            [C.TEAM_MEETING],
            OBS,
            ["E5", "S1"],
        ),
    ],
    "T4.2": [
        (
            "分別計算新會員與既有會員的回購率或留存率，指出哪一群的優惠成效較差",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "與店長討論入會禮、回流禮或生日購物金的成本與成效，提出調整方向",
            [C.TEAM_MEETING, C.BACK_OFFICE],
            OBS,
            ["E5", "S1"],
        ),
    ],
    "T4.3": [
        (
            "把店長核准的改進措施與方案數據整理成簡短的書面報告，寫明數據的期間與來源",
            [C.BACK_OFFICE],
            OBS,
            ["E5", "S2"],
        ),
        (
            "在班前會或店務會議向同事說明核准的改進措施（改什麼、從哪天開始、怎麼對顧客說），"
            "並回答同事的提問",
            [C.TEAM_MEETING],
            OBS,
            ["E5", "S1"],
        ),
        (
            "依指示實施改進措施後，如期向店長回報試行的結果",
            [C.TEAM_MEETING, C.BACK_OFFICE],
            OBS,
            ["E5", "S3"],
        ),
    ],
}

# Behaviours earlier versions of the demo wrote (before the programme pack): taken out of
# use (not live) so an older demo database no longer offers them; evidence that judged them
# keeps them.
RETIRED = (
    "顧客詢問時，能正確說出本店現行的會員方案名稱（如點數卡、VIP 卡），不與已停辦或他店的方案混淆",
    "遇到不確定的方案規定時，當場查閱員工操作手冊或請教主管，而不是憑印象回答",
    "說明福利前，先詢問顧客是否已是會員、目前是哪個等級",
    "依顧客的消費情形，正確說出可加入的等級與各等級福利的差別",
    "角色扮演中，先確認「顧客」是否已是會員，再依其資格說明可享的福利",
    "結帳時主動告知顧客點數的到期日，並提醒即將到期的點數",
    "說明兌換限制（如不能折抵現金、部分商品不適用）時用語清楚，不誇大優惠",
    "以開放式問題了解顧客的購物習慣與偏好，並專心聽完顧客的回應",
    "記得常客的稱呼或偏好，並據此推薦適合的方案",
    "以電話或線上回覆會員詢問時，語氣親切、回答簡潔明確",
    "向符合資格的顧客說明入會好處時，也一併說明條款與個人資料的使用方式",
    "說明後請顧客提問或複述重點，確認顧客理解了再請對方決定",
    "角色扮演中，向符合資格的「顧客」說清楚方案的好處、條款與限制，並確認對方理解",
    "協助顧客填寫入會申請時逐欄說明，只收集必要的個人資料",
    "填妥的紙本申請書當場收進指定的文件夾，不留在櫃台上",
    "用收銀機或會員系統正確查詢會員資料、累積與扣抵點數",
    "系統無法連線時，依作業程序記下交易與會員編號，恢復後再補登",
    "顧客要求超出自己權限的補償時，客氣婉拒並說明原因，再請主管協助",
    "只承諾自己權限內能給的獎勵，不私下給額外折扣",
    "角色扮演中，「顧客」要求額外補償時，說明自己能提供的處理方式，超出權限時請主管處理",
    "依店內政策為會員發放生日禮或點數加倍等獎勵，並在系統中登錄",
    "依顧客的購買紀錄，推薦適用的會員優惠或活動邀請",
    "角色扮演中，依店內政策提出適當的補償或獎勵（如補登點數、小贈品），不自行加碼",
    "分辨新顧客與回頭客，分別提供入會禮或回饋優惠",
    "向回頭客表達感謝，並告訴對方下次可享的優惠",
    "角色扮演中，依「顧客」是新客或回頭客，提供相應的入會禮或回饋",
    "檢視本月的會員入會人數與回購數據，並指出一項主要原因",
    "在店務會議中，依推廣成果提出一項具體的改進建議並說明理由",
    "比較新會員與既有會員的兌換率或回購率，找出成效不佳的獎勵",
    "與店長或同事討論獎勵的成本與成效，提出調整的方向",
    "整理會員方案的重點數據與顧客回饋，寫成簡短的書面報告",
    "在會議中向同事報告方案的運作狀況與改進進度，並回答同事的提問",
)


@transaction.atomic
def load() -> None:
    unit = CompetencyUnit.objects.filter(code=UNIT_CODE).first()
    if unit is None:
        return
    indicators = {i.code: i for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit=unit)}
    ObservationItem.objects.filter(indicator__unit=unit, text__in=RETIRED, live=True).update(
        live=False
    )
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
