"""The GUI's search page on a real scanned film: a paraphrase that shares
none of the film's words finds it by meaning and says where, exactly as a
word hit does ("said at 0:04: “…”": the line of the matching passage that
means what was asked), from the same card moments."""

from __future__ import annotations

from pyrec_gui.models.items import Role

from .test_player import long_library  # noqa: F401 - the fixture: "Storm Watch" with lines at 0:01, 0:04.5, 0:08


def test_a_paraphrase_says_where_on_the_search_page(make_window, qtbot, long_library) -> None:  # noqa: F811
    window = make_window(long_library)
    window.search_for("vessels going past a tower with a lamp after dark")  # "Ships pass the lighthouse at night."
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0, timeout=20000)
    index = window.search.model.index(0)
    assert index.data(Role.Video)["title"] == "Storm Watch"
    reason = index.data(Role.Reason)
    assert reason == "said at 0:04: “Ships pass the lighthouse at night.”", reason  # the line, not its passage's first
    assert "said at 0:04" in index.data(0x0003)  # the tooltip lists the place too (Qt.ToolTipRole)


def test_nonsense_says_nowhere_on_the_search_page(make_window, qtbot, long_library) -> None:  # noqa: F811
    window = make_window(long_library)
    with qtbot.waitSignal(window.search.results_ready, timeout=20000):
        window.search_for("qwxz zzkj")  # 0.27 from the chapter title "Calm": below the floor
    rows = [window.search.model.index(i) for i in range(window.search.model.rowCount())]
    assert not [r for r in rows if r.data(Role.Video).get("moments")]
