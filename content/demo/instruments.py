"""Demo assessment instruments for KPS5R0821v2: an observed role-play script, a portfolio
task, a customer-feedback card and the prompts of the store supervisor's third-party report,
written for the fictional "好生活" chain the demo course uses (points valid 12 months from the
day they are earned, tiers recalculated every 1 January, the staff authority table of the
lesson on rewards). Each criterion is one observable behaviour or one checkable product of
work, mapped only to the indicators and K/S/E items it shows. Like the rest of the demo
content it is data in zh-Hant, not translated through gettext.

Each instrument is published with a live revision written by the demo trainer (張雅婷) and
approved by the second trainer, as the two-person review would; all but the customer-feedback
card are then validated by the second assessor (王淑芬, content.services.instruments), so the
demo shows one instrument waiting for validation. Instruments are matched by unit, kind and
title: a second run changes nothing. Needs the unit (content.demo.unit) and the demo accounts
first."""

from dataclasses import dataclass

from django.db import transaction

from content.models.framework import CompetencyItem, CompetencyUnit, Indicator
from content.models.instruments import AssessmentInstrument, InstrumentCriterion, InstrumentKind
from content.services.instruments import instrument_validate
from people.models import User

UNIT_CODE = "KPS5R0821v2"
AUTHOR = "trainer"  # writes every instrument
APPROVER = "trainer2"  # publishes it, as the second trainer of the review would
VALIDATOR = "assessor2"  # validates the live revision


@dataclass(frozen=True)
class Criterion:
    text: str
    guidance: str  # what satisfactory looks like
    indicators: tuple[str, ...]
    items: tuple[str, ...] = ()  # K/S and key evidence item codes


@dataclass(frozen=True)
class Instrument:
    kind: str
    title: str
    instructions: str
    criteria: tuple[Criterion, ...]
    script: str = ""
    validation_notes: str | None = None  # None: published, waiting for a second assessor


