"""The compact jieba dictionary cuts every text exactly as jieba's stock tokenizer does."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from bot.core.compact_words import TOKENIZER, jieba

DOMAIN = ["光伏分红", "修路", "低保评议", "村干部", "土地流转", "合作社", "一事一议", "村集体经济"]
SENTENCES = [
    "村里光伏电站的分红什么时候发？第5组杜家反映",
    "修路工程款公开吗，村口路灯坏了三天",
    "低保名单怎么评的，请村干部说明一下",
    "土地流转的租金每亩多少钱，合作社去年的账目能公开吗",
    "Wi-Fi 2024年第3季度 50% 的补贴，T恤和iPhone",
    "南京市长江大桥，结婚的和尚未结婚的",
]


@pytest.fixture(scope="module")
def stock() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _random_texts(count: int) -> list[str]:
    """Strings of the dictionary's own characters, so long words and idioms are hit often."""
    chars = "".join(sorted({w[0] for w in TOKENIZER.FREQ}))
    rnd = random.Random(12)
    return ["".join(rnd.choices(chars, k=rnd.randint(1, 30))) for _ in range(count)]


def test_the_domain_words_cut_as_before():
    assert TOKENIZER.lcut("光伏分红") == ["光伏", "分红"]
    assert TOKENIZER.lcut("低保评议") == ["低保", "评议"]
    assert TOKENIZER.lcut("土地流转") == ["土地", "流转"]
    for word in ("修路", "村干部", "合作社"):
        assert TOKENIZER.lcut(word) == [word]


def test_every_cut_is_the_stock_tokenizers(stock):
    texts = DOMAIN + SENTENCES + _random_texts(3000)
    for text in texts:
        assert TOKENIZER.lcut(text) == stock.lcut(text), text
        assert TOKENIZER.lcut(text, HMM=False) == stock.lcut(text, HMM=False), text
        assert TOKENIZER.lcut(text, cut_all=True) == stock.lcut(text, cut_all=True), text
        assert TOKENIZER.lcut_for_search(text) == stock.lcut_for_search(text), text
    assert TOKENIZER.total == stock.total
    assert len(TOKENIZER.FREQ) < len(stock.FREQ) * 0.75  # the prefixes are what it leaves out


def test_a_word_added_later_is_found_whole():
    tokenizer = type(TOKENIZER)()
    assert tokenizer.lcut("村务监督委员会开会") != ["村务监督委员会", "开会"]
    tokenizer.add_word("村务监督委员会", 1000)
    assert tokenizer.lcut("村务监督委员会开会") == ["村务监督委员会", "开会"]


def test_loading_the_dictionary_leaves_pkg_resources_unloaded():
    probe = (
        "import sys; from bot.core import search_terms; search_terms.warm(); "
        "print(search_terms.search_terms('光伏分红'), 'pkg_resources' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['光伏', '分红'] False", out.stdout
