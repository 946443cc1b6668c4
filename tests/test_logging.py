"""Logs never carry a whole mobile number."""

import logging

import pytest

from bot.app import MaskPhones


def test_phone_numbers_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("gridbot.test")
    logger.addFilter(MaskPhones())
    with caplog.at_level(logging.INFO, logger="gridbot.test"):
        logger.info("registered %s with phone %s", "吕新安", "13800000101")
        logger.info("order 2026112312345678 is not a phone")
    assert "13800000101" not in caplog.text
    assert "138****0101" in caplog.text
    assert "2026112312345678" in caplog.text
