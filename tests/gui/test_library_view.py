"""The app opens on a real library and its grid fills, pages, filters and paints."""

from __future__ import annotations

from pyrec_gui.models.library import LibraryModel, LibraryQuery
from pyrec_gui.thumbnails import cover
from pyrec_gui.workers import ServiceRunner
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QImage

from pyrec.service import PyrecService


def test_app_opens_and_library_grid_fills(window, qtbot, sample_library) -> None:
    window.show_page("library")
    model = window.library.model
    qtbot.waitUntil(lambda: model.rowCount() == sample_library.videos and model.exhausted, timeout=5000)
    with PyrecService(window.service.db_path) as check:
        ids = {v["id"] for v in check.videos(limit=None)}
    assert set(model.ids()) == ids
    qtbot.waitUntil(lambda: window.library.count.text() == f"{sample_library.videos} videos", timeout=3000)


def test_model_pages_through_the_library_with_fetch_more(qtbot, library_copy) -> None:
    service = PyrecService(library_copy)
    runner = ServiceRunner(service)
    model = LibraryModel(runner, page_size=5)
    pages: list[int] = []
    model.page_loaded.connect(pages.append)
    model.set_query(LibraryQuery(order="title"))
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=3000)
    assert model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        before = model.rowCount()
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda b=before: model.rowCount() > b or model.exhausted, timeout=3000)
    titles = [model.index(r).data(Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())]
    assert model.rowCount() == service.count_videos() > 10
    assert titles == sorted(titles, key=str.casefold)
    assert pages[:3] == [5, 5, 5]
    runner.shutdown()
    service.close()


def test_screenshot_shows_thumbnails_where_the_cards_are(window, qtbot, sample_library) -> None:
    window.show_page("library")
    grid, model = window.library.grid, window.library.model
    qtbot.waitUntil(lambda: model.exhausted and model.rowCount() == sample_library.videos, timeout=5000)
    window.library.sort.setCurrentIndex(window.library.sort.findData("title"))  # a known layout
    qtbot.waitUntil(lambda: model.exhausted and model.rowCount() == sample_library.videos, timeout=5000)
    row = next(r for r in range(model.rowCount()) if model.item(r)["title"] == "Neon Alley")
    index, video = model.index(row), model.item(row)
    grid.scrollTo(index)
    rect = grid.delegate.thumb_rect(grid.visualRect(index))
    dpr = window.devicePixelRatioF()
    size = rect.size()
    qtbot.waitUntil(lambda: window.thumbnails.peek(video["thumbnail"], size, dpr) is not None, timeout=5000)
    qtbot.wait(50)  # let the repaint that follows the decode happen
    shot = window.grab().toImage()
    expected = cover(QImage(video["thumbnail"]), round(size.width() * dpr), round(size.height() * dpr))
    top_left = grid.viewport().mapTo(window, rect.topLeft())
    background = window.palette().color(window.backgroundRole())
    off_background, differences = 0, []
    for y in range(8, size.height() - 8, 6):  # inside the rounded corners
        for x in range(8, size.width() - 70, 6):  # left of the duration badge
            got = shot.pixelColor(round((top_left.x() + x) * dpr), round((top_left.y() + y) * dpr))
            want = expected.pixelColor(round(x * dpr), round(y * dpr))
            differences.append(abs(got.red() - want.red()) + abs(got.green() - want.green())
                               + abs(got.blue() - want.blue()))
            off_background += abs(got.lightness() - background.lightness()) > 40
    assert off_background / len(differences) > 0.8, "the card's thumbnail area looks like empty background"
    assert sum(differences) / len(differences) < 30, "what is painted there is not this video's thumbnail"


