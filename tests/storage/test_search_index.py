"""storage.search_index: published disclosures and wall posts found by words standing apart,
best match first, by index lookups only (ARC-10)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from storage import search_index, topic_answers, topic_board, topics
from storage.migrations import m007_search_words
from storage.search_index import index_words
from tests.storage.factories import DUE, FILED, OFFICIAL, disclosure, topic


def indexed(db: Database, title: str, body: str, rows: str) -> int:
    """A new disclosure indexed with these texts; its id."""
    disclosure_id = disclosure(db)
    search_index.index_disclosure(db, disclosure_id, title, body, rows)
    return disclosure_id


def found(db: Database, words: list[str], village_code: str | None = None) -> list[int]:
    return [hit.id for hit in search_index.find_disclosures(db, words, village_code, 10)]


def test_chinese_and_numbers_are_stored_as_pairs_and_other_words_whole():
    assert search_index.index_words("光伏电站，Road 国道") == "光伏 伏电 电站 站 road 国道 道"
    assert search_index.index_words("２０２６年") == "20 02 26 6 年"


def test_a_query_word_is_the_phrase_of_its_pairs_and_short_words_are_prefixes():
    assert search_index.match_expression(["光伏电站", "村"]) == '"光伏 伏电 电站" AND "村" *'
    assert search_index.match_expression(["G318国道"]) == '"g" * AND "31 18" AND "国道"'
    assert search_index.match_expression(["%", '"']) is None


def test_words_standing_apart_are_found_in_title_body_and_rows(db):
    title = indexed(db, "光伏电站分红公示", "", "")
    body = indexed(db, "三月村务", "村口修建道路，今年修路三公里", "")
    rows = indexed(db, "低保名单", "", "张*三 低保对象 民主评议 通过")
    assert found(db, ["光伏", "分红"]) == [title]
    assert found(db, ["修路"]) == [body]
    assert found(db, ["低保", "评议"]) == [rows]


def test_sharing_a_character_is_not_sharing_a_word(db):
    search_index.index_disclosure(db, disclosure(db), "修建水渠", "道路", "")
    assert found(db, ["修路"]) == []
    assert found(db, ["分红"]) == []


def test_a_single_character_is_found_anywhere_in_a_run(db):
    d = indexed(db, "水渠", "", "")
    assert found(db, ["水"]) == [d]
    assert found(db, ["渠"]) == [d]


def test_a_part_of_a_number_is_found(db):
    d = indexed(db, "电话", "13812345678", "")
    assert found(db, ["5678"]) == [d]
    assert found(db, ["5679"]) == []


def test_every_word_must_match(db):
    search_index.index_disclosure(db, disclosure(db), "三月村务", "村口修路工程", "")
    assert found(db, ["修路", "桥梁"]) == []
    assert found(db, []) == []


def test_best_match_first(db):
    once = disclosure(db)
    body = "其中一项是修路，还有很多别的事项要公开"
    search_index.index_disclosure(db, once, "三月村务", body, "")
    titled = indexed(db, "修路工程公示", "修路款项", "")
    assert found(db, ["修路"]) == [titled, once]


def test_search_filters_by_village(db):
    here, there = disclosure(db), disclosure(db, village_code="hexi")
    search_index.index_disclosure(db, here, "修路", "", "")
    search_index.index_disclosure(db, there, "修路", "", "")
    assert found(db, ["修路"], "hexi") == [there]


def test_indexing_again_replaces_the_entry(db):
    disclosure_id = indexed(db, "旧标题", "", "")
    search_index.index_disclosure(db, disclosure_id, "新标题", "", "")
    assert found(db, ["旧标题"]) == []
    assert found(db, ["新标题"]) == [disclosure_id]


def test_hits_carry_the_indexed_texts(db):
    indexed(db, "修路", "正文", "张*三 100")
    hit = search_index.find_disclosures(db, ["修路"], None, 10)[0]
    assert (hit.title, hit.body, hit.rows) == ("修路", "正文", "张*三 100")


def test_search_uses_the_full_text_index_and_scans_no_text(db):
    expression = search_index.match_expression(["光伏", "分红"])
    for table, rank, join in (
        (
            "disclosure_search",
            search_index.DISCLOSURE_RANK,
            "JOIN disclosures d ON d.id = disclosure_search.rowid",
        ),
        ("wall_search", search_index.WALL_RANK, "JOIN topics t ON t.id = wall_search.rowid"),
    ):
        plan = [
            r["detail"]
            for r in db.query(
                f"EXPLAIN QUERY PLAN SELECT {table}.rowid FROM {table} {join} "
                f"WHERE {table} MATCH ? ORDER BY {rank} LIMIT 10",
                [expression],
            )
        ]
        assert any(p.startswith(f"SCAN {table} VIRTUAL TABLE INDEX 0:M") for p in plan), plan
        assert any("USING INTEGER PRIMARY KEY" in p for p in plan), plan


def test_the_migration_rebuilds_the_index_from_what_was_public(db):
    d = disclosure(db)
    db.execute("DROP TABLE disclosure_search")
    db.execute("DROP TABLE wall_search")
    db.execute(
        "CREATE VIRTUAL TABLE disclosure_search USING fts5(title, body, rows, tokenize = 'trigram')"
    )
    db.execute(
        "INSERT INTO disclosure_search (rowid, title, body, rows) VALUES (?, ?, ?, ?)",
        [d, "光伏电站分红", "正文", "张*三 低保"],
    )
    answered = topic(db, receipt="2026-0001", text="光伏分红什么时候发")
    topic(db, receipt="2026-0002", text="光伏分红还没答复")  # never answered: not on the wall
    _answer(db, answered)
    m007_search_words(db)
    assert found(db, ["光伏", "分红"]) == [d]
    hit = search_index.find_disclosures(db, ["低保"], None, 10)[0]
    assert (hit.title, hit.body, hit.rows) == ("光伏电站分红", "正文", "张*三 低保")
    on_wall = topic_board.search_candidates(db, ["光伏", "分红"])
    assert [r.topic.id for r in on_wall] == [answered]
    assert [r.topic.id for r in topic_board.search_candidates(db, ["月底"])] == [answered]


def _three_matches(db: Database) -> tuple[int, int, int]:
    """The best match (in its title) filed first, then two newer ones with the word in the body."""
    titled = indexed(db, "修路工程公示", "修路款项", "")
    newer = indexed(db, "三月村务", "其中一项是修路，还有别的事项", "")
    newest = indexed(db, "四月村务", "修路", "")
    return titled, newer, newest


def test_a_common_word_is_ranked_among_its_newest_matches(db, monkeypatch):
    titled, newer, newest = _three_matches(db)
    assert found(db, ["修路"]) == [titled, newest, newer]
    monkeypatch.setattr(search_index, "RANK_WINDOW", 2)
    assert found(db, ["修路"]) == [newest, newer]
    monkeypatch.setattr(search_index, "RANK_WINDOW", 3)
    assert found(db, ["修路"]) == [titled, newest, newer]


def test_one_villages_search_ranks_all_its_matches(db, monkeypatch):
    titled, newer, newest = _three_matches(db)
    monkeypatch.setattr(search_index, "RANK_WINDOW", 1)
    assert found(db, ["修路"], "qingshan") == [titled, newest, newer]


def test_an_offset_pages_on_in_the_same_order(db):
    titled, newer, newest = _three_matches(db)
    pages = [search_index.find_disclosures(db, ["修路"], None, 2, offset) for offset in (0, 2)]
    assert [[hit.id for hit in page] for page in pages] == [[titled, newest], [newer]]


def _answer(db: Database, topic_id: int) -> None:
    """An official's answer to the topic, on time."""
    answer_id = topic_answers.add_answer(
        db,
        topic_id=topic_id,
        kind="answer",
        reason=None,
        text="月底发放",
        link=None,
        attachment_kind=None,
        attachment_file_id=None,
        by_user_id=OFFICIAL,
        by_post="会计",
        at=FILED,
        due_date=DUE,
        on_time=True,
    )
    topics.respond(db, topic_id, answer_id, "answered", FILED)


