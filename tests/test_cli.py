"""The command line: intents classify / eval, db upgrade, and the demo walkthrough."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_classify_reads_text_and_json_lines() -> None:
    lines = '楼顶又漏水了\n\n{"text": "29号楼3单元502天花板渗水"}\n大家早上好\n{broken json\n'
    result = runner.invoke(app, ["intents", "classify"], input=lines)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["text"] for a in answers] == [
        "楼顶又漏水了",
        "29号楼3单元502天花板渗水",
        "大家早上好",
        "{broken json",
    ]
    assert answers[0]["category"] == "water_leak" and answers[0]["band"] == "sure"
    assert answers[1]["location"] == {"building": "29", "unit": "3", "room": "502"}
    assert answers[2]["category"] == "none" and answers[2]["band"] == "none"
    for answer in answers:
        assert set(answer) == {
            "text",
            "category",
            "score",
            "alternatives",
            "band",
            "urgent",
            "location",
        }


def test_eval_prints_the_figures(tmp_path: Path) -> None:
    data = tmp_path / "set.jsonl"
    rows = [
        {"text": "楼顶漏水了", "category": "water_leak"},
        {"text": "大家早上好", "category": "none"},
        {"text": "电梯又坏了", "category": "elevator", "location": {}},
        {
            "text": "5栋2单元楼道灯不亮",
            "category": "lighting",
            "location": {"building": "5", "unit": "2"},
        },
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    result = runner.invoke(app, ["intents", "eval", str(data), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["messages"] == 4
    assert figures["accuracy"] == 1.0 and figures["macro_f1"] == 1.0
    assert figures["false_ticket_rate"] == 0.0 and figures["miss_rate"] == 0.0
    assert figures["location_exact_match"] == 1.0
    table = runner.invoke(app, ["intents", "eval", str(data)])
    assert "macro-F1" in table.stdout and "most frequent confusions" in table.stdout


def test_eval_refuses_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', "utf-8")
    result = runner.invoke(app, ["intents", "eval", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output


def test_broken_catalog_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "catalog.yaml"
    broken.write_text("categories:\n  - {id: leak, names: {zh-CN: 漏水}, urgency: soon}\n", "utf-8")
    monkeypatch.setenv("GRIDBOT_CATALOG_FILE", str(broken))
    result = runner.invoke(app, ["intents", "classify"], input="漏水\n")
    assert result.exit_code == 2
    assert "category 'leak': urgency" in result.output


def test_db_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import get_settings

    monkeypatch.setenv("GRIDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.db").exists()


def test_demo_walkthrough_end_to_end() -> None:
    """`gridbot demo` with no terminal plays the bundled walkthrough and prints it."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo"],
        cwd=ROOT,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    steps = [
        "吕新安 @ 29号楼群 ▸ 大家早上好",
        "🤖 → 29号楼群：已登记为工单 #1（漏水渗水），网格长会尽快处理。",
        "📨 → 高艳娜：【新工单 #1】漏水渗水",
        "这个问题已有邻居反映（工单 #1，漏水渗水）",
        "🤖 → 高艳娜：已受理工单 #1。",
        "📨 → 周强：工单 #1（漏水渗水）已由高艳娜受理",
        "📨 → 吕新安：工单 #1（漏水渗水）已办结：已重新铺设楼顶防水层",
        "🤖 → 吕新安：感谢您的评价，工单 #1 已关闭。",
        "#1 漏水渗水 · 已关闭",
        "📨 → 陈培霞：【上报工单 #2】电梯，已升至社区。原因：超时未受理",
        "系统 上报 超时未受理",
        "📨 → 29号楼群：【表决 #1】是否同意加装电梯",
        "已改为：同意（原为：反对）",
        "已为 29-1-101 登记表决 #1 的书面意见：同意。",
        "📨 → 29号楼群：【表决结果 #1】是否同意加装电梯",
        "结果：通过",
    ]
    position = 0
    for step in steps:
        found = out.find(step, position)
        assert found >= 0, f"missing or out of order: {step}\n{out}"
        position = found
    # chatter got no answer: the line after "大家早上好" is the next resident line
    after = out.split("大家早上好\n", 1)[1]
    assert after.startswith("吕新安 @ 29号楼群 ▸ 楼顶又漏水了")


def test_demo_replays_any_script(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(
        "/as 高艳娜\n/tickets\n/as 吕新安\n29-3-502 暖气不热\n/quit\n不会执行\n", "utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--script", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "您负责的范围内没有未结工单。" in result.stdout
    assert "工单 #1（供暖）" in result.stdout
    assert "不会执行" not in result.stdout