ROLE_PLAY = Instrument(
    kind=InstrumentKind.ROLE_PLAY,
    title="角色扮演：點數過期的回流會員",
    instructions="""\
情境：「好生活」台北信義店的會員服務台，平日下午。老會員劉太太去年照顧住院的家人，將近十個月沒有來店。今天她想用點數兌換在 LINE 官方帳號看到的保溫瓶（800 點），卻發現大部分點數上個月已經到期，會員等級也從銀卡變成一般會員。她很不高興，要求把點數補回來。

評量前的準備（評量人員）：
1. 在訓練用會員系統建立劉太太的模擬資料：原為銀卡會員，今年 1 月 1 日重新計算時，因去年全年（1 月 1 日至 12 月 31 日）消費只有 NT$6,500 而改為一般會員；最近一次消費在十個月前；1,280 點已於上個月到期；另有 260 點將在下個月底到期。
2. 在服務台放一份與門市現行規定一致的方案摘要與權限表：點數自獲得日起 12 個月內有效，到期不補發；銀卡為前一個日曆年度消費滿 NT$12,000，每年 1 月 1 日依前一年 1 月至 12 月的消費重新計算，享點數加倍與生日當月購物金 NT$200；超過 6 個月未消費的會員回來消費，當次點數加倍（回流禮，結帳時須在系統勾選）；本月底週六有會員新品體驗會（須預約）；門市人員可給每位顧客每次 NT$100 以內的贈品或折價券，加贈點數與 NT$500 以內的補償由值班主管決定。
3. 開始前給學員五分鐘閱讀方案摘要，並告訴學員：這是模擬，可以像平常上班一樣使用服務台的系統、文件與電話。

進行方式：
- 評量人員扮演劉太太，依「顧客的台詞」逐段演出。每段的「線索」是讓學員表現某項準則的時機，不要提示學員該怎麼做。
- 學員要請主管時，評量人員暫時改扮值班主管，回答：「到期的點數依條款不能恢復。考量劉太太是老會員，我同意加贈 300 點，請你登錄並跟她說明。」然後回到顧客的角色。
- 全程約 10 至 15 分鐘。演完請學員在系統中完成紀錄，再用 3 分鐘請學員說說哪裡處理得好、哪裡可以改進（不計分，可寫在備註）。
- 每項準則記下看到的具體言行，再判斷是否符合；沒有出現的準則記為未觀察到，另找機會評量。""",
    script="""\
【開場】（走到服務台，把手機上的 LINE 畫面推到學員面前）「我要換這個保溫瓶。我的點數應該很夠，幫我換一下。」
線索：學員查詢會員資料（準則 2）。

【點數不夠】（聽到點數不足，提高音量）「怎麼可能？我以前每個月都來，點數至少一千多點！是不是你們把我的點數弄不見了？」
線索：讓學員先聽完、回應情緒、確認問題（準則 1）。如果學員打斷或急著解釋，再抱怨一次：「你先聽我說完好不好！」

【追問原因】（聽完到期的說明後）「我去年在醫院照顧我媽，哪有空來買東西？到期也沒有人通知我。而且我明明是銀卡，怎麼變成一般會員了？」
線索：說明點數效期與等級重新計算的規則（準則 3），以及回到銀卡的條件（準則 4）。

【要求補償】「我不管，你把那 1,280 點補回來。不然給我一張 500 元的折價券，我才不會退會。以前的店員都會幫我通融。」
線索：個人權限（準則 5）。學員如果自己答應補點或給 500 元折價券，就照樣接受（「好，那就這樣」），不要提醒；結束後記在準則 5。

【主管決定後】（評量人員扮完主管，回到顧客）「300 點？才 300 點……好吧。那我今天還能怎麼用？」
線索：依政策為老會員提供合適的獎勵（準則 6）與回流禮（準則 7）。如果學員都沒有提到，只問一次：「我很久沒來了，今天買東西有什麼優惠嗎？」

【結帳】（拿起一組保鮮盒）「這個我順便買，1,500 元。」
線索：套用回流禮並告訴顧客本次點數（準則 7）。

【提醒】「以後點數要到期，可不可以先通知我？我不想再這樣了。」
線索：協助開啟到期提醒或更新聯絡資料，說明資料用途並讓顧客自己選擇（準則 8）。

【結束】學員處理得當時，語氣緩和下來：「好啦，謝謝你，下次我會注意。」學員始終沒有說明清楚時，離開前說：「算了，我再想想要不要繼續當會員。」
（顧客離開後）線索：學員在系統中記錄這次的處理（準則 9）。""",
    criteria=(
        Criterion(
            "先讓顧客把話說完，回應她的情緒，並用自己的話確認問題（點數不見了、等級變了），再開始說明",
            "不打斷、不急著辯解，有點頭或眼神等回應；至少說出一句同理的話（如「很久沒來，一來就發現點數沒了，一定很錯愕」）"
            "和一句確認的話（如「您是想換保溫瓶，發現點數和等級都和以前不一樣，對嗎？」）。",
            ("T2.1",),
            ("S1",),
        ),
        Criterion(
            "在會員系統正確查出顧客目前的等級、可用點數、已到期的點數與日期，以及下一批到期的點數",
            "以手機號碼或會員卡查詢並核對身分；說出的數字與系統一致（1,280 點上個月到期、260 點下個月底到期、"
            "目前為一般會員），不憑印象回答。",
            ("T2.4",),
            ("K1", "S4"),
        ),
        Criterion(
            "清楚說明點數為什麼到期、等級為什麼改變，並提醒還有點數即將到期，不推卸責任也不誇大",
            "說出「點數自獲得日起 12 個月內有效，到期不補發」與「等級每年 1 月 1 日依前一年 1 月至 12 月的消費重新計算」，"
            "必要時拿方案摘要給顧客看；主動提醒 260 點下個月底到期；不說「是系統自己扣的」或「總公司規定的，我也沒辦法」這類推卸的話。",
            ("T1.3", "T2.2"),
            ("E1", "E2", "S1"),
        ),
        Criterion(
            "告訴顧客一般會員現在可享的福利，以及回到銀卡需要的消費門檻與銀卡的福利",
            "內容與方案摘要一致：今年 1 月至 12 月消費滿 NT$12,000，明年 1 月 1 日重新計算時即回到銀卡；銀卡享點數加倍與生日當月購物金 NT$200；"
            "一般會員照樣可以累點、折抵。說明是為了讓顧客知道怎麼做，而不是趁機推銷。",
            ("T1.2",),
            ("E1",),
        ),
        Criterion(
            "顧客要求補回點數或 NT$500 折價券時，不自己答應，說明自己能做的範圍，並請值班主管決定",
            "語氣客氣而明確（如「補點數要由主管決定，我現在請主管過來，麻煩您稍等」）；沒有先答應再請主管追認，"
            "也沒有私下給超過 NT$100 的補償；主管決定後如實轉告顧客，不加油添醋。",
            ("T3.1",),
            ("E4", "S3"),
        ),
        Criterion(
            "依店內政策，為這位老會員提供合適的獎勵（如權限內的小贈品、會員新品體驗會的邀請），並說明使用條件",
            "提供的獎勵都在方案摘要或權限表之內（門市人員每次 NT$100 以內）；說清楚期限或預約方式，或告訴顧客現有點數可以兌換哪些品項；"
            "不自行加碼，也不是只說一句「下次來就有優惠」而沒有具體內容。",
            ("T3.2",),
            ("E4", "K5"),
        ),
        Criterion(
            "辨認顧客是超過 6 個月沒有消費的回流會員，主動提供回流禮，並在結帳時套用",
            "顧客問起之前或被問到時，說出回流禮的內容（當次點數加倍）；結帳 NT$1,500 時在系統勾選回流禮，"
            "並告訴顧客本次得到 60 點（30 點加倍）；沒有把新會員的入會禮誤用在回流會員身上。",
            ("T3.3",),
            ("E4", "K5"),
        ),
        Criterion(
            "協助顧客開啟點數到期提醒（綁定 LINE 官方帳號或更新手機號碼），說明資料的用途，並讓顧客自己選擇",
            "說明提醒會用哪一種聯絡方式、資料只用在會員服務；要不要收行銷訊息由顧客自己勾選，不代勾；"
            "和顧客確認資料正確後，完成設定或填妥資料變更單。",
            ("T2.3",),
            ("E3", "K4"),
        ),
        Criterion(
            "顧客離開後，依程序在系統記下這次的處理：爭議原因、主管核准的加贈點數、提供的獎勵與後續事項",
            "紀錄寫明日期、原因（點數到期爭議）、核准的主管與 300 點、給予的贈品或邀請，並加上「點數到期」標籤；"
            "其他同事不必再問就看得懂。",
            ("T2.4",),
            ("S2", "S3"),
        ),
    ),
    validation_notes=(
        "已逐項對照 KPS5R0821v2 的指標與關鍵證據：每項準則都是看得到的言行，顧客台詞為每項準則都安排了表現的時機；"
        "情境資料與門市現行方案、權限表一致。評量時請另備一份方案摘要給學員。"
    ),
)