def _on_wall(db: Database, receipt: str, question: str) -> int:
    topic_id = topic(db, receipt=receipt, text=question)
    _answer(db, topic_id)
    search_index.index_wall_post(db, topic_id, question, "月底发放")
    return topic_id


def test_the_wall_ranks_a_common_word_among_its_newest_posts(db, monkeypatch):
    best = _on_wall(db, "2026-0001", "分红分红分红")
    newer = _on_wall(db, "2026-0002", "光伏电站的分红什么时候发到每户")

    def wall(village_code: str | None = None) -> list[int]:
        return [r.topic.id for r in topic_board.search_candidates(db, ["分红"], village_code)]

    assert wall() == [best, newer]
    monkeypatch.setattr(search_index, "RANK_WINDOW", 1)
    assert wall() == [newer]
    assert wall("qingshan") == [best, newer]
    assert [r.topic.id for r in topic_board.search_candidates(db, ["分红"], offset=1)] == []


def test_holds_answers_as_the_index_would():
    text = "村口修建道路，2026年 Road 修好"
    assert search_index.holds(text, "修建") and search_index.holds(text, "路")
    assert search_index.holds(text, "02") and search_index.holds(text, "ro")
    assert not search_index.holds(text, "修路")  # 修 and 路 in the text, not side by side
    assert not search_index.holds(text, "oad")  # another word is found by its beginning
    assert not search_index.holds(text, "，")  # nothing to look up


# Han characters, digits, letters with and without accents, and what separates words.
_PIECES = [*"修路灯坏村口合同低保水渠0123", "ab", "Road", "café", "CAFE", "é", "ß", "Ｒ", "１"]
_PIECES += [" ", "，", "。", "-", "_", "😀", "ア"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_TEXTS, min_size=1, max_size=12), words=st.lists(_TEXTS, max_size=8))
def test_holds_agrees_with_the_index_on_any_text(texts, words):
    """The neighbour check counts a word in a village's recent topics (`holds`, `word_counts`)
    instead of asking an FTS5 index of their words: both must find the same texts."""
    db = Database(memory=True)
    db.execute("CREATE VIRTUAL TABLE texts USING fts5(words, tokenize = 'unicode61')")
    for n, text in enumerate(texts):
        db.execute("INSERT INTO texts (rowid, words) VALUES (?, ?)", [n, index_words(text)])
    for word in [*words, *(w for t in texts for w in t.split())]:
        expression = search_index.match_expression([word])
        sql = "SELECT rowid FROM texts WHERE texts MATCH ?"
        indexed = {r[0] for r in db.execute(sql, [expression])} if expression else set()
        assert {n for n, t in enumerate(texts) if search_index.holds(t, word)} == indexed, word
        assert search_index.word_counts(texts, [word]) == {word: len(indexed)}, word
