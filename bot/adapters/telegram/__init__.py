"""Telegram front end: aiogram (default) or python-telegram-bot, the same behaviour on both."""
