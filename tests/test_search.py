"""Search that understands Vietnamese: tone- and diacritic-insensitive with đ→d, the words as typed ranked
first, Telex and VNI read, several words a phrase, glossary entries found on their own, and the index in
step with the library (installed, updated, removed courses)."""

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.pages import text

from builder.build import build
from player.search.folding import Term, alphabetical, fold, key, typed_terms
from player.search.index import SearchIndex, query_phrases
from player.web.services import services


def test_names_sort_in_vietnamese_dictionary_order():
    """a ă â … d đ … o ô ơ … u ư v, then the tones (ngang huyền hỏi ngã sắc nặng): not by character code, which
    puts every Đ after V, nor folded, which puts Đặng before Dương."""
    ordered = ["An", "Ăn", "Ân", "Doãn", "Dương Văn Cường", "Đặng Thị Bình", "Đỗ Mạnh", "Nguyễn Thị Lả",
               "Nguyễn Thị Lan", "Nguyễn Thị Làn", "Nguyễn Thị Lản", "Nguyễn Thị Lãn", "Nguyễn Thị Lán", "Nguyễn Thị Lạn",
               "On", "Ôn",
               "Ơn", "Ung", "Ưng", "Vũ Văn An"]
    assert sorted(reversed(ordered), key=alphabetical) == ordered
    assert alphabetical("Đỗ Mạnh") == alphabetical("Đỗ Mạnh")[:2] + ("Đỗ Mạnh",)  # NFD and NFC alike


@given(st.lists(st.text(max_size=12), max_size=8))
def test_any_names_sort_without_error_and_stably(names):
    assert sorted(names, key=alphabetical) == sorted(sorted(names, key=alphabetical), key=alphabetical)


@pytest.mark.parametrize("word, its_key, folded", [
    ("Đường", "dduwowngf", "duong"), ("công", "coong", "cong"), ("cổng", "coongr", "cong"),
    ("hoà", "hoaf", "hoa"), ("hòa", "hoaf", "hoa"), ("người", "nguwowif", "nguoi"), ("wifi", "wifi", "wifi"),
])
def test_every_word_has_a_key_with_its_marks_and_a_folded_form(word, its_key, folded):
    assert (key(word), fold(word)) == (its_key, folded)


@pytest.mark.parametrize("typed, meant", [
    ("dduwowngf", Term("dduwowngf", "duong")), ("duowngf", Term("duwowngf", "duong")),
    ("cong6", Term("coong", "cong")), ("d9uong72", Term("dduwowngf", "duong")), ("nhw", Term("nhuw", "nhu")),
    ("hofa", Term("hoaf", "hoa")), ("giuwxa", Term("giuwax", "giua")), ("đường", Term("dduwowngf", "duong")),
])
def test_telex_and_vni_are_read_as_the_words_they_type(typed, meant):
    assert meant in typed_terms(typed)


