"""Posts callbacks to gridbot the way the WeChat and WeCom servers do: signed, encrypted with
wechatpy's own crypto, with the query parameters the platforms send."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto, _get_signature
from wechatpy.enterprise.crypto import PrpCrypto as CorpPrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as CorpCrypto
from wechatpy.utils import WeChatSigner

OA_TOKEN, OA_AES_KEY, OA_ID = "oa-callback-token", "a" * 43, "wx-test"
CORP_TOKEN, CORP_AES_KEY, CORP_ID, AGENT_ID = "corp-callback-token", "b" * 43, "ww-test", 1000002
ACCOUNT = "gh_gridbot"  # the Official Account's own id (ToUserName)


@dataclass
class Answer:
    """gridbot's HTTP answer to one callback, with the passive reply decrypted."""

    status: int
    body: str
    seconds: float
    reply: dict[str, Any] | None  # the reply's XML fields, when there was one


def xml(fields: dict[str, object]) -> str:
    """<xml><Key><![CDATA[value]]></Key>…</xml>; numbers bare, as WeChat writes them, and
    nested fields (a dict) as nested elements."""
    return f"<xml>{_elements(fields)}</xml>"


def _elements(fields: dict[str, object]) -> str:
    parts = []
    for key, value in fields.items():
        if isinstance(value, dict):
            parts.append(f"<{key}>{_elements(value)}</{key}>")
        elif isinstance(value, int):
            parts.append(f"<{key}>{value}</{key}>")
        else:
            parts.append(f"<{key}><![CDATA[{value}]]></{key}>")
    return "".join(parts)


class Platform:
    """One platform's side of the callbacks; `safe`: the Official Account's AES mode."""

    def __init__(self, client: httpx.AsyncClient, path: str, safe: bool = True) -> None:
        self.client = client
        self.path = path
        self.safe = safe
        if path == "/wecom":
            self.token, self.crypto = CORP_TOKEN, CorpCrypto(CORP_TOKEN, CORP_AES_KEY, CORP_ID)
        else:
            self.token, self.crypto = OA_TOKEN, WeChatCrypto(OA_TOKEN, OA_AES_KEY, OA_ID)
        self._msg_ids = 1000

    def message(self, sender: str, content: str, msg_id: int | None = None) -> dict[str, object]:
        """A text message's fields."""
        self._msg_ids += 1
        fields: dict[str, object] = {
            "ToUserName": CORP_ID if self.path == "/wecom" else ACCOUNT,
            "FromUserName": sender,
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id or self._msg_ids,
        }
        if self.path == "/wecom":
            fields["AgentID"] = AGENT_ID
        return fields

    def image(self, sender: str, media_id: str) -> dict[str, object]:
        """A photo's fields: WeChat has stored it under `media_id`."""
        fields = self.message(sender, "")
        del fields["Content"]
        return {
            **fields,
            "MsgType": "image",
            "PicUrl": "http://mmbiz.invalid/x",
            "MediaId": media_id,
        }

    def event(self, sender: str, event: str, **extra: object) -> dict[str, object]:
        """An event's fields (no MsgId)."""
        fields: dict[str, object] = {
            "ToUserName": CORP_ID if self.path == "/wecom" else ACCOUNT,
            "FromUserName": sender,
            "CreateTime": int(time.time()),
            "MsgType": "event",
            "Event": event,
            **extra,
        }
        if self.path == "/wecom":
            fields["AgentID"] = AGENT_ID
        return fields

    def vote(self, sender: str, card: dict[str, Any], option_id: str) -> dict[str, object]:
        """The event WeCom sends when a member submits a vote_interaction card (as sent)."""
        return self.event(
            sender,
            "template_card_event",
            EventKey=card["submit_button"]["key"],
            TaskId=card["task_id"],
            CardType="vote_interaction",
            ResponseCode=secrets.token_hex(8),
            SelectedItems={
                "SelectedItem": {
                    "QuestionKey": card["checkbox"]["question_key"],
                    "OptionIds": {"OptionId": option_id},
                }
            },
        )

    async def post(
        self, fields: dict[str, object], *, timestamp: int | None = None, forge: bool = False
    ) -> Answer:
        """POST the callback as the platform does; `forge` signs with the wrong token."""
        stamp, nonce = str(timestamp or int(time.time())), secrets.token_hex(8)
        plain = xml(fields)
        params = {"timestamp": stamp, "nonce": nonce}
        token = "forged" + self.token if forge else self.token
        signer = WeChatSigner()
        signer.add_data(token, stamp, nonce)
        if self.path == "/wechat":
            params |= {"signature": signer.signature, "openid": str(fields["FromUserName"])}
        if self.path == "/wecom" or self.safe:
            sealed = xmltodict.parse(self.crypto.encrypt_message(plain, nonce, stamp))["xml"]
            signature = _get_signature(token, stamp, nonce, sealed["Encrypt"])
            body = xml({"ToUserName": fields["ToUserName"], "Encrypt": sealed["Encrypt"]})
            params |= {"msg_signature": signature}
            if self.path == "/wechat":
                params["encrypt_type"] = "aes"
        else:
            body = plain
        started = time.monotonic()
        response = await self.client.post(self.path, params=params, content=body.encode())
        seconds = time.monotonic() - started
        return Answer(response.status_code, response.text, seconds, self._open(response))

    def _open(self, response: httpx.Response) -> dict[str, Any] | None:
        """The passive reply, decrypted (its signature checked) when the mode encrypts."""
        if response.status_code != 200 or not response.text.startswith("<xml>"):
            return None
        fields: dict[str, Any] = xmltodict.parse(response.text)["xml"]
        if "Encrypt" in fields:
            plain = self.crypto.decrypt_message(
                response.text, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
            )
            fields = xmltodict.parse(plain)["xml"]
        return fields

    async def verify(self, echo: str, *, forge: bool = False) -> httpx.Response:
        """The URL check: GET with echostr (encrypted for WeCom)."""
        stamp, nonce = str(int(time.time())), secrets.token_hex(8)
        token = "forged" + self.token if forge else self.token
        if self.path == "/wecom":
            sealed = CorpPrpCrypto(self.crypto.key).encrypt(echo, CORP_ID)
            sealed = sealed.decode() if isinstance(sealed, bytes) else sealed
            params = {
                "msg_signature": _get_signature(token, stamp, nonce, sealed),
                "timestamp": stamp,
                "nonce": nonce,
                "echostr": sealed,
            }
        else:
            signer = WeChatSigner()
            signer.add_data(token, stamp, nonce)
            params = {
                "signature": signer.signature,
                "timestamp": stamp,
                "nonce": nonce,
                "echostr": echo,
            }
        return await self.client.get(self.path, params=params)
