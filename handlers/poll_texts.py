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
}
