"""How long gridbot takes to check, decrypt and parse one WeChat / WeCom callback (CPU only:
this runs on the event loop, so it must stay far below WeChat's 5 seconds)."""

from __future__ import annotations

import time
from typing import Any

import xmltodict
from rich.table import Table
from wechatpy.crypto import WeChatCrypto, _get_signature
from wechatpy.enterprise.crypto import WeChatCrypto as CorpCrypto

from bot.adapters.wechat.official import OfficialAccount
from bot.adapters.wechat.wecom import WeCom

TOKEN, KEY, APP, CORP = "bench-token", "k" * 43, "wx-bench", "ww-bench"
MESSAGE = (
    "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench]]>"
    "</FromUserName><CreateTime>{t}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[29号楼3单元楼顶漏水了，家里的盆都不够用了]]></Content>"
    "<MsgId>1</MsgId></xml>"
)


def sealed(crypto: Any, stamp: str) -> tuple[dict[str, str], bytes]:
    """A callback's query and body, as the platform posts it."""
    nonce = "bench-nonce"
    encrypt = xmltodict.parse(crypto.encrypt_message(MESSAGE.format(t=stamp), nonce, stamp))
    body = encrypt["xml"]["Encrypt"]
    query = {
        "timestamp": stamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": _get_signature(TOKEN, stamp, nonce, body),
    }
    return query, f"<xml><Encrypt><![CDATA[{body}]]></Encrypt></xml>".encode()


def per_second(open_callback: Any, query: dict[str, str], body: bytes, rounds: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        open_callback(query, body)
    return rounds / (time.perf_counter() - started)


def callback_table() -> Table:
    """Callbacks opened per second, Official Account (safe mode) and WeCom."""
    stamp = str(int(time.time()))
    none: Any = None  # opening a callback needs only the crypto
    official = OfficialAccount(app_id=APP, token=TOKEN, aes_key=KEY, template_id=None, wiring=none)
    wecom = WeCom(corp_id=CORP, agent_id=1, token=TOKEN, aes_key=KEY, webhooks={}, wiring=none)
    table = Table(title="callbacks checked, decrypted and parsed per second (one core)")
    table.add_column("platform")
    table.add_column("callbacks/s")
    table.add_column("µs each")
    for name, frontend, crypto in (
        ("Official Account (safe mode)", official, WeChatCrypto(TOKEN, KEY, APP)),
        ("WeCom", wecom, CorpCrypto(TOKEN, KEY, CORP)),
    ):
        rate = per_second(frontend.open, *sealed(crypto, stamp))
        table.add_row(name, f"{rate:,.0f}", f"{1e6 / rate:,.0f}")
    return table