def test_a_typed_word_is_also_taken_as_it_stands():
    assert Term("wifi", "wifi") in typed_terms("wifi")
    assert typed_terms("duong") == {Term("duong", "duong")}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_query_is_a_valid_fts5_query(query):
    """Nothing a learner types is FTS5 syntax: every query runs (and finds nothing in an empty index)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE entries USING fts5(title_keys, title_folded, body_keys, body_folded)")
    phrases = query_phrases(query)
    if phrases:
        assert db.execute("SELECT * FROM entries WHERE entries MATCH ?", (" OR ".join(phrases),)).fetchall() == []


@pytest.fixture
def searching(tmp_path, make_player, publisher_key, content_bundle, mini_course):
    """A learner of a player with two real courses and a small one made to tell công from cổng."""
    lessons = mini_course / "lessons"
    (lessons / "01-gioi-thieu.md").write_text(
        '---\nid: gioi-thieu\ntitle: "Cổng của xã"\n---\nCái cổng sắt ở đầu đường làng.\n', encoding="utf-8")
    (lessons / "02-dang-nhap.md").write_text(
        '---\nid: dang-nhap\ntitle: "Việc chung"\n---\nĐây là việc công, làm vì mọi người.\n\n'
        "Từ cần biết\n:   Một câu giải thích.\n", encoding="utf-8")
    (lessons / "03-ky-so.md").write_text('---\nid: ky-so\ntitle: "Khác"\n---\nBài này nói chuyện khác. Biển xanh dương.\n',
                                         encoding="utf-8")
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    for bundle in (build(mini_course, tmp_path / "dist", use_cache=False, signer=publisher_key),
                   content_bundle("dich-vu-cong"), content_bundle("ky-nang-so-co-ban")):
        services(app).library.install(bundle)
    client = app.test_client()
    client.sign_in()
    return app, client


def found(app, query: str, limit: int = 500) -> list[tuple[str, str, str]]:
    with app.test_request_context():
        return [(hit.course_id, hit.lesson_id, hit.kind)
                for hit in services(app).search.search(services(app).library, query, limit)]


def marked(app, query: str) -> list[str]:
    """The first word each result marks, in the order of the results."""
    with app.test_request_context():
        hits = services(app).search.search(services(app).library, query, 500)
    return [re.search(r"<mark>(.*?)</mark>", f"{hit.title} {hit.snippet}").group(1).lower() for hit in hits]


def test_duong_dduwowngf_and_cong_find_what_a_vietnamese_reader_expects(searching):
    """Without marks every word that folds to it; in Telex the word as written first; `cong` is công."""
    app, _ = searching
    assert ("mini", "gioi-thieu", "lesson") in found(app, "duong")  # "đầu đường làng"
    assert {"đường", "dương"} <= set(marked(app, "duong"))
    telex = [word == "đường" for word in marked(app, "dduwowngf")]
    assert telex[0] and telex == sorted(telex, reverse=True), "every “đường” before any word that only folds alike"
    assert ("mini", "gioi-thieu", "lesson") in found(app, "dduwowngf")
    assert ("mini", "dang-nhap", "lesson") in found(app, "cong") and "công" in marked(app, "cong")


def test_the_word_as_typed_comes_before_words_that_only_fold_alike(searching):
    app, _ = searching
    mini = [hit for hit in found(app, "công") if hit[0] == "mini"]
    assert mini.index(("mini", "dang-nhap", "lesson")) < mini.index(("mini", "gioi-thieu", "lesson"))
    mini = [hit for hit in found(app, "cổng") if hit[0] == "mini"]
    assert mini.index(("mini", "gioi-thieu", "lesson")) < mini.index(("mini", "dang-nhap", "lesson"))
    assert ("mini", "dang-nhap", "lesson") in found(app, "cong6")  # VNI


def test_several_words_are_a_phrase(searching):
    app, _ = searching
    assert ("mini", "gioi-thieu", "lesson") in found(app, "duong lang")
    assert ("mini", "gioi-thieu", "lesson") not in found(app, "lang duong")
    assert found(app, "dich vu cong truc tuyen")[0][0] == "dich-vu-cong"


def test_glossary_entries_are_found_on_their_own(searching):
    app, _ = searching
    assert ("mini", "dang-nhap", "glossary") in found(app, "tu can biet")
    glossary = [hit for hit in found(app, "bo phan mot cua") if hit[2] == "glossary"]
    assert glossary and glossary[0][:2] == ("dich-vu-cong", "tu-dien")


def test_a_term_explained_alike_in_two_lessons_of_a_course_is_found_once(searching):
    """dich-vu-cong explains "Mật khẩu" in the same words in its safety lesson and its glossary."""
    app, _ = searching
    with app.test_request_context():
        hits = services(app).search.search(services(app).library, "mat khau", 500)
    terms = [(hit.course_id, str(hit.title)) for hit in hits if hit.kind == "glossary"]
    assert terms.count(("dich-vu-cong", "<mark>Mật</mark> <mark>khẩu</mark>")) == 1, terms


def test_the_page_marks_the_words_found_and_escapes_the_rest(searching):
    app, client = searching
    page = text(client.get("/search?q=duong+lang"))
    assert 'href="/courses/mini/lessons/gioi-thieu">Cổng của xã</a>' in page
    assert "<mark>đường</mark> <mark>làng</mark>" in page
    assert "kết quả cho “duong lang”" in page
    hostile = text(client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E"))
    assert "<script>alert" not in hostile and "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "Không tìm thấy" in hostile


def test_search_needs_a_learner(searching):
    app, _ = searching
    response = app.test_client().get("/search?q=cong", headers={"Accept": "text/html"})
    assert response.status_code == 303 and "/learners/" in response.headers["Location"]


def test_the_index_follows_the_library(searching, mini_course, tmp_path, publisher_key):
    app, _ = searching
    assert ("mini", "ky-so", "lesson") in found(app, "chuyen khac")
    lesson = mini_course / "lessons" / "03-ky-so.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("chuyện khác", "chuyện mới"), encoding="utf-8")
    config = mini_course / "course.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.1.0"), encoding="utf-8")
    services(app).library.install(build(mini_course, tmp_path / "dist2", use_cache=False, signer=publisher_key))
    assert ("mini", "ky-so", "lesson") not in found(app, "chuyen khac")
    assert ("mini", "ky-so", "lesson") in found(app, "chuyen moi")
    services(app).library.remove("mini")
    assert [hit for hit in found(app, "chuyen moi") if hit[0] == "mini"] == []


def test_a_damaged_index_is_built_again(searching):
    app, _ = searching
    path = services(app).paths.search_index
    services(app).search = None
    path.write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    services(app).search = SearchIndex(path)
    assert ("mini", "gioi-thieu", "lesson") in found(app, "duong lang")