PORTFOLIO = Instrument(
    kind=InstrumentKind.PORTFOLIO,
    title="作品集：分析一個月的會員推廣成果並提出改進建議",
    instructions="""\
請選一個你的門市上個月實際進行的會員推廣活動（例如「結帳時邀請入會送 50 點」、「好友推薦雙方各得 100 點」或「會員日點數兩倍」），用一個月的數據分析成效，並提出一項改進建議。

需要的資料：店長提供的月報表，或 POS／會員系統匯出的數據；活動說明文件；這個月的顧客回饋與客訴紀錄。資料請先去識別化，不要出現顧客的姓名、電話或會員編號。

請完成並上傳以下內容（PDF、照片或試算表都可以）：
1. 活動說明：活動對象、提供的好處、活動期間與使用條件，並註明依據哪一份公司文件。
2. 數據表：邀請人數 → 入會人數 → 入會後 30 天內首次消費人數，算出每一步的轉換率；再比較既有會員與新會員這個月的表現，至少兩項（如回購率、點數兌換率、客單價），並和上個月比較。
3. 分析與建議（一頁以內）：做得好和做得不好的地方各一點、你認為的原因與依據，以及一項具體的改進建議（做什麼、目標、預估成本、誰負責、什麼時候檢視）。
4. 討論紀錄：和店長或負責會員方案的同事討論建議的日期、參加的人、結論與決定的下一步，請店長簽名或在系統留言確認。
5. 報告與執行：依討論結果向同事報告的早會講稿或公告，以及你已經照指示執行的第一步（照片或紀錄）。

請在評量人員通知後四週內完成。有問題可以先問店長或評量人員；作品必須由你自己完成，引用同事整理的數據請註明。""",
    criteria=(
        Criterion(
            "正確說明所分析的推廣活動：對象資格、提供的好處、活動期間與使用條件，並註明依據的公司文件",
            "內容與公司的活動說明或方案條款一致，沒有漏掉重要限制（如折價商品不累點、贈點的使用期限）；"
            "註明文件名稱與日期，並確認是現行版本。",
            ("T1.1", "T1.2", "T1.3"),
            ("E1", "K5"),
        ),
        Criterion(
            "整理出邀請、入會、首次消費三個階段的人數並算出轉換率，每個數字都有出處，計算正確",
            "每個數字註明來源（報表名稱、期間）；轉換率算法正確（例：邀請 420 人、入會 126 人、30 天內首購 58 人，"
            "入會率 30%、首購率約 46%）；期間一致，沒有把不同月份的數字混在一起。",
            ("T4.1",),
            ("S2",),
        ),
        Criterion(
            "分開比較既有會員與新會員的表現（至少兩項指標，如回購率、點數兌換率、客單價），並和上個月比較",
            "寫清楚兩組的定義（如本月入會的是新會員）；每項指標的公式與計算正確；"
            "看得出哪一組對獎勵的反應較好，且沒有把會員與非會員的差距直接當成活動的效果。",
            ("T4.2",),
            ("S2",),
        ),
        Criterion(
            "根據數據與顧客回饋，指出活動做得好與做得不好的地方各一點，並說明有依據的可能原因",
            "每個發現都引用表中的數字或具體的顧客意見（去識別化）；原因合理、不誇大"
            "（如「首購率偏低，可能因為入會禮的 50 點只能在兩週內使用」）；不引用沒有出處的網路數字。",
            ("T4.1", "T4.2"),
            ("S2",),
        ),
        Criterion(
            "提出一項具體、可衡量的改進建議，寫明做法、目標、預估成本、負責人與檢視日期，並符合公司政策",
            "建議直接回應前面的發現；目標可以衡量（如「下個月首購率提高到 55%」）；成本有估算；"
            "在門市做得到，需要總部核准的部分有註明；不是「加強宣傳」這類空泛的話。",
            ("T4.1", "T4.2"),
            ("E5", "K5"),
        ),
        Criterion(
            "與店長或相關同事討論建議，留下日期、參加者、結論與下一步的紀錄，並經店長確認",
            "紀錄可以查核（店長簽名或系統留言）；看得出討論的是學員的建議，並記下對方的意見與最後的決定"
            "（同意、修改或暫緩都可以）。",
            ("T4.1", "T4.2"),
            ("E5",),
        ),
        Criterion(
            "依討論結果向同事報告活動的運作狀況與改進做法，並附上已照指示執行的第一步",
            "講稿或公告簡短清楚：兩三個關鍵數字、一個發現、大家要做的事與下次檢視的日期；不含可辨識顧客的資料；"
            "附上執行的證明（如調整後的結帳邀請話術、張貼的新文宣照片），且與店長同意的做法一致。",
            ("T4.3",),
            ("E5", "S2"),
        ),
    ),
    validation_notes=(
        "已確認每項準則都能從上傳的文件查核，對應 T1.1–T1.3、T4.1–T4.3 與 E1、E5；"
        "任務要求資料去識別化，符合個資規定；四週的完成期限合理。"
    ),
)

