"""Configuration from the environment (GRIDBOT_*), validated once at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting gridbot reads; each field is the variable GRIDBOT_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="GRIDBOT_", env_file=".env", extra="ignore")

    database_url: str = Field("sqlite:///gridbot.db", description="SQLite file or PostgreSQL URL")
    catalog_file: Path | None = Field(None, description="intent catalog; default: the bundled one")
    context_model_file: Path | None = Field(
        None, description="intent context model; default: the bundled one"
    )
    timezone: str = Field("Asia/Shanghai", description="how times are shown to people")
    http_host: str = Field("0.0.0.0", description="address the HTTP app listens on")
    http_port: int = Field(8080, description="port of the HTTP app (/healthz, webhooks)")
    media_dir: Path = Field(Path("media"), description="where photos sent with reports are kept")
    log_level: str = Field("INFO", description="logging level")
    redis_url: str | None = Field(None, description="Redis: update deduplication across workers")
    telegram_token: SecretStr | None = Field(None, description="bot token from @BotFather")
    telegram_library: Literal["aiogram", "ptb"] = Field("aiogram", description="client library")
    telegram_api_url: str = Field(
        "https://api.telegram.org", description="Bot API server (a self-hosted one works too)"
    )
    telegram_webhook_url: str | None = Field(
        None, description="public HTTPS URL of the webhook; unset: long polling"
    )
    telegram_webhook_secret: SecretStr | None = Field(None, description="required with a webhook")
    wechat_appid: str | None = Field(None, description="Official Account AppID (服务号)")
    wechat_secret: SecretStr | None = Field(None, description="Official Account AppSecret")
    wechat_token: SecretStr | None = Field(None, description="callback Token (/wechat)")
    wechat_aes_key: SecretStr | None = Field(
        None, description="EncodingAESKey; set: safe mode, unset: plaintext callbacks"
    )
    wechat_template_id: str | None = Field(
        None, description="template message (field {{content.DATA}}) outside the 48 h window"
    )
    wechat_api_url: str = Field("https://api.weixin.qq.com", description="Official Account API")
    wecom_corp_id: str | None = Field(None, description="WeCom CorpID (企业微信)")
    wecom_agent_id: int | None = Field(None, description="AgentId of the self-built app")
    wecom_secret: SecretStr | None = Field(None, description="the app's Secret")
    wecom_token: SecretStr | None = Field(None, description="callback Token (/wecom)")
    wecom_aes_key: SecretStr | None = Field(None, description="callback EncodingAESKey")
    wecom_api_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom API")
    wecom_group_webhooks: dict[str, str] = Field(
        default_factory=dict, description="JSON: roster chat id (platform wecom) -> robot key"
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, naming it
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Self:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("GRIDBOT_TELEGRAM_WEBHOOK_SECRET is required with a webhook URL")
        return self

    @model_validator(mode="after")
    def _wechat_complete(self) -> Self:
        for prefix, names in _PLATFORM_SETTINGS.items():
            given = [n for n in names if getattr(self, n) is not None]
            if given and len(given) < len(names):
                missing = ", ".join(f"GRIDBOT_{n.upper()}" for n in names if n not in given)
                raise ValueError(f"{prefix} is half configured: {missing} missing")
        return self

    @property
    def wechat_enabled(self) -> bool:
        """The Official Account runs: its required settings are present."""
        return self.wechat_appid is not None

    @property
    def wecom_enabled(self) -> bool:
        """The WeCom app runs: its required settings are present."""
        return self.wecom_corp_id is not None

    @property
    def zone(self) -> ZoneInfo:
        """The display time zone."""
        return ZoneInfo(self.timezone)


_PLATFORM_SETTINGS = {
    "WeChat": ("wechat_appid", "wechat_secret", "wechat_token"),
    "WeCom": ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key"),
}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
