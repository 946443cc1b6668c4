"""What residents and leaders read about polls (表决): Simplified Chinese first, Traditional
and English too. Kept apart from the ticket texts; handlers.texts serves both."""

from __future__ import annotations

POLL_TEXTS: dict[str, tuple[str, str, str]] = {
    # mistakes in a poll form
    "poll.error.question": (
        "请写明表决的事项，例如：/poll 是否同意加装电梯 | 同意 | 反对 | 弃权",
        "請寫明表決的事項，例如：/poll 是否同意加裝電梯 | 同意 | 反對 | 棄權",
        "Say what is being decided, e.g. /poll Install a lift? | Yes | No | Abstain",
    ),
    "poll.error.question_long": (
        "表决事项太长了（最多 {limit} 字）。",
        "表決事項太長了（最多 {limit} 字）。",
        "The question is too long (at most {limit} characters).",
    ),
    "poll.error.options": (
        "至少需要两个选项，用「|」隔开，例如：同意 | 反对 | 弃权",
        "至少需要兩個選項，用「|」隔開，例如：同意 | 反對 | 棄權",
        "At least two options are needed, separated by “|”, e.g. Yes | No | Abstain",
    ),
    "poll.error.too_many_options": (
        "最多 10 个选项。",
        "最多 10 個選項。",
        "At most 10 options.",
    ),
    "poll.error.option_long": (
        "选项「{option}」太长了（最多 {limit} 字）。",
        "選項「{option}」太長了（最多 {limit} 字）。",
        "Option “{option}” is too long (at most {limit} characters).",
    ),
    "poll.error.option_repeated": (
        "选项重复：{option}",
        "選項重複：{option}",
        "Repeated option: {option}",
    ),
    "poll.error.flag": (
        "不认识的参数：{flag}。可用：--rule --for --until --scope --native --approve --oppose",
        "不認識的參數：{flag}。可用：--rule --for --until --scope --native --approve --oppose",
        "Unknown flag: {flag}. Known: --rule --for --until --scope --native --approve --oppose",
    ),
    "poll.error.flag_repeated": (
        "参数 {flag} 写了两次。",
        "參數 {flag} 寫了兩次。",
        "Flag {flag} is given twice.",
    ),
    "poll.error.flag_value": (
        "参数 {flag} 后面需要一个值。",
        "參數 {flag} 後面需要一個值。",
        "Flag {flag} needs a value.",
    ),
    "poll.error.duration": (
        "时长「{value}」看不懂，请写成 30m、12h 或 7d（分钟、小时、天）。",
        "時長「{value}」看不懂，請寫成 30m、12h 或 7d（分鐘、小時、天）。",
        "Cannot read the duration “{value}”: write 30m, 12h or 7d.",
    ),
    "poll.error.until": (
        "截止时间「{value}」看不懂，请写成 2026-12-01T18:00。",
        "截止時間「{value}」看不懂，請寫成 2026-12-01T18:00。",
        "Cannot read the closing time “{value}”: write 2026-12-01T18:00.",
    ),
    "poll.error.past": (
        "截止时间已过，请选一个以后的时间。",
        "截止時間已過，請選一個以後的時間。",
        "That closing time has passed; choose a later one.",
    ),
    "poll.error.too_far": (
        "投票时间最长 {days} 天。",
        "投票時間最長 {days} 天。",
        "A poll runs for {days} days at most.",
    ),
    "poll.error.both_times": (
        "--for 和 --until 只能选一个。",
        "--for 和 --until 只能選一個。",
        "Use either --for or --until, not both.",
    ),
    "poll.error.scope": (
        "范围「{scope}」看不懂，请写成 building:29、building:29,30、grid:G01 或 community。",
        "範圍「{scope}」看不懂，請寫成 building:29、building:29,30、grid:G01 或 community。",
        "Cannot read the scope “{scope}”: write building:29, building:29,30, grid:G01 or "
        "community.",
    ),
    "poll.error.rule": (
        "不认识的规则：{rule}。可选：{rules}",
        "不認識的規則：{rule}。可選：{rules}",
        "Unknown rule: {rule}. Choose one of: {rules}",
    ),
    "poll.error.side_range": (
        "没有第 {n} 个选项（共 {count} 个）。",
        "沒有第 {n} 個選項（共 {count} 個）。",
        "There is no option {n} (there are {count}).",
    ),
    "poll.error.side_same": (
        "赞成和反对不能是同一个选项（第 {n} 个）。",
        "贊成和反對不能是同一個選項（第 {n} 個）。",
        "Approve and oppose cannot be the same option ({n}).",
    ),
    "poll.error.side_number": (
        "{flag} 后面应是选项的序号，而不是「{value}」。",
        "{flag} 後面應是選項的序號，而不是「{value}」。",
        "{flag} takes an option number, not “{value}”.",
    ),
    "poll.error.sides_plurality": (
        "plurality（选最多票的一项）没有赞成和反对之分，不需要 --approve / --oppose。",
        "plurality（選最多票的一項）沒有贊成和反對之分，不需要 --approve / --oppose。",
        "plurality (most votes wins) has no approve or oppose: drop --approve / --oppose.",
    ),
    # rules, tests and scopes
    "poll.rule.majority": ("简单多数（同意过半）", "簡單多數（同意過半）", "simple majority"),
    "poll.rule.5030": (
        "5030 规则（同意过半且反对低于30%）",
        "5030 規則（同意過半且反對低於30%）",
        "5030 rule (approve > 50%, oppose < 30%)",
    ),
    "poll.rule.civil-code": (
        "民法典一般事项（双三分之二参与、双过半同意）",
        "民法典一般事項（雙三分之二參與、雙過半同意）",
        "Civil Code, ordinary matter (2/3 turnout, majority by households and area)",
    ),
    "poll.rule.civil-code-special": (
        "民法典重大事项（双三分之二参与、双四分之三同意）",
        "民法典重大事項（雙三分之二參與、雙四分之三同意）",
        "Civil Code, special matter (2/3 turnout, 3/4 by households and area)",
    ),
    "poll.rule.plurality": ("多选一（得票最多者胜）", "多選一（得票最多者勝）", "most votes wins"),
    "poll.test.turnout_households": ("参与户数", "參與戶數", "households taking part"),
    "poll.test.turnout_area": ("参与面积", "參與面積", "floor area taking part"),
    "poll.test.approve_households": ("同意户数", "同意戶數", "households approving"),
    "poll.test.approve_area": ("同意面积", "同意面積", "floor area approving"),
    "poll.test.approve_votes": ("同意票", "同意票", "approving votes"),
    "poll.test.oppose_votes": ("反对票", "反對票", "opposing votes"),
    "poll.scope.community": ("全社区", "全社區", "the whole community"),
    "poll.owners": (
        "每户一票，由业主投",
        "每戶一票，由業主投",
        "one vote per household, cast by an owner",
    ),
    "poll.residents": (
        "每户一票，本户居民均可投，以最后一次为准",
        "每戶一票，本戶居民均可投，以最後一次為準",
        "one vote per household; any resident may cast it, the last vote counts",
    ),
    # opening
    "poll.ballot_count": ("{option}（{n}）", "{option}（{n}）", "{option} ({n})"),
    "poll.ballot_closed": (
        "（表决已结束，结果见群内公告，或发送 /poll_result {n}）",
        "（表決已結束，結果見群內公告，或發送 /poll_result {n}）",
        "(This poll has closed; see the result announced here, or send /poll_result {n}.)",
    ),
    "poll.card": (
        "【表决 #{n}】{question}\n{options}\n范围：{scope}（{households} 户）\n规则：{rule}\n"
        "{voters}\n截止：{deadline}。{how}",
        "【表決 #{n}】{question}\n{options}\n範圍：{scope}（{households} 戶）\n規則：{rule}\n"
        "{voters}\n截止：{deadline}。{how}",
        "[Poll #{n}] {question}\n{options}\nScope: {scope} ({households} households)\n"
        "Rule: {rule}\n{voters}\nCloses: {deadline}. {how}",
    ),
    "poll.card_buttons": (
        "请点下方按钮投票，截止前可以改票。",
        "請點下方按鈕投票，截止前可以改票。",
        "Vote with the buttons below; you may change your vote until then.",
    ),
    # voting by text, where there may be no buttons (the Official Account)
    "poll.vote_hint": (
        "回复{commands}即可投票，截止前可以改票。",
        "回覆{commands}即可投票，截止前可以改票。",
        "Reply {commands} to vote; you may change your vote until the close.",
    ),
    # in a group whose robot only posts (WeCom): the vote happens one to one
    "poll.vote_hint_private": (
        "各户居民会在私信中收到这次表决，私信回复{commands}即可投票，截止前可以改票。",
        "各戶居民會在私訊中收到這次表決，私訊回覆{commands}即可投票，截止前可以改票。",
        "Each household's residents get this poll in a private message; reply {commands} there "
        "to vote, and you may change your vote until the close.",
    ),
    "poll.vote_command": ("「投票 {n} {option}」", "「投票 {n} {option}」", "“vote {n} {option}”"),
    "poll.vote_commands": ("{head}或{last}", "{head}或{last}", "{head} or {last}"),
    "poll.vote_separator": ("、", "、", ", "),
    "poll.usage.vote": (
        "格式：投票 表决编号 选项（或选项的序号），例如「投票 3 同意」或「投票 3 1」",
        "格式：投票 表決編號 選項（或選項的序號），例如「投票 3 同意」或「投票 3 1」",
        "Usage: vote N option (or the option's number), e.g. “vote 3 同意” or “vote 3 1”",
    ),
    "poll.card_submit": ("投票", "投票", "Vote"),
    "poll.card_submitted": (
        "已提交，请看回复的消息",
        "已提交，請看回覆的訊息",
        "Submitted; see the reply",
    ),
    "poll.opened": (
        "表决 #{n} 已发起：{scope}，共 {households} 户，截止 {deadline}。已在相关群内公告。",
        "表決 #{n} 已發起：{scope}，共 {households} 戶，截止 {deadline}。已在相關群內公告。",
        "Poll #{n} is open: {scope}, {households} households, closing {deadline}. It has "
        "been announced in the chats.",
    ),
    # voting
    "poll.voted": (
        "已记录您家对表决 #{n} 的投票：{option}。截止前可以改票。",
        "已記錄您家對表決 #{n} 的投票：{option}。截止前可以改票。",
        "Your household's vote on poll #{n} is recorded: {option}. You may change it until "
        "the close.",
    ),
    "poll.voted_same": (
        "您家在表决 #{n} 中已投：{option}。",
        "您家在表決 #{n} 中已投：{option}。",
        "Your household has already voted {option} on poll #{n}.",
    ),
    "poll.vote_changed": (
        "您家在表决 #{n} 中的投票已改为：{option}（原为：{previous}）。",
        "您家在表決 #{n} 中的投票已改為：{option}（原為：{previous}）。",
        "Your household's vote on poll #{n} is now {option} (was {previous}).",
    ),
    "poll.paper_recorded": (
        "已为 {address} 登记表决 #{n} 的书面意见：{option}。",
        "已為 {address} 登記表決 #{n} 的書面意見：{option}。",
        "Paper ballot for {address} recorded on poll #{n}: {option}.",
    ),
    "poll.refused.unconfirmed": (
        "您还没有在社区名册中登记，投票暂不计入。请私聊我完成登记。",
        "您還沒有在社區名冊中登記，投票暫不計入。請私聊我完成登記。",
        "You are not in the community roster yet, so the vote is not counted. Message me "
        "privately to register.",
    ),
    "poll.refused.not_electorate": (
        "您家不在表决 #{n} 的范围内，这一票不计入。",
        "您家不在表決 #{n} 的範圍內，這一票不計入。",
        "Your household is not part of poll #{n}; the vote is not counted.",
    ),
    "poll.refused.owners_only": (
        "表决 #{n} 按民法典由业主表决，租户的投票不计入。请由业主投票。",
        "表決 #{n} 按民法典由業主表決，租戶的投票不計入。請由業主投票。",
        "Under the Civil Code only owners decide poll #{n}; a tenant's vote is not counted.",
    ),
    "poll.refused.closed": (
        "表决 #{n} 已结束，不能再投票或更改。",
        "表決 #{n} 已結束，不能再投票或更改。",
        "Poll #{n} has closed; votes can no longer be cast or changed.",
    ),
    "poll.refused.cancelled": (
        "表决 #{n} 已取消。",
        "表決 #{n} 已取消。",
        "Poll #{n} was cancelled.",
    ),
    "poll.refused.no_poll": ("没有表决 #{n}。", "沒有表決 #{n}。", "There is no poll #{n}."),
    "poll.refused.no_household": (
        "表决 #{n} 的范围内没有 {address} 这一户。",
        "表決 #{n} 的範圍內沒有 {address} 這一戶。",
        "There is no household {address} in poll #{n}.",
    ),
    "poll.refused.no_option": (
        "没有「{answer}」这个选项。可选：{options}",
        "沒有「{answer}」這個選項。可選：{options}",
        "There is no option “{answer}”. Options: {options}",
    ),
    "poll.refused.scope": (
        "您不能为{scope}发起表决。",
        "您不能為{scope}發起表決。",
        "You may not open a poll for {scope}.",
    ),
    "poll.refused.empty": (
        "{scope}在名册中没有住户，无法表决。",
        "{scope}在名冊中沒有住戶，無法表決。",
        "The roster has no households in {scope}.",
    ),
    "poll.refused.no_scope": (
        "请用 --scope 写明范围（例如 --scope building:29），或在已绑定的楼栋群、网格群里发起。",
        "請用 --scope 寫明範圍（例如 --scope building:29），或在已綁定的樓棟群、網格群裡發起。",
        "Give the scope with --scope (e.g. --scope building:29), or open the poll in a bound "
        "building or grid chat.",
    ),
    "poll.usage.ballot": (
        "格式：/ballot 表决编号 楼-单元-室 选项 备注，例如 /ballot 3 29-3-502 同意 书面意见",
        "格式：/ballot 表決編號 樓-單元-室 選項 備註，例如 /ballot 3 29-3-502 同意 書面意見",
        "Usage: /ballot N building-unit-flat option note, e.g. /ballot 3 29-3-502 Yes paper",
    ),
    "poll.usage.end": (
        "格式：/{command} 表决编号 理由（理由会记录在案）",
        "格式：/{command} 表決編號 理由（理由會記錄在案）",
        "Usage: /{command} N reason (the reason goes on record)",
    ),
    # reminders, closing, results
    "poll.remind": (
        "提醒：表决 #{n}「{question}」将于 {deadline} 截止，您家还没有投票。",
        "提醒：表決 #{n}「{question}」將於 {deadline} 截止，您家還沒有投票。",
        "Reminder: poll #{n} “{question}” closes {deadline} and your household has not voted.",
    ),
    "poll.remind_group": (
        "提醒：表决 #{n}「{question}」将于 {deadline} 截止，还有 {missing} 户没有投票。",
        "提醒：表決 #{n}「{question}」將於 {deadline} 截止，還有 {missing} 戶沒有投票。",
        "Reminder: poll #{n} “{question}” closes {deadline}; {missing} households have not "
        "voted yet.",
    ),
    "poll.close_done": (
        "表决 #{n} 已提前结束，结果已公告。",
        "表決 #{n} 已提前結束，結果已公告。",
        "Poll #{n} is closed early; the result has been announced.",
    ),
    "poll.cancel_done": (
        "表决 #{n} 已取消，已在群内说明。",
        "表決 #{n} 已取消，已在群內說明。",
        "Poll #{n} is cancelled; the chats have been told.",
    ),
    "poll.cancelled": (
        "【表决 #{n} 已取消】{question}\n理由：{reason}",
        "【表決 #{n} 已取消】{question}\n理由：{reason}",
        "[Poll #{n} cancelled] {question}\nReason: {reason}",
    ),
    "poll.standing": (
        "（进行中，{deadline} 截止，以下为目前情况）",
        "（進行中，{deadline} 截止，以下為目前情況）",
        "(still open until {deadline}; the standing so far)",
    ),
    "poll.result.header": (
        "【表决结果 #{n}】{question}",
        "【表決結果 #{n}】{question}",
        "[Poll result #{n}] {question}",
    ),
    "poll.result.early": (
        "提前结束，理由：{reason}",
        "提前結束，理由：{reason}",
        "Closed early: {reason}",
    ),
    "poll.result.turnout": (
        "规则：{rule}\n参与：{voted}/{households} 户（{share}），面积 {voted_area}/{area} ㎡"
        "（{area_share}）",
        "規則：{rule}\n參與：{voted}/{households} 戶（{share}），面積 {voted_area}/{area} ㎡"
        "（{area_share}）",
        "Rule: {rule}\nTurnout: {voted}/{households} households ({share}), {voted_area}/"
        "{area} m² ({area_share})",
    ),
    "poll.result.option": (
        "· {option}：{households} 户，{area} ㎡",
        "· {option}：{households} 戶，{area} ㎡",
        "· {option}: {households} households, {area} m²",
    ),
    "poll.result.test": (
        "{mark} {name} {part}/{whole}（{share}），需 {comparison} {threshold}",
        "{mark} {name} {part}/{whole}（{share}），需 {comparison} {threshold}",
        "{mark} {name} {part}/{whole} ({share}), needs {comparison} {threshold}",
    ),
    "poll.result.passed": ("结果：通过", "結果：通過", "Result: passed"),
    "poll.result.failed": ("结果：未通过", "結果：未通過", "Result: not passed"),
    "poll.result.winner": (
        "结果：「{option}」得票最多",
        "結果：「{option}」得票最多",
        "Result: “{option}” has the most votes",
    ),
    "poll.result.tie": (
        "结果：{options} 票数相同（平局）",
        "結果：{options} 票數相同（平局）",
        "Result: a tie between {options}",
    ),
    "poll.result.no_votes": ("结果：无人投票", "結果：無人投票", "Result: nobody voted"),
    # lists
    "poll.list.header": (
        "表决（进行中与近30天）：",
        "表決（進行中與近30天）：",
        "Polls (open and the last 30 days):",
    ),
    "poll.list.line": (
        "#{n} {question}　{status}",
        "#{n} {question}　{status}",
        "#{n} {question}  {status}",
    ),
    "poll.list.open": (
        "进行中，{deadline} 截止",
        "進行中，{deadline} 截止",
        "open until {deadline}",
    ),
    "poll.list.closed": ("已结束", "已結束", "closed"),
    "poll.list.cancelled": ("已取消", "已取消", "cancelled"),
    "poll.list.none": (
        "目前没有与您相关的表决。",
        "目前沒有與您相關的表決。",
        "There are no polls for you right now.",
    ),
    # the guided flow
    "poll.flow.question": (
        "发起表决（1/5）：请发送表决事项，例如「是否同意加装电梯」。",
        "發起表決（1/5）：請發送表決事項，例如「是否同意加裝電梯」。",
        "New poll (1/5): send the question, e.g. “Install a lift?”.",
    ),
    "poll.flow.options": (
        "（2/5）事项：{question}\n请发送选项，用「|」隔开；或点下方按钮使用常用选项。",
        "（2/5）事項：{question}\n請發送選項，用「|」隔開；或點下方按鈕使用常用選項。",
        "(2/5) {question}\nSend the options separated by “|”, or use the common ones below.",
    ),
    "poll.flow.scope": (
        "（3/5）选项：{options}\n请选择表决范围：",
        "（3/5）選項：{options}\n請選擇表決範圍：",
        "(3/5) Options: {options}\nChoose who votes:",
    ),
    "poll.flow.duration": (
        "（4/5）范围：{scope}\n投票多长时间？",
        "（4/5）範圍：{scope}\n投票多長時間？",
        "(4/5) Scope: {scope}\nHow long should voting run?",
    ),
    "poll.flow.rule": (
        "（5/5）时长：{duration}\n按什么规则计票？",
        "（5/5）時長：{duration}\n按什麼規則計票？",
        "(5/5) Duration: {duration}\nWhich rule decides?",
    ),
    "poll.flow.confirm": (
        "请确认：\n事项：{question}\n选项：{options}\n范围：{scope}\n时长：{duration}\n规则：{rule}",
        "請確認：\n事項：{question}\n選項：{options}\n範圍：{scope}\n時長：{duration}\n規則：{rule}",
        "Please confirm:\nQuestion: {question}\nOptions: {options}\nScope: {scope}\n"
        "Duration: {duration}\nRule: {rule}",
    ),
    "poll.flow.1d": ("1天", "1天", "1 day"),
    "poll.flow.3d": ("3天", "3天", "3 days"),
    "poll.flow.7d": ("7天", "7天", "7 days"),
    "poll.flow.14d": ("14天", "14天", "14 days"),
    "poll.flow.open": ("发起表决", "發起表決", "Open the poll"),
    "poll.flow.cancel": ("取消", "取消", "Cancel"),
    "poll.flow.cancelled": ("已取消发起。", "已取消發起。", "Poll creation cancelled."),
    "poll.flow.expired": (
        "这个发起流程已失效，请重新发送 /poll。",
        "這個發起流程已失效，請重新發送 /poll。",
        "This poll draft has expired; send /poll again.",
    ),
    "poll.flow.not_yours": (
        "只有发起人可以操作。",
        "只有發起人可以操作。",
        "Only the person creating the poll can use these buttons.",
    ),
}
