"""Normalisation: one canonical form, idempotent, and never a crash whatever comes in."""

from hypothesis import given, settings
from hypothesis import strategies as st

from intents.normalize import MAX_CHARS, chinese_number, normalize, prepare, split_quote


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=50)
@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_any_code_point_sequence_is_accepted(text: str) -> None:
    assert isinstance(normalize(text), str)
    reply, quoted, emoji = prepare(text)
    assert isinstance(reply, str) and isinstance(quoted, str)
    assert all(len(mark) == 1 for mark in emoji)


def test_the_reply_keeps_its_emoji_apart() -> None:
    """Normalisation drops emoji, but the reply's own are kept aside: 😂 marks a joke."""
    prepared = prepare("「王姐：电梯又坏了😡」笑死，比装修还吵😂😂👍🏻")
    assert prepared.reply == "笑死 比装修还吵"
    assert prepared.quoted == "王姐 电梯又坏了"
    assert prepared.emoji == {"😂", "👍"}  # not the quote's 😡, nor the skin tone


def test_a_nicknames_emoji_are_not_the_messages() -> None:
    """ "@小王🌸" names a person; the flag's letters are emoji of the message itself."""
    prepared = prepare("@小王🌸 国庆快乐🇨🇳")
    assert prepared.reply == "国庆快乐"
    assert prepared.emoji == {"🇨", "🇳"}


def test_hostile_inputs() -> None:
    assert normalize("") == ""
    assert normalize("\x00\x07\x1b[31m") == "31m"
    assert normalize("😀😂👍🏻🎉") == ""
    assert normalize("\ud800漏水\udfff") == "漏水"
    long = "楼顶漏水" * 25_000  # 100 kB
    assert len(normalize(long)) <= MAX_CHARS


def test_width_script_case_mentions_and_punctuation() -> None:
    assert normalize("＠网格长 １２号楼ＡＢＣ，漏水！！！") == "12号楼abc 漏水!"
    assert normalize("樓頂違章搭建的鐵皮屋什麼時候拆？") == "楼顶违章搭建的铁皮屋什么时候拆?"
    assert normalize("@物业 电梯坏了") == "电梯坏了"


def test_chinese_numerals_in_addresses() -> None:
    assert normalize("二十九号楼三单元五零二") == "29号楼3单元502"
    assert normalize("五栋两单元") == "5栋2单元"
    assert chinese_number("一百零二") == 102
    assert chinese_number("十五") == 15


def test_quoted_replies_are_separated() -> None:
    reply, quoted = split_quote("「李阿姨：你们家暖气热吗」我们家也不热")
    assert reply.strip() == "我们家也不热"
    assert "暖气" in quoted
    reply, quoted = split_quote("王哥：明天停水吗\n- - - - - - - - -\n明天不停，放心")
    assert reply.strip() == "明天不停，放心"
    assert "停水" in quoted
    # 「」 used as ordinary quotation marks stays part of the message
    assert split_quote("门口贴着「禁止停车」的牌子")[1] == ""
