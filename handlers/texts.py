"""Everything residents and leaders read: Simplified Chinese first, Traditional and English too."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.poll_texts import POLL_TEXTS

LANGUAGES = ("zh-CN", "zh-TW", "en")
DEFAULT_LANGUAGE = "zh-CN"

_TEXTS: dict[str, tuple[str, str, str]] = {
    # reports
    "report.created": (
        "已收到您的反映，登记为工单 #{n}（{category}），已转交{assignee}处理。",
        "已收到您的反映，登記為工單 #{n}（{category}），已轉交{assignee}處理。",
        "Thank you. Your report is ticket #{n} ({category}) and has gone to {assignee}.",
    ),
    "report.created_group": (
        "已登记为工单 #{n}（{category}），网格长会尽快处理。",
        "已登記為工單 #{n}（{category}），網格長會盡快處理。",
        "Logged as ticket #{n} ({category}); the grid leader will handle it.",
    ),
    "report.urgent": (
        "情况紧急，已同时通知社区。",
        "情況緊急，已同時通知社區。",
        "This is urgent: the community office has been told as well.",
    ),
    "report.joined": (
        "这个问题已有邻居反映（工单 #{n}，{category}），您已加入关注，处理进展会同步通知您。",
        "這個問題已有鄰居反映（工單 #{n}，{category}），您已加入關注，處理進展會同步通知您。",
        "A neighbour already reported this (ticket #{n}, {category}). You now follow it and "
        "will get every update.",
    ),
    "report.already_following": (
        "您已在关注工单 #{n}，有进展会通知您。",
        "您已在關注工單 #{n}，有進展會通知您。",
        "You already follow ticket #{n}; you will hear of every update.",
    ),
    "report.confirm": (
        "您是要反映「{category}」方面的问题吗？",
        "您是要反映「{category}」方面的問題嗎？",
        "Do you want to report a problem about “{category}”?",
    ),
    "report.confirm_other": (
        "好的，这条消息不作为问题登记。",
        "好的，這條消息不作為問題登記。",
        "All right, this message is not logged as a report.",
    ),
    "report.confirm_expired": (
        "这个确认已失效，请重新描述您的问题。",
        "這個確認已失效，請重新描述您的問題。",
        "This confirmation has expired; please describe the problem again.",
    ),
    "report.confirm_not_yours": (
        "只有发消息的人可以确认。",
        "只有發消息的人可以確認。",
        "Only the person who wrote the message can confirm it.",
    ),
    "report.photo_added": (
        "照片已加入工单 #{n}。",
        "照片已加入工單 #{n}。",
        "The photo was added to ticket #{n}.",
    ),
    "report.photo_needs_text": (
        "收到照片了。请再用文字说明是什么问题、在哪里，例如「5栋2单元楼道灯不亮」，照片可以随后再发。",
        "收到照片了。請再用文字說明是什麼問題、在哪裡，例如「5棟2單元樓道燈不亮」，照片可以隨後再發。",
        "Photo received. Please say in words what is wrong and where, e.g. “stair light out "
        "in building 5 unit 2”; send the photo again after that.",
    ),
    "report.too_long": (
        "消息太长了（超过 {limit} 字），请简要描述问题和地点。",
        "消息太長了（超過 {limit} 字），請簡要描述問題和地點。",
        "That message is too long (over {limit} characters); please describe the problem "
        "and the place briefly.",
    ),
    "report.unknown_sender": (
        "我们还不认识您。请私聊我完成登记，以便接收处理进展。",
        "我們還不認識您。請私聊我完成登記，以便接收處理進展。",
        "We do not know you yet. Please message me privately to register and get updates.",
    ),
    "report.no_leader": (
        "社区工作人员",
        "社區工作人員",
        "the community office",
    ),
    # leader notifications
    "leader.new": (
        "【新工单 #{n}】{category}{urgent}\n地点：{place}\n反映人：{reporter}\n内容：{text}\n"
        "请在 {deadline} 前受理。",
        "【新工單 #{n}】{category}{urgent}\n地點：{place}\n反映人：{reporter}\n內容：{text}\n"
        "請在 {deadline} 前受理。",
        "[New ticket #{n}] {category}{urgent}\nWhere: {place}\nReported by: {reporter}\n"
        "Text: {text}\nPlease acknowledge before {deadline}.",
    ),
    "leader.urgent_mark": ("（紧急）", "（緊急）", " (urgent)"),
    "leader.escalated": (
        "【上报工单 #{n}】{category}，已升至{level}。原因：{reason}\n地点：{place}\n内容：{text}",
        "【上報工單 #{n}】{category}，已升至{level}。原因：{reason}\n地點：{place}\n內容：{text}",
        "[Escalated ticket #{n}] {category}, now at {level}. Reason: {reason}\nWhere: {place}\n"
        "Text: {text}",
    ),
    "leader.reminder": (
        "【提醒】工单 #{n}（{category}）仍未处理完，且没有对应的职能部门可上报，请社区跟进。",
        "【提醒】工單 #{n}（{category}）仍未處理完，且沒有對應的職能部門可上報，請社區跟進。",
        "[Reminder] Ticket #{n} ({category}) is still open and no department covers it; "
        "the community office must follow up.",
    ),
    "leader.reopened": (
        "工单 #{n}（{category}）居民评价不满意，已重新打开：{note}",
        "工單 #{n}（{category}）居民評價不滿意，已重新打開：{note}",
        "The resident was not satisfied with ticket #{n} ({category}); it is reopened: {note}",
    ),
    "leader.assigned": (
        "工单 #{n}（{category}）已转派给您。\n地点：{place}\n内容：{text}",
        "工單 #{n}（{category}）已轉派給您。\n地點：{place}\n內容：{text}",
        "Ticket #{n} ({category}) has been reassigned to you.\nWhere: {place}\nText: {text}",
    ),
    "leader.card": (
        "【工单 #{n}】{category}{urgent}\n地点：{place}\n内容：{text}\n"
        "状态：{state} · {level} · 处理人：{assignee}\n（{at} 更新）",
        "【工單 #{n}】{category}{urgent}\n地點：{place}\n內容：{text}\n"
        "狀態：{state} · {level} · 處理人：{assignee}\n（{at} 更新）",
        "[Ticket #{n}] {category}{urgent}\nWhere: {place}\nText: {text}\n"
        "State: {state} · {level} · handled by {assignee}\n(updated {at})",
    ),
    "leader.group_invite": (
        "{name}，有工单 #{n} 等您处理，但我无法私信您。请点下面的链接私聊我并点「开始」，"
        "以后的工单会私信发给您。",
        "{name}，有工單 #{n} 等您處理，但我無法私訊您。請點下面的連結私聊我並點「開始」，"
        "以後的工單會私訊發給您。",
        "{name}, ticket #{n} is waiting for you, but I cannot message you privately. Open a "
        "private chat with me through the link below and press Start; tickets will come there.",
    ),
    # updates to reporter and followers
    "update.acknowledge": (
        "工单 #{n}（{category}）已由{actor}受理，正在安排处理。",
        "工單 #{n}（{category}）已由{actor}受理，正在安排處理。",
        "Ticket #{n} ({category}) was acknowledged by {actor} and is being arranged.",
    ),
    "update.progress": (
        "工单 #{n}（{category}）有新进展：{note}",
        "工單 #{n}（{category}）有新進展：{note}",
        "News on ticket #{n} ({category}): {note}",
    ),
    "update.resolve": (
        "工单 #{n}（{category}）已办结：{note}",
        "工單 #{n}（{category}）已辦結：{note}",
        "Ticket #{n} ({category}) is resolved: {note}",
    ),
    "update.escalate": (
        "工单 #{n}（{category}）已上报至{level}处理。",
        "工單 #{n}（{category}）已上報至{level}處理。",
        "Ticket #{n} ({category}) was passed up to {level}.",
    ),
    "update.reassign": (
        "工单 #{n}（{category}）已转交{assignee}处理。",
        "工單 #{n}（{category}）已轉交{assignee}處理。",
        "Ticket #{n} ({category}) is now handled by {assignee}.",
    ),
    "update.close": (
        "工单 #{n}（{category}）已关闭：{note}",
        "工單 #{n}（{category}）已關閉：{note}",
        "Ticket #{n} ({category}) is closed: {note}",
    ),
    "update.reopened": (
        "工单 #{n}（{category}）已重新打开，网格长会再次处理。",
        "工單 #{n}（{category}）已重新打開，網格長會再次處理。",
        "Ticket #{n} ({category}) is reopened; the grid leader will deal with it again.",
    ),
    "update.group_news": (
        "{name}，工单 #{n} 有新进展，请私聊我查看详情。",
        "{name}，工單 #{n} 有新進展，請私聊我查看詳情。",
        "{name}, ticket #{n} has news; message me privately to read it.",
    ),
    "rate.ask": (
        "请对工单 #{n} 的处理结果评价：回复 1 满意、2 基本满意、3 不满意。",
        "請對工單 #{n} 的處理結果評價：回覆 1 滿意、2 基本滿意、3 不滿意。",
        "Please rate how ticket #{n} was handled: reply 1 satisfied, 2 fairly satisfied, "
        "3 not satisfied.",
    ),
    "rate.thanks": (
        "感谢您的评价，工单 #{n} 已关闭。",
        "感謝您的評價，工單 #{n} 已關閉。",
        "Thank you for rating. Ticket #{n} is closed.",
    ),
    "rate.reopened": (
        "抱歉没有让您满意，工单 #{n} 已重新打开，网格长会再次处理。",
        "抱歉沒有讓您滿意，工單 #{n} 已重新打開，網格長會再次處理。",
        "Sorry it was not good enough. Ticket #{n} is reopened and goes back to the grid leader.",
    ),
    "rate.unsatisfied_note": ("居民不满意", "居民不滿意", "the resident was not satisfied"),
    "rating.satisfied": ("满意", "滿意", "satisfied"),
    "rating.basically": ("基本满意", "基本滿意", "fairly satisfied"),
    "rating.unsatisfied": ("不满意", "不滿意", "not satisfied"),
    # actions: answers to the person acting
    "done.acknowledge": ("已受理工单 #{n}。", "已受理工單 #{n}。", "Ticket #{n} acknowledged."),
    "done.progress": (
        "进展已通知居民（工单 #{n}）。",
        "進展已通知居民（工單 #{n}）。",
        "The residents were told of the progress on #{n}.",
    ),
    "done.resolve": (
        "工单 #{n} 已办结，已请居民评价。",
        "工單 #{n} 已辦結，已請居民評價。",
        "Ticket #{n} resolved; the resident was asked to rate it.",
    ),
    "done.escalate": (
        "工单 #{n} 已上报至{level}。",
        "工單 #{n} 已上報至{level}。",
        "Ticket #{n} passed up to {level}.",
    ),
    "done.reassign": (
        "工单 #{n} 已转派给{assignee}。",
        "工單 #{n} 已轉派給{assignee}。",
        "Ticket #{n} reassigned to {assignee}.",
    ),
    "done.close": ("工单 #{n} 已关闭。", "工單 #{n} 已關閉。", "Ticket #{n} closed."),
    "ask.note": (
        "请回复这条消息说明{action}内容，或发送「{command} {n} 说明」。",
        "請回覆這條消息說明{action}內容，或發送「{command} {n} 說明」。",
        "Reply to this message with a note, or send “{command} {n} note”.",
    ),
    "ask.assignee": (
        "请发送「转派 {n} 姓名或网格编号」，例如「转派 {n} G02」。",
        "請發送「轉派 {n} 姓名或網格編號」，例如「轉派 {n} G02」。",
        "Send “转派 {n} name or grid id”, for example “转派 {n} G02”.",
    ),
    # refusals
    "refused.not_allowed": (
        "您没有权限进行这个操作。",
        "您沒有權限進行這個操作。",
        "You are not allowed to do that.",
    ),
    "refused.unknown_action": ("无法识别的操作。", "無法識別的操作。", "Unknown action."),
    "refused.no_ticket": ("没有找到工单 #{n}。", "沒有找到工單 #{n}。", "There is no ticket #{n}."),
    "refused.bad_button": (
        "这个按钮已失效。",
        "這個按鈕已失效。",
        "This button is no longer valid.",
    ),
    "refused.top_level": (
        "已是最高级别，无法继续上报。",
        "已是最高級別，無法繼續上報。",
        "The ticket is already at the highest level.",
    ),
    "refused.rating_missing": (
        "请回复 1、2 或 3 进行评价。",
        "請回覆 1、2 或 3 進行評價。",
        "Please reply 1, 2 or 3.",
    ),
    "refused.no_assignee": (
        "没有找到「{name}」，请写姓名或网格编号。",
        "沒有找到「{name}」，請寫姓名或網格編號。",
        "Nobody called “{name}”; give a name or a grid id.",
    ),
    "refused.note_required": (
        "请写明说明内容，例如「{command} {n} 已更换防水层」。",
        "請寫明說明內容，例如「{command} {n} 已更換防水層」。",
        "Please add a note, e.g. “{command} {n} replaced the membrane”.",
    ),
    "refused.state.acknowledge": (
        "工单当前状态为「{state}」，不能受理。",
        "工單當前狀態為「{state}」，不能受理。",
        "The ticket is “{state}” and cannot be acknowledged.",
    ),
    "refused.state.progress": (
        "工单当前状态为「{state}」，请先受理再更新进度。",
        "工單當前狀態為「{state}」，請先受理再更新進度。",
        "The ticket is “{state}”: acknowledge it before adding progress.",
    ),
    "refused.state.resolve": (
        "工单当前状态为「{state}」，请先受理再办结。",
        "工單當前狀態為「{state}」，請先受理再辦結。",
        "The ticket is “{state}”: acknowledge it before resolving.",
    ),
    "refused.state.escalate": (
        "工单当前状态为「{state}」，不能上报。",
        "工單當前狀態為「{state}」，不能上報。",
        "The ticket is “{state}” and cannot be escalated.",
    ),
    "refused.state.reassign": (
        "工单当前状态为「{state}」，不能转派。",
        "工單當前狀態為「{state}」，不能轉派。",
        "The ticket is “{state}” and cannot be reassigned.",
    ),
    "refused.state.rate": (
        "工单当前状态为「{state}」，现在不能评价。",
        "工單當前狀態為「{state}」，現在不能評價。",
        "The ticket is “{state}” and cannot be rated now.",
    ),
    "refused.state.close": ("工单已经关闭。", "工單已經關閉。", "The ticket is already closed."),
    "refused.nothing_to_rate": (
        "您没有待评价的工单。",
        "您沒有待評價的工單。",
        "You have no ticket waiting for a rating.",
    ),
    # states, levels, actions
    "state.new": ("待受理", "待受理", "new"),
    "state.acknowledged": ("已受理", "已受理", "acknowledged"),
    "state.in_progress": ("处理中", "處理中", "in progress"),
    "state.resolved": ("已办结", "已辦結", "resolved"),
    "state.reopened": ("已重新打开", "已重新打開", "reopened"),
    "state.closed": ("已关闭", "已關閉", "closed"),
    "level.1": ("网格", "網格", "the grid"),
    "level.2": ("社区", "社區", "the community office"),
    "level.3": ("职能部门", "職能部門", "the department"),
    "action.acknowledge": ("受理", "受理", "Acknowledge"),
    "action.progress": ("进度", "進度", "Progress"),
    "action.resolve": ("办结", "辦結", "Resolve"),
    "action.escalate": ("上报", "上報", "Escalate"),
    "action.reassign": ("转派", "轉派", "Reassign"),
    "action.close": ("关闭", "關閉", "Close"),
    "action.report": ("反映", "反映", "reported"),
    "action.follow": ("同样反映", "同樣反映", "reported the same"),
    "action.rate": ("评价", "評價", "rated"),
    "button.yes": ("是的，登记", "是的，登記", "Yes, report it"),
    "button.confirm": ("确认", "確認", "Confirm"),
    "button.deny": ("不是本户", "不是本戶", "Not theirs"),
    "button.no": ("不是", "不是", "No"),
    "sla.ack_overdue": ("超时未受理", "超時未受理", "not acknowledged in time"),
    "sla.resolve_overdue": ("超时未办结", "超時未辦結", "not resolved in time"),
    "sla.level_overdue": ("社区超时未处理", "社區超時未處理", "not handled in time at the office"),
    "sla.no_department": ("无对应职能部门", "無對應職能部門", "no department covers it"),
    "sla.rating_timeout": (
        "三天内未评价，自动关闭",
        "三天內未評價，自動關閉",
        "no rating within three days: closed",
    ),
    "sla.urgent": ("紧急情况", "緊急情況", "urgent"),
    "system": ("系统", "系統", "the system"),
    "place.unknown": ("未注明", "未註明", "not given"),
    "place.building": ("{building}号楼", "{building}號樓", "building {building}"),
    "place.unit": ("{unit}单元", "{unit}單元", " unit {unit}"),
    "place.room": ("{room}室", "{room}室", " flat {room}"),
    # binding group chats and registering
    "bind.done": (
        "本群已绑定到{scope}，居民在群里反映的问题会自动登记。",
        "本群已綁定到{scope}，居民在群裡反映的問題會自動登記。",
        "This group is now bound to {scope}; reports here become tickets.",
    ),
    "bind.usage": (
        "用法：/bind G01（网格）或 /bind building:29（楼栋），只能在群里使用。",
        "用法：/bind G01（網格）或 /bind building:29（樓棟），只能在群裡使用。",
        "Usage: /bind G01 (a grid) or /bind building:29 (a building), in a group.",
    ),
    "bind.unknown": (
        "没有找到「{scope}」，请检查网格编号或楼号。",
        "沒有找到「{scope}」，請檢查網格編號或樓號。",
        "There is no “{scope}”; check the grid id or building.",
    ),
    "scope.grid": ("网格 {id}", "網格 {id}", "grid {id}"),
    "scope.building": ("{id}号楼", "{id}號樓", "building {id}"),
    "register.ask": (
        "欢迎！请点下方按钮分享您的手机号，我们会在社区名册中找到您；也可以直接联系网格长登记。",
        "歡迎！請點下方按鈕分享您的手機號，我們會在社區名冊中找到您；也可以直接聯繫網格長登記。",
        "Welcome! Share your phone number with the button below so we can find you in the "
        "community roster, or ask your grid leader to register you.",
    ),
    "register.ask_typed": (
        "欢迎！请回复您在社区登记的手机号（例如 13800000000）完成登记；"
        "或回复楼号-单元-房号和姓名，例如「29-3-502 张三」，由网格长确认。",
        "歡迎！請回覆您在社區登記的手機號（例如 13800000000）完成登記；"
        "或回覆樓號-單元-房號和姓名，例如「29-3-502 張三」，由網格長確認。",
        "Welcome! Reply with the phone number the community has for you (e.g. 13800000000), "
        "or with building-unit-flat and your name, e.g. “29-3-502 Zhang San”, for your grid "
        "leader to confirm.",
    ),
    "register.home_unknown": (
        "名册中没有「{home}」这一户，请检查楼号-单元-房号，例如 29-3-502。",
        "名冊中沒有「{home}」這一戶，請檢查樓號-單元-房號，例如 29-3-502。",
        "There is no flat “{home}” in the roster; check building-unit-flat, e.g. 29-3-502.",
    ),
    "register.home_nobody": (
        "暂时没有可以确认登记的工作人员，请直接联系社区。",
        "暫時沒有可以確認登記的工作人員，請直接聯繫社區。",
        "Nobody can confirm registrations yet; please contact the community office.",
    ),
    "register.home_asked": (
        "已请网格长确认您住在{place}，确认后会通知您。",
        "已請網格長確認您住在{place}，確認後會通知您。",
        "Your grid leader has been asked to confirm that you live at {place}; you will hear.",
    ),
    "register.home_waiting": (
        "您的登记正在等网格长确认，确认后会通知您。",
        "您的登記正在等網格長確認，確認後會通知您。",
        "Your registration is waiting for your grid leader; you will hear.",
    ),
    "register.confirm_ask": (
        "【登记确认】{name} 说自己住在{place}，是否确认？",
        "【登記確認】{name} 說自己住在{place}，是否確認？",
        "[Registration] {name} says they live at {place}. Confirm?",
    ),
    "register.confirm_expired": (
        "这条登记已经处理过了。",
        "這條登記已經處理過了。",
        "This registration was already decided.",
    ),
    "register.confirmed": (
        "已确认 {name} 的登记。",
        "已確認 {name} 的登記。",
        "{name} is registered.",
    ),
    "register.denied": (
        "已拒绝 {name} 的登记。",
        "已拒絕 {name} 的登記。",
        "{name}'s registration was declined.",
    ),
    "register.home_denied": (
        "网格长没有确认您住在{place}，请直接联系网格长。",
        "網格長沒有確認您住在{place}，請直接聯繫網格長。",
        "Your grid leader did not confirm that you live at {place}; please contact them.",
    ),
    "register.typed_refused": (
        "这个手机号不能这样登记，请联系网格长为您登记。",
        "這個手機號不能這樣登記，請聯繫網格長為您登記。",
        "This number cannot be registered this way; please ask your grid leader.",
    ),
    "register.button": ("分享手机号完成登记", "分享手機號完成登記", "Share my phone number"),
    "register.done": (
        "登记成功：{name}，{place}。以后的工单进展会私信通知您。",
        "登記成功：{name}，{place}。以後的工單進展會私訊通知您。",
        "Registered: {name}, {place}. Updates on your tickets will come here.",
    ),
    "register.not_found": (
        "名册中没有这个手机号。请联系网格长把您加入名册，或告诉网格长您的楼号-单元-房号。",
        "名冊中沒有這個手機號。請聯繫網格長把您加入名冊，或告訴網格長您的樓號-單元-房號。",
        "This number is not in the roster. Ask your grid leader to add you, with your "
        "building-unit-flat.",
    ),
    "register.choose_building": (
        "名册里没有手机号也可以登记：请选择您住的楼栋，网格长确认后即完成登记。",
        "名冊裡沒有手機號也可以登記：請選擇您住的樓棟，網格長確認後即完成登記。",
        "No phone number in the roster? Choose your building; once a leader confirms, you are "
        "registered.",
    ),
    "register.choose_unit": ("请选择单元：", "請選擇單元：", "Choose your unit:"),
    "register.choose_room": ("请选择房号：", "請選擇房號：", "Choose your flat:"),
    "register.no_flats": (
        "名册中没有这里的房屋，请联系网格长登记。",
        "名冊中沒有這裡的房屋，請聯繫網格長登記。",
        "The roster has no flats here; please ask your grid leader to register you.",
    ),
    "register.already": (
        "您已完成登记，无需再选。",
        "您已完成登記，無需再選。",
        "You are registered already.",
    ),
    "announce.text": (
        "【公告】{text}\n——{name}",
        "【公告】{text}\n——{name}",
        "[Notice] {text}\n— {name}",
    ),
    "announce.usage": (
        "用法：/announce G01 公告内容（网格）或 /announce building:29 公告内容（楼栋）。",
        "用法：/announce G01 公告內容（網格）或 /announce building:29 公告內容（樓棟）。",
        "Usage: /announce G01 text (a grid) or /announce building:29 text (a building).",
    ),
    "announce.no_chats": (
        "{scope}还没有绑定的群，请先在群里发送 /bind。",
        "{scope}還沒有綁定的群，請先在群裡發送 /bind。",
        "{scope} has no bound group yet; send /bind in the group first.",
    ),
    "announce.done": (
        "公告已发往{scope}的 {count} 个群，并会在有权限的群里置顶。",
        "公告已發往{scope}的 {count} 個群，並會在有權限的群裡置頂。",
        "The notice goes to {count} group(s) of {scope}, pinned where I may pin.",
    ),
    # help and lists
    "help": (
        "我是社区网格助手。直接描述问题即可，例如「29号楼3单元楼顶漏水」，我会登记工单并转给网格长，"
        "处理进展会通知您。\n/my 查看我的工单　/polls 查看表决　投票 12 同意 参加表决　"
        "/lang 切换语言",
        "我是社區網格助手。直接描述問題即可，例如「29號樓3單元樓頂漏水」，我會登記工單並轉給網格長，"
        "處理進展會通知您。\n/my 查看我的工單　/polls 查看表決　投票 12 同意 參加表決　"
        "/lang 切換語言",
        "I am the community grid assistant. Just describe a problem, e.g. “roof leaking at "
        "29-3-502”; I log a ticket for the grid leader and tell you of every step.\n"
        "/my my tickets   /polls building decisions   投票 12 同意 to vote   /lang language",
    ),
    "help.leader": (
        "网格长与社区：/tickets 待办工单　/ticket 12 工单详情　"
        "受理 12 / 进度 12 说明 / 办结 12 说明 / 上报 12\n"
        "/poll 问题 | 同意 | 反对 --rule civil-code --for 7d 发起表决　"
        "/ballot 12 29-3-502 同意 录入纸质票　/poll_close 12 原因　/announce G01 公告",
        "網格長與社區：/tickets 待辦工單　/ticket 12 工單詳情　"
        "受理 12 / 進度 12 說明 / 辦結 12 說明 / 上報 12\n"
        "/poll 問題 | 同意 | 反對 --rule civil-code --for 7d 發起表決　"
        "/ballot 12 29-3-502 同意 錄入紙質票　/poll_close 12 原因　/announce G01 公告",
        "Leaders and staff: /tickets open tickets   /ticket 12 details   受理 12 / 进度 12 note / "
        "办结 12 note / 上报 12\n/poll question | yes | no --rule civil-code --for 7d   "
        "/ballot 12 29-3-502 同意 paper ballot   /poll_close 12 reason   /announce G01 notice",
    ),
    "my.none": ("您目前没有工单。", "您目前沒有工單。", "You have no tickets."),
    "my.header": ("您的工单：", "您的工單：", "Your tickets:"),
    "my.line": (
        "#{n} {category} · {state} · {age}",
        "#{n} {category} · {state} · {age}",
        "#{n} {category} · {state} · {age}",
    ),
    "tickets.none": (
        "您负责的范围内没有未结工单。",
        "您負責的範圍內沒有未結工單。",
        "No open tickets in your scope.",
    ),
    "tickets.header": ("未结工单：", "未結工單：", "Open tickets:"),
    "tickets.line": (
        "#{n} {category} · {state} · 已等{age} · 期限 {deadline}",
        "#{n} {category} · {state} · 已等{age} · 期限 {deadline}",
        "#{n} {category} · {state} · waiting {age} · due {deadline}",
    ),
    "ticket.detail": (
        "工单 #{n}（{category}）· {state} · {level}\n地点：{place}\n内容：{text}",
        "工單 #{n}（{category}）· {state} · {level}\n地點：{place}\n內容：{text}",
        "Ticket #{n} ({category}) · {state} · {level}\nWhere: {place}\nText: {text}",
    ),
    "ticket.trail_line": (
        "{at} {actor} {action} {note}",
        "{at} {actor} {action} {note}",
        "{at} {actor} {action} {note}",
    ),
    "ticket.delivery_line": (
        "  通知 {who}：{status}",
        "  通知 {who}：{status}",
        "  notice to {who}: {status}",
    ),
    "delivery.pending": ("待发送", "待發送", "pending"),
    "delivery.delivered": ("已送达", "已送達", "delivered"),
    "delivery.fell_back": ("已改发群内提醒", "已改發群內提醒", "fell back to the group"),
    "delivery.waiting": (
        "等居民下次留言后送达",
        "等居民下次留言後送達",
        "waits until the resident writes again",
    ),
    "delivery.failed": ("发送失败", "發送失敗", "failed"),
    # chats without buttons (WeChat Official Account, WeCom): what can be replied
    "reply.options": (
        "请回复数字：{options}",
        "請回覆數字：{options}",
        "Reply with a number: {options}",
    ),
    "reply.free": (
        "直接回复文字可反映新问题，回复 /my 查看我的工单。",
        "直接回覆文字可反映新問題，回覆 /my 查看我的工單。",
        "Reply with text to report a new problem, or /my for your tickets.",
    ),
    "reply.window_closing": (
        "如 {hours} 小时内没有收到您的消息，之后的进展会在您下次留言时一并送达。",
        "如 {hours} 小時內沒有收到您的消息，之後的進展會在您下次留言時一併送達。",
        "If you do not write within {hours} hours, later news waits until you next write.",
    ),
    "lang.choose": ("请选择语言：", "請選擇語言：", "Choose a language:"),
    "lang.set": ("语言已设为简体中文。", "語言已設為繁體中文。", "Language set to English."),
    "age.minutes": ("{v}分钟", "{v}分鐘", "{v} min"),
    "age.hours": ("{v}小时", "{v}小時", "{v} h"),
    "age.days": ("{v}天", "{v}天", "{v} d"),
    "error.internal": (
        "抱歉，处理时出了点问题，已记录，请稍后再试。",
        "抱歉，處理時出了點問題，已記錄，請稍後再試。",
        "Sorry, something went wrong; it has been logged. Please try again.",
    ),
    "error.unsupported": (
        "暂时只能识别文字和图片，请用文字描述问题。",
        "暫時只能識別文字和圖片，請用文字描述問題。",
        "I can only read text and photos; please describe the problem in words.",
    ),
    "chatter.private": (
        "没有识别出需要处理的问题。如需反映问题，请写明是什么问题、在哪里，例如「5栋2单元楼道灯不亮」。",
        "沒有識別出需要處理的問題。如需反映問題，請寫明是什麼問題、在哪裡，例如「5棟2單元樓道燈不亮」。",
        "I did not find a problem to report. Say what is wrong and where, e.g. “stair light "
        "out in building 5 unit 2”.",
    ),
}

_TEXTS.update(POLL_TEXTS)  # polls keep their texts in their own module


def text(language: str, key: str, **params: object) -> str:
    """The text for `key` in a language (Simplified Chinese when unknown), filled in."""
    variants = _TEXTS[key]
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return variants[index].format(**params)


def keys() -> frozenset[str]:
    """All text keys, for tests that check every language is complete."""
    return frozenset(_TEXTS)


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as people read it in the deployment's time zone: 11-23 14:05."""
    return moment.astimezone(zone).strftime("%m-%d %H:%M")


def format_age(seconds: float, language: str) -> str:
    """A duration, roughly: 25分钟, 3小时, 2天."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return text(language, "age.minutes", v=minutes)
    if minutes < 48 * 60:
        return text(language, "age.hours", v=minutes // 60)
    return text(language, "age.days", v=minutes // 1440)
