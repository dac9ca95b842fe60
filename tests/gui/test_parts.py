"""The small parts on their own: thumbnail cache, theme, icons, notices, workers."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from pyrec_gui import icons, theme
from pyrec_gui.models.items import ItemsModel, Role, format_duration, keyframe_stamps, progress_of
from pyrec_gui.notices import NoticeAction, NoticeBar
from pyrec_gui.playback import infer_watched
from pyrec_gui.settings import Settings
from pyrec_gui.thumbnails import ThumbnailCache, cover
from pyrec_gui.workers import ServiceRunner
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]


def _jpeg(path: Path, colour: str) -> str:
    image = QImage(QSize(320, 180), QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))  # format from the .jpg suffix
    return str(path)


def test_thumbnail_cache_loads_off_thread_and_keeps_only_the_newest(qtbot, tmp_path) -> None:
    cache = ThumbnailCache(capacity=2)
    paths = [_jpeg(tmp_path / f"{i}.jpg", c) for i, c in enumerate(("red", "green", "blue"))]
    size = QSize(100, 56)
    for path in paths:
        assert cache.get(path, size, 2.0) is None  # a miss never blocks
        with qtbot.waitSignal(cache.ready, timeout=3000) as ready:
            pass
        assert ready.args == [path]
    pixmap = cache.peek(paths[2], size, 2.0)
    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (200, 112)  # device pixels
    assert abs(pixmap.toImage().pixelColor(100, 56).blue() - 255) < 20
    assert len(cache) == 2 and cache.peek(paths[0], size, 2.0) is None  # the oldest was evicted
    assert cache.bytes == 2 * 200 * 112 * 4
    assert cache.get(str(tmp_path / "missing.jpg"), size) is None
    qtbot.wait(200)
    assert cache.get(str(tmp_path / "missing.jpg"), size) is None and cache.decoded == 3
    cache.shutdown()


def test_thumbnail_cache_stays_within_its_memory_budget(qtbot, tmp_path) -> None:
    cache = ThumbnailCache(budget_bytes=3 * 100 * 56 * 4)  # room for three 100×56 pixmaps
    size = QSize(100, 56)
    for i in range(5):
        path = _jpeg(tmp_path / f"{i}.jpg", "gray")
        with qtbot.waitSignal(cache.ready, timeout=3000):
            assert cache.get(path, size) is None
    assert len(cache) == 3 and cache.bytes <= cache.budget_bytes
    assert [Path(p).name for p, _w, _h in cache.cached()] == ["2.jpg", "3.jpg", "4.jpg"]
    cache.shutdown()


def test_cover_crops_to_fill_without_bars() -> None:
    tall = QImage(QSize(100, 300), QImage.Format.Format_RGB32)
    tall.fill(QColor("white"))
    out = cover(tall, 160, 90)
    assert (out.width(), out.height()) == (160, 90)
    assert out.pixelColor(0, 45) == QColor("white") and out.pixelColor(159, 45) == QColor("white")


def test_dark_scheme_gives_a_dark_palette(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(theme.THEME_ENV, "dark")
    theme.apply(qapp)
    assert theme.is_dark(qapp.palette())
    monkeypatch.setenv(theme.THEME_ENV, "light")
    theme.apply(qapp)
    assert not theme.is_dark(qapp.palette())
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_icons_are_tinted_in_the_text_colour(qapp: QApplication) -> None:
    for name in icons.names():
        image = icons.icon(name, "#ff0000").pixmap(32, 32).toImage()
        painted = [image.pixelColor(x, y) for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() > 200]
        assert painted, f"icon {name} paints nothing"
        assert all(c.red() > 200 and c.green() < 60 for c in painted), name


def test_the_packaged_icon_is_the_desktop_icon() -> None:
    assert filecmp.cmp(icons.APP_ICON, ROOT / "packaging" / "pyrec.svg", shallow=False)
    desktop = (ROOT / "packaging" / "pyrec.desktop").read_text(encoding="utf-8")
    assert "Exec=pyrec-gui" in desktop and "Icon=pyrec" in desktop


def test_notices_stack_replace_by_key_and_run_actions(qtbot) -> None:
    bar = NoticeBar(limit=2)
    qtbot.addWidget(bar)
    bar.show()
    clicked: list[str] = []
    bar.error("first", key="a")
    bar.error("second", key="a")  # replaces
    assert [n.spec.text for n in bar.notices] == ["second"]
    bar.ask("question?", [NoticeAction("Yes", lambda: clicked.append("yes"))])
    bar.info("third", timeout_ms=None)
    assert [n.spec.text for n in bar.notices] == ["question?", "third"]  # limit 2: oldest dropped
    bar.notices[0].buttons[0].click()
    assert clicked == ["yes"] and [n.spec.text for n in bar.notices] == ["third"]


def test_runner_delivers_results_and_errors_on_the_gui_thread(qtbot) -> None:
    import threading

    runner = ServiceRunner(service=object())
    main = threading.get_ident()
    seen: list[tuple[str, int, object]] = []
    runner.submit(lambda _s: threading.get_ident(), lambda worker: seen.append(("done", threading.get_ident(), worker)))
    with qtbot.waitSignal(runner.error, timeout=3000) as failed:
        runner.submit(lambda _s: 1 / 0)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert seen[0][1] == main and seen[0][2] != main  # ran elsewhere, answered here
    assert failed.args == ["ZeroDivisionError: division by zero"]
    runner.shutdown()


def test_item_roles_and_formats() -> None:
    model = ItemsModel([{"id": 3, "title": "", "path": "/v/The.Film.mkv", "duration": 3725, "position": 1862.5,
                         "reasons": ["Because you liked Canopy"], "thumbnail": "/t.jpg"}])
    index = model.index(0)
    assert index.data() == "The.Film"
    assert index.data(Role.Duration) == "1:02:05"
    assert index.data(Role.Reason) == "Because you liked Canopy"
    assert index.data(Role.Progress) == pytest.approx(0.5)
    assert format_duration(59) == "0:59" and progress_of({"duration": 10}) is None
    continuing = {"duration": 100.0, "reason_details": [{"kind": "continue", "data": {"position": 25.0}}]}
    assert progress_of(continuing) == pytest.approx(0.25)
    assert infer_watched(120, 60) == 60 and infer_watched(30, 60, start_position=45) == 15
    assert model.remove_ids({3}) == 1 and model.rowCount() == 0


def test_the_binding_refcount_guard_keeps_a_busy_app_alive(tmp_path) -> None:
    """PySide6 6.12.0 on Python < 3.12 leaks references to None (void calls)
    and True (Signal.emit); without the guard this child aborts."""
    import subprocess
    import sys

    from pyrec_gui.compat import needs_guard

    assert needs_guard("6.12.0", (3, 11)) and not needs_guard("6.11.0", (3, 11))
    assert not needs_guard("6.12.0", (3, 12))
    script = (
        "import sys, pyrec_gui\n"
        "from PySide6.QtCore import QObject, QRect, Signal\n"
        "class R(QObject):\n    s = Signal()\n"
        "r, rect = R(), QRect()\n"
        "for _ in range(20000):\n    rect.setWidth(3)\n    r.s.emit()\n"
        "print('alive', sys.getrefcount(None) > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "alive True"


def test_settings_flags_read_ini_strings_and_round_trip(tmp_path: Path) -> None:
    ini = tmp_path / "gui.ini"
    ini.write_text("[scan]\nwatch_folders=false\nrescan_on_start=true\n", encoding="utf-8")
    settings = Settings(ini)
    assert settings.watch_folders is False and settings.rescan_on_start is True
    assert settings.desktop_entry_offered is False  # the default when absent
    settings.desktop_entry_offered = True
    settings.watch_folders = True
    settings._qs.sync()
    again = Settings(ini)
    assert again.desktop_entry_offered is True and again.watch_folders is True


def test_keyframe_stamps_tell_frames_of_a_short_clip_apart() -> None:
    assert keyframe_stamps([0.0, 62.4, 3725.0]) == ["0:00", "1:02", "1:02:05"]
    assert keyframe_stamps([0.0, 0.4, 1.6, None]) == ["0:00.0", "0:00.4", "0:01.6", "0:00.0"]


def test_a_damaged_card_wears_a_red_badge(qapp: QApplication) -> None:
    """Painted for real: the "Damaged" badge in the thumbnail's top-left
    corner, only on the truncated file; its tooltip says how much plays."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem
    from pyrec_gui.widgets.card_delegate import DAMAGED_RED, CardDelegate

    base = {"title": "Storm", "path": "/v/storm.mkv", "duration": 1800.0, "thumbnail": None}
    model = ItemsModel([{**base, "id": 1, "status": "damaged", "playable": 905.0},
                        {**base, "id": 2, "status": "ok", "playable": None}])
    assert model.index(0).data(Role.Damage) == "only 15:05 of 30:00 plays"
    assert model.index(1).data(Role.Damage) == ""
    assert "Damaged: only 15:05 of 30:00 plays" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    delegate = CardDelegate(ThumbnailCache(threads=1))

    def red_pixels(row: int) -> int:
        option = QStyleOptionViewItem()
        option.palette = qapp.palette()
        option.font = qapp.font()
        size = delegate.sizeHint(option, model.index(row))
        option.rect = QRect(0, 0, size.width(), size.height())
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        delegate.paint(painter, option, model.index(row))
        painter.end()
        thumb = delegate.thumb_rect(option.rect)
        corner = [image.pixelColor(x, y) for x in range(thumb.left(), thumb.left() + 60)
                  for y in range(thumb.top(), thumb.top() + 24)]
        return sum(1 for c in corner if c == QColor(DAMAGED_RED))

    assert red_pixels(0) > 100
    assert red_pixels(1) == 0