def test_clicking_a_genre_on_the_detail_page_filters_the_library(window, qtbot, sample_library) -> None:
    with PyrecService(window.service.db_path) as check:
        facets = check.facets()
        documentary = next(g for g in facets["genres"] if g["name"] == "Documentary")
        video = next(v for v in check.videos(limit=None) if v["title"] == "Canopy")
    window.open_video(video)
    qtbot.waitUntil(lambda: bool(window.detail.links()), timeout=5000)
    shown = {target[2] for _label, _href, target in window.detail.links() if target[0] == "person"}
    assert shown == {"Mira Okafor", "Jon Ellery"}
    label, href, _target = next(link for link in window.detail.links() if link[2][:2] == ("genre", documentary["id"]))
    label.linkActivated.emit(href)  # what clicking that link in the label does
    assert window.current_page() == "library"
    model = window.library.model
    qtbot.waitUntil(lambda: model.exhausted and model.rowCount() == documentary["count"], timeout=5000)
    titles = {model.item(r)["title"] for r in range(model.rowCount())}
    assert titles == {"Tidewater", "Salt Lines", "Canopy", "First Snow"}
    assert window.library.combos["genre"].currentData() == documentary["id"]
    window.library.clear_filters()
    qtbot.waitUntil(lambda: model.exhausted and model.rowCount() == sample_library.videos, timeout=5000)


def test_keyboard_opens_a_video_and_goes_back(window, qtbot, sample_library) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "library"
    grid, model = window.library.grid, window.library.model
    qtbot.waitUntil(lambda: model.rowCount() == sample_library.videos, timeout=5000)
    grid.setFocus()
    grid.setCurrentIndex(model.index(0))
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.currentIndex().row() == 1
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert window.current_page() == "detail"
    qtbot.waitUntil(lambda: window.detail.title.text() == model.item(1)["title"], timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_page() == "library"


def test_hovering_a_card_shows_its_keyframe_strip(window, qtbot, sample_library) -> None:
    window.show_page("library")
    grid, model = window.library.grid, window.library.model
    qtbot.waitUntil(lambda: model.rowCount() == sample_library.videos, timeout=5000)
    center: QPoint = grid.visualRect(model.index(2)).center()
    qtbot.mouseMove(grid.viewport(), center)
    qtbot.waitUntil(lambda: window.preview.strip.isVisible(), timeout=3000)
    assert window.preview.visible_video() == model.item(2)["id"]
    assert 1 < len(window.preview.strip.keyframes) <= 5


def test_leaving_search_returns_to_exactly_one_page(window, qtbot, sample_library) -> None:
    window.show_page("library")
    qtbot.waitUntil(lambda: window.library.model.rowCount() == sample_library.videos, timeout=5000)
    window.open_video(window.library.model.item(0))
    window.activateWindow()
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "sn")
    assert window.current_page() == "search"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.current_page() == "detail"
    assert [key for key, page in window.pages.items() if page.isVisible()] == ["detail"]
    # Hiding a page can hand the focus to the sidebar, and a sidebar without a
    # current row then selects "Home" — in the middle of this navigation.
    # That nested navigation must not leave two pages visible.
    def sidebar_grabs_focus(_index: int) -> None:
        if window.nav.currentRow() < 0:
            window.nav.setCurrentRow(0)

    window.stack.currentChanged.connect(sidebar_grabs_focus)
    window.show_page("library")
    window.stack.currentChanged.disconnect(sidebar_grabs_focus)
    assert [key for key, page in window.pages.items() if page.isVisible()] == ["library"]
    assert window.current_page() == "library"


HIDPI_SCRIPT = """
import sys
from PySide6.QtCore import QEventLoop, QTimer
from pyrec.service import PyrecService
from pyrec_gui import theme
from pyrec_gui.app import make_app
from pyrec_gui.main_window import MainWindow
from pyrec_gui.settings import Settings

app = make_app([])
theme.apply(app)
service = PyrecService(sys.argv[1], cache_dir=sys.argv[2])
window = MainWindow(service, settings=Settings(sys.argv[3]))
window.resize(1000, 700)
window.show()
window.start()
window.show_page("library")
for _ in range(200):
    if window.thumbnails.decoded >= 4:
        break
    loop = QEventLoop(); QTimer.singleShot(25, loop.quit); loop.exec()
card = window.library.grid.delegate.card.thumb_size
sizes = {(w, h) for (_p, w, h) in window.thumbnails.cached()}
print(window.devicePixelRatioF(), card.width(), card.height(), sorted(sizes))
window.shutdown()
service.close()
"""