CUSTOMER_FEEDBACK = Instrument(
    kind=InstrumentKind.CUSTOMER_FEEDBACK,
    title="顧客回饋卡：今天的會員服務",
    instructions="""\
謝謝您今天來店！卡片上方寫著今天為您服務的同仁，想請您花一分鐘告訴我們他的表現。

每一題請選「是」、「有一點」或「沒有」；不適用的題目可以跳過。最後也歡迎寫下想對我們說的話。

這張卡只用來幫助同仁學習，不需要留下姓名或電話，也不會影響您的任何會員權益。填好後請交給櫃台或投入意見箱，也可以掃描卡上的 QR code 在 LINE 上填寫。""",
    criteria=(
        Criterion(
            "同仁有先了解您的需要（例如問您是不是會員、平常買些什麼），再介紹會員方案嗎？",
            "收到至少三位顧客的回饋後再判斷：多數顧客選「是」，或寫出具體的例子（如「有先問我是不是會員」）。"
            "有人選「有一點」或「沒有」時，和觀察紀錄對照後再下判斷。",
            ("T2.1",),
            ("S1",),
        ),
        Criterion(
            "同仁說明的會員好處、點數期限和使用限制，您聽得懂嗎？",
            "顧客選「是」，表示說明清楚易懂。這一題只看顧客是否聽懂；說明的內容是否正確，請以觀察或角色扮演判斷。",
            ("T2.2",),
            ("E2",),
        ),
        Criterion(
            "如果您今天加入會員或更改資料，同仁有說明資料的用途，並讓您自己決定要不要收廣告訊息嗎？",
            "今天入會或改資料的顧客都選「是」。只要有一位顧客表示被代勾同意，或不知道資料的用途，就記為尚未符合，並和學員討論。",
            ("T2.3",),
            ("E3",),
        ),
        Criterion(
            "同仁有告訴您可以使用的會員優惠或活動嗎？（例如點數折抵、生日禮、會員活動）",
            "顧客選「是」，或能寫出同仁提到的優惠；提到的優惠是否符合店內政策，請對照當天的交易或觀察紀錄。",
            ("T3.2",),
            ("E4",),
        ),
        Criterion(
            "整體來說，同仁的態度讓您覺得被尊重，也願意再來嗎？",
            "顧客選「是」；寫下的意見看得出同仁親切、有耐心、說話簡單清楚。這一題反映關係的建立，不單獨作為判斷的依據。",
            ("T2.1",),
            ("S1",),
        ),
    ),
    validation_notes=None,  # the demo's instrument waiting for a second assessor
)

