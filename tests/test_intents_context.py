"""The context model: its arithmetic, its file, that the shipped weights are what the bundled
training data gives, and how it meets a deployment's own catalog."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from intents import ContextModel, Matcher, load_catalog
from intents.catalog import BUNDLED_CATALOG, parse_catalog
from intents.context import features
from intents.evaluation import read_examples
from intents.normalize import prepare
from intents.training import train, training_examples

DATA = Path(__file__).with_name("data")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.with_context(load_catalog())


def tiny_model() -> ContextModel:
    return ContextModel.from_weights(
        labels=["none", "water_leak"],
        bias=[1.0, -1.0],
        weights={"漏水": [(1, 3.0)], "cue:over": [(0, 2.0), (1, -2.0)]},
        sure=0.5,
        maybe=0.3,
    )


def test_probabilities_are_a_softmax_of_the_weights_present() -> None:
    model = tiny_model()
    alone = model.probabilities([])
    assert alone[1] == pytest.approx(1 / (1 + math.exp(2)))
    leak = model.probabilities(["漏水", "an unknown feature"])
    assert leak[1] == pytest.approx(1 / (1 + math.exp(-1)))
    fixed = model.probabilities(["漏水", "cue:over"])
    assert fixed[1] < alone[1] < leak[1]
    assert sum(fixed) == pytest.approx(1.0)


def test_the_file_round_trips() -> None:
    model = tiny_model()
    again = ContextModel.from_dict(model.to_dict())
    assert again.labels == model.labels
    assert again.probabilities(["漏水"]) == pytest.approx(model.probabilities(["漏水"]))
    assert (again.sure, again.maybe) == (0.5, 0.3)


def test_features_are_n_grams_and_evidence(matcher: Matcher) -> None:
    reply, quoted, emoji = prepare("楼顶又漏水了😭")
    names = features(reply, matcher.evidence(reply, quoted), emoji)
    assert {"^楼", "漏水", "漏水了", "了$"} <= names
    assert "strong:water_leak" in names
    assert "rank0:water_leak" in names
    assert "emoji:😭" in names
    assert not any(" " in name for name in names)


def test_the_shipped_weights_are_what_the_bundled_data_gives() -> None:
    """Nobody edits the weights by hand: retraining reproduces every decision."""
    catalog = load_catalog()
    retrained = Matcher(catalog, train(catalog, training_examples(catalog)))
    shipped = Matcher.with_context(catalog)
    texts = [e.text for path in sorted(DATA.glob("heldout_*.jsonl")) for e in read_examples(path)]
    assert len(texts) > 1000
    differ = [t for t in texts if shipped.match(t).category != retrained.match(t).category]
    assert len(differ) <= len(texts) // 500, differ[:5]


def test_reading_in_context() -> None:
    matcher = Matcher.with_context(load_catalog())
    for text, category in [
        ("又停电了，冰箱里的肉要坏了", "power"),
        ("上个月那次停电，我正在洗澡，笑死", "none"),
        ("楼顶漏水，家里摆满了盆", "water_leak"),
        ("漏水险理赔下来了，流程挺快的", "none"),
        ("电梯困人了，快来人", "elevator"),
        ("脑子停电了，啥也想不起来", "none"),
    ]:
        assert matcher.match(text).category == category, text


def deployment(change: str) -> Matcher:
    data = yaml.safe_load(BUNDLED_CATALOG.read_text(encoding="utf-8"))
    if change == "add":
        data["categories"].append(
            {
                "id": "bike_shed",
                "names": {"zh-CN": "自行车棚"},
                "sla": {"ack": "1d", "resolve": "3d"},
                "problems": ["车棚*塌了", "车棚顶*掀"],
                "topics": ["车棚"],
            }
        )
    else:
        data["categories"] = [c for c in data["categories"] if c["id"] != "water_leak"]
    return Matcher.with_context(parse_catalog(data))


def test_a_category_the_model_never_saw_keeps_its_rules() -> None:
    intent = deployment("add").match("3号楼的自行车棚塌了，快来看看")
    assert (intent.category, intent.band) == ("bike_shed", "sure")
    assert deployment("add").match("车棚里今天停了好多车").category == "none"


def test_a_dropped_category_is_never_answered() -> None:
    matcher = deployment("drop")
    assert matcher.match("楼顶又漏水了，家里的盆都不够用了").category != "water_leak"
    assert matcher.match("大家早上好").category == "none"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_no_input_raises_and_answers_keep_their_shape(text: str) -> None:
    intent = Matcher.with_context(load_catalog()).match(text)
    assert 0.0 <= intent.score <= 1.0
    assert len(intent.alternatives) <= 3
    assert (intent.category == "none") == (intent.band == "none")


def test_held_out_files_are_not_in_the_training_data() -> None:
    trained = {prepare(e.text)[0] for e in training_examples(load_catalog())}
    for path in sorted(DATA.glob("heldout_*.jsonl")):
        shared = [e.text for e in read_examples(path) if prepare(e.text)[0] in trained]
        assert not shared, (path.name, shared[:5])