def test_thumbnails_are_decoded_at_the_screens_pixel_density(library_copy, sample_library, tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    done = subprocess.run([sys.executable, "-c", HIDPI_SCRIPT, str(library_copy), str(sample_library.cache),
                           str(tmp_path / "gui.ini")], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr[-800:]
    dpr, width, height, sizes = done.stdout.strip().split(" ", 3)
    assert float(dpr) == 2.0
    assert f"({int(width) * 2}, {int(height) * 2})" in sizes  # device pixels, not upscaled logical ones


def test_watched_filter_shows_what_this_profile_watched(window, qtbot, sample_library) -> None:
    with PyrecService(window.service.db_path) as check:
        ids = {v["title"]: v["id"] for v in check.videos(limit=None)}
        check.mark_watched(ids["Canopy"], window.profile)
        check.record_play(ids["Whiteout"], window.profile, watched_seconds=0.5, position=0.5)  # a quarter: started
    window.show_page("library")
    combo, model = window.library.watched, window.library.model
    assert combo.isEnabled()
    for state, expected in (("watched", {"Canopy"}), ("in-progress", {"Whiteout"})):
        combo.setCurrentIndex(combo.findData(state))
        qtbot.waitUntil(lambda: model.exhausted and {model.item(r)["title"] for r in range(model.rowCount())}
                        == expected, timeout=5000)
    combo.setCurrentIndex(combo.findData("unwatched"))
    qtbot.waitUntil(lambda: model.exhausted and model.rowCount() == sample_library.videos - 2, timeout=5000)


def test_the_detail_page_swaps_the_thumbnail_for_a_sharp_frame_from_the_video(make_window, qtbot, tmp_path) -> None:
    import cv2
    import numpy as np

    from pyrec.demo.clips import render_clip

    clip = render_clip(tmp_path / "wide" / "Wide.Harbour.2020.mp4", "ocean", seconds=2, size=(640, 360), seed=5)
    db = tmp_path / "wide.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as seed:
        assert seed.scan([clip.parent], jobs=1).added == 1
        (video,) = seed.videos()
        keyframes = seed.video(video["id"])["keyframes"]
    window = make_window(db)
    window.open_video(video)
    frame = window.detail.frame
    assert frame.sharp is None  # the thumbnail first …
    qtbot.waitUntil(lambda: frame.sharp is not None, timeout=10000)  # … then the sharp frame
    pixmap = frame.pixmap()
    assert pixmap is not None and pixmap.width() == frame.device_size().width() > 320
    assert (pixmap.width(), pixmap.height()) == (frame.device_size().width(), frame.device_size().height())

    # the same frame, decoded here independently: the keyframe whose thumbnail the cards show
    time = next(k["time"] for k in keyframes if k["thumbnail"] == video["thumbnail"])
    cap = cv2.VideoCapture(str(clip))
    cap.set(cv2.CAP_PROP_POS_FRAMES, round(time * cap.get(cv2.CAP_PROP_FPS)))
    ok, decoded = cap.read()
    cap.release()
    assert ok
    w, h = pixmap.width(), pixmap.height()
    expected = cv2.resize(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB), (w, h), interpolation=cv2.INTER_AREA)
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    shown = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    diff = float(np.mean(np.abs(shown.astype(np.int16) - expected.astype(np.int16))))
    assert diff < 4.0, f"mean abs difference {diff:.1f} from the decoded frame"
    # and sharper than the 320 px thumbnail blown up to the same size
    thumb = cv2.cvtColor(cv2.imread(video["thumbnail"]), cv2.COLOR_BGR2RGB)
    blown_up = cv2.resize(thumb, (w, h), interpolation=cv2.INTER_LINEAR)
    assert diff < float(np.mean(np.abs(blown_up.astype(np.int16) - expected.astype(np.int16))))


def test_the_sharp_frame_falls_back_to_the_thumbnail_when_the_file_is_gone(library_copy, sample_library,
                                                                            tmp_path) -> None:
    import shutil

    folder = tmp_path / "moved"
    shutil.copytree(sample_library.folder, folder)
    with PyrecService(tmp_path / "gone.sqlite", cache_dir=sample_library.cache) as service:
        service.scan([folder], jobs=1)
        video = service.videos(limit=1)[0]
        from_video = service.frame(video["id"], width=480, height=270)
        height, width, _ = from_video["image"].shape
        assert from_video["source"] == "video" and height >= 270 and width >= 480  # covers the box, and is
        assert width == 480 or height == 270 or (width, height) == (video["width"], video["height"])  # no bigger
        import os

        os.unlink(video["path"])
        fallback = service.frame(video["id"], time=12.5, width=480, height=270)
        assert fallback["source"] == "thumbnail" and fallback["image"] is not None