THIRD_PARTY = Instrument(
    kind=InstrumentKind.THIRD_PARTY,
    title="第三方報告：門市主管的工作觀察",
    instructions="""\
您好：這位同仁正在接受「提升客戶忠誠度方案」的評量，想請您依過去至少四週一起工作的觀察，回答以下問題。

填寫方式：
- 只寫您親眼看到，或有紀錄可以查到的事。沒有看過的情況請選「沒看過」，這不會對同仁不利。
- 每一題請選「看過，且做得好」、「還沒做到」或「沒看過」，並盡量舉一個具體的例子：大約的日期、當時的情況、同仁怎麼做。
- 大約需要 15 分鐘。送出前請確認內容屬實，且您與同仁沒有親屬關係。
- 評量人員之後可能會打電話向您確認內容。謝謝您的協助！""",
    criteria=(
        Criterion(
            "顧客問到會員方案時，同仁能正確說明本店的方案、加入資格、點數期限與使用限制；不確定時會查手冊或問您，不憑印象回答",
            "主管能舉出至少一個例子，且同仁的說明與現行方案一致；例子只有一次或不夠具體時，評量人員電話詢問，並以觀察或口頭問答補足。",
            ("T1.1", "T1.2", "T1.3"),
            ("E1", "K5"),
        ),
        Criterion(
            "同仁和常客建立了關係：記得常客的稱呼或偏好，顧客願意跟他說出需要，或會指名找他服務",
            "主管能說出一兩位常客與同仁互動的例子（不必寫顧客全名）；同仁的態度親切、說話簡單清楚。",
            ("T2.1",),
            ("S1",),
        ),
        Criterion(
            "同仁會主動邀請符合資格的顧客入會，說清楚好處與條款，並協助顧客完成入會資料（個資告知、行銷訊息由顧客自己勾選）",
            "主管看過多次，能說出同仁說明的重點與協助的方式；沒有代填資料或代勾同意，紙本申請書依規定收存。",
            ("T2.2", "T2.3"),
            ("E2", "E3", "K4"),
        ),
        Criterion(
            "同仁依程序操作會員系統（查詢、累點、補登、系統當機時的登記），紀錄清楚，很少需要您更正",
            "主管沒有發現需要更正的紀錄，或更正後同仁不再犯；系統當機時，同仁依程序登記交易並在恢復後補登。",
            ("T2.4",),
            ("K1", "S3", "S4"),
        ),
        Criterion(
            "同仁給顧客的獎勵或補償都在自己的權限內；遇到超出權限的要求，會先請示您或值班主管，不會先答應顧客",
            "主管沒有發現越權的情況，並能舉出同仁請示的例子；若曾經越權，請寫下經過，評量人員會另外了解。",
            ("T3.1",),
            ("E4", "S3"),
        ),
        Criterion(
            "同仁依店內政策，定期為常客、新會員與回流會員安排合適的獎勵（如生日禮、入會禮、回流禮、活動邀請），並在系統中登錄",
            "主管能舉出不同類型顧客的例子，獎勵的種類與店內政策相符、系統中有紀錄；不是人人送一樣的東西，也沒有自行加碼。",
            ("T3.2", "T3.3"),
            ("E4", "K5"),
        ),
        Criterion(
            "同仁參與檢視會員推廣的成果（如每月入會人數、回購率、兌換率，新舊會員分開看），並和您或同事討論過具體的改進方向",
            "主管能說出同仁看過哪些數據、提出過什麼建議、在什麼場合討論；建議有數據支持，也考慮了成本。",
            ("T4.1", "T4.2"),
            ("E5", "S2"),
        ),
        Criterion(
            "同仁在早會或店務會議中向同事報告方案的運作狀況與改進建議；建議經同意後，會照指示執行並回報結果",
            "主管看過至少一次報告，內容簡短清楚、有數據；能舉出同仁照指示執行的改進（如調整結帳時的邀請話術），以及之後回報的結果。",
            ("T4.3",),
            ("E5", "S1"),
        ),
    ),
    validation_notes=(
        "提示用語淺白，店長能依數週的觀察作答，涵蓋單次觀察看不到的 T4.1–T4.3 與 E5；"
        "每題都有「沒看過」的選項並要求具體例子。報告收回後，評量人員須以電話向店長查證。"
    ),
)

