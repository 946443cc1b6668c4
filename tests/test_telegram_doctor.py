"""`gridbot doctor` through each library against the stand-in Bot API: what it finds and says."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.adapters.telegram.setup import telegram_frontend
from bot.app import App
from bot.cli import app as cli
from bot.doctor import Finding, diagnose
from bot.settings import Settings, get_settings
from storage.roster import apply_roster, parse_roster
from tests.telegram_server import TelegramStandIn

TOKEN = "123:ABC"
COMMUNITY = Path(__file__).resolve().parent.parent / "bot" / "sample" / "community.yaml"
GRID_GROUP, BUILDING_GROUP, GRID2_GROUP = -1001001, -1002901, -1001002
LEADER = 1001


async def findings(api: TelegramStandIn, tmp_path: Path, library: str, token: str) -> list[Finding]:
    """Run the doctor's checks over the sample community."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'doctor.db'}",
        media_dir=tmp_path / "media",
        telegram_token=token,
        telegram_api_url=api.root,
        telegram_library=library,
    )
    app = await App.build(settings)
    async with app.database.unit() as store:
        await apply_roster(store, parse_roster(COMMUNITY))
        identity = await store.identity("telegram", str(LEADER))
        assert identity is not None
        identity.private_chat = True  # the grid leader of G01 has pressed Start
        store.add(identity)
    telegram = telegram_frontend(app)
    assert telegram is not None
    try:
        return await diagnose(app, telegram)  # no start(): the doctor must connect itself
    finally:
        await telegram.stop()
        await app.close()


def by_check(found: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in found}


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_doctor_reports_rights_privacy_and_unreached_people(
    tmp_path: Path, library: str
) -> None:
    async with TelegramStandIn(token=TOKEN) as api:
        for chat_id in (GRID_GROUP, BUILDING_GROUP, GRID2_GROUP):
            api.add_chat(chat_id, "supergroup")
        api.set_bot_member(GRID_GROUP, "administrator", can_pin_messages=True)
        api.set_bot_member(BUILDING_GROUP, "member")
        api.set_bot_member(GRID2_GROUP, "restricted", can_send_messages=False)
        found = by_check(await findings(api, tmp_path, library, TOKEN))
        assert {m for m, _ in api.calls} >= {"getMe", "getChatMember"}
    token = found["token"]
    assert token.ok and token.seen == "@gridbot_test_bot (id 123)"
    grid = "chat -1001001 (grid G01)"
    building = "chat -1002901 (building 29)"
    grid2 = "chat -1001002 (grid G02)"
    assert found[f"{grid}: reads messages"].ok  # an admin reads everything
    assert found[f"{grid}: may send"].ok and found[f"{grid}: may pin"].ok
    reads = found[f"{building}: reads messages"]
    assert not reads.ok and "/setprivacy" in reads.fix  # privacy mode on, plain member
    assert found[f"{building}: may send"].ok
    pin = found[f"{building}: may pin"]
    assert not pin.ok and pin.seen == "member" and "pin" in pin.fix
    assert not found[f"{grid2}: may send"].ok and found[f"{grid2}: may send"].seen == "restricted"
    assert found["高艳娜 (grid_leader): private chat"].ok
    unreached = found["马俊 (grid_leader): private chat"]
    assert not unreached.ok and unreached.seen == "never opened a private chat"
    assert "https://t.me/gridbot_test_bot" in unreached.fix
    assert not found["陈培霞 (staff): private chat"].ok


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_doctor_with_privacy_mode_off_and_a_chat_the_bot_left(
    tmp_path: Path, library: str
) -> None:
    async with TelegramStandIn(token=TOKEN, can_read_all_group_messages=True) as api:
        api.add_chat(BUILDING_GROUP, "supergroup")
        api.set_bot_member(BUILDING_GROUP, "member")
        api.add_chat(GRID_GROUP, "supergroup")
        api.set_bot_member(GRID_GROUP, "left")
        found = by_check(await findings(api, tmp_path, library, TOKEN))
    assert found["chat -1002901 (building 29): reads messages"].ok  # privacy mode is off
    assert not found["chat -1001001 (grid G01): may send"].ok
    unknown = found["chat -1001002 (grid G02): may send"]  # the server never saw this chat
    assert not unknown.ok and unknown.seen.startswith("unreachable:")


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_doctor_with_a_bad_token_says_what_to_fix(tmp_path: Path, library: str) -> None:
    async with TelegramStandIn(token=TOKEN) as api:
        found = await findings(api, tmp_path, library, "999:WRONG")
    [token] = found
    assert not token.ok and token.check == "token"
    assert "GRIDBOT_TELEGRAM_TOKEN" in token.fix


def test_doctor_command_exits_nonzero_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("GRIDBOT_TELEGRAM_TOKEN", raising=False)
    get_settings.cache_clear()  # the settings are read once per process
    try:
        result = CliRunner().invoke(cli, ["doctor"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "no platform is configured" in result.output