INSTRUMENTS = (ROLE_PLAY, PORTFOLIO, CUSTOMER_FEEDBACK, THIRD_PARTY)


def _publish(spec: Instrument, unit, author, approver, indicators, items) -> AssessmentInstrument:
    """The instrument with its criteria, published: its live revision written by `author`."""
    instrument = AssessmentInstrument(
        unit=unit,
        kind=spec.kind,
        title=spec.title,
        instructions=spec.instructions,
        script=spec.script,
        live=False,
    )
    instrument.save()
    for order, criterion in enumerate(spec.criteria):
        row = InstrumentCriterion.objects.create(
            instrument=instrument,
            text=criterion.text,
            guidance=criterion.guidance,
            sort_order=order,
        )
        row.indicators.set([indicators[code] for code in criterion.indicators])
        row.competency_items.set([items[code] for code in criterion.items])
        row.save()  # a ClusterableModel: save() writes its ParentalManyToMany mapping
    instrument = AssessmentInstrument.objects.get(pk=instrument.pk)
    revision = instrument.save_revision(user=author)
    revision.publish(user=approver, skip_permission_checks=True)
    instrument.refresh_from_db()
    return instrument


@transaction.atomic
def load() -> None:
    unit = CompetencyUnit.objects.filter(code=UNIT_CODE).first()
    author = User.objects.filter(username=AUTHOR).first()
    if unit is None or author is None:
        return
    approver = User.objects.filter(username=APPROVER).first() or author
    validator = User.objects.filter(username=VALIDATOR).first()
    indicators = {i.code: i for i in Indicator.objects.filter(unit=unit)}
    items = {i.code: i for i in CompetencyItem.objects.filter(unit=unit)}
    for spec in INSTRUMENTS:
        if AssessmentInstrument.objects.filter(
            unit=unit, kind=spec.kind, title=spec.title
        ).exists():
            continue
        instrument = _publish(spec, unit, author, approver, indicators, items)
        if spec.validation_notes is not None and validator is not None:
            instrument_validate(
                instrument=instrument,
                validator=validator,
                notes=spec.validation_notes,
                confirmed=True,
            )
