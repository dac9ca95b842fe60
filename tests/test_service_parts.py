"""The service's own contract beyond recommending: profiles are made on
purpose, copies go to the trash through the service (and the library knows),
the home page is a handful of queries, and importing the service stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyrec.demo.sample_library import build_sample_library
from pyrec.errors import NotFoundError, PyrecError
from pyrec.service import PyrecService


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parts")
    build_sample_library(root / "videos", seconds=2)
    with PyrecService(root / "lib.sqlite", cache_dir=root / "cache") as service:
        service.scan([root / "videos"], jobs=1)
    return root


@pytest.fixture
def service(scanned: Path, tmp_path: Path):
    db = tmp_path / "lib.sqlite"
    shutil.copy(scanned / "lib.sqlite", db)
    with PyrecService(db, cache_dir=scanned / "cache") as svc:
        yield svc


def _ids(service: PyrecService) -> dict[str, int]:
    return {v["title"]: v["id"] for v in service.videos(limit=None)}


# -- profiles -----------------------------------------------------------------------------
def test_reading_never_creates_a_profile(service: PyrecService) -> None:
    assert service.profiles() == []
    assert service.history() == [] and service.forget() == 0  # the default profile reads as empty
    nobody = [[i["id"] for i in s["items"]] for s in service.shelves(limit=3)]
    first_look = service.recommend(n=3)  # no history: the library's range, claiming no taste
    assert len(first_look) == 3 and all(i["reasons"][0].startswith("one of ") for i in first_look)
    assert service.count_videos(watched="unwatched") == service.count_videos()
    assert service.profiles() == []
    service.create_profile("fresh")  # answered as for a new profile with no history
    assert [[i["id"] for i in s["items"]] for s in service.shelves("fresh", limit=3)] == nobody


def test_an_unknown_profile_is_a_clear_error_naming_it(service: PyrecService) -> None:
    video = service.videos(limit=1)[0]["id"]
    for call in (lambda: service.profile("kdis"), lambda: service.like(video, "kdis"),
                 lambda: service.history("kdis"), lambda: service.recommend("kdis"),
                 lambda: service.shelves("kdis"), lambda: service.export("kdis"), lambda: service.forget("kdis")):
        with pytest.raises(NotFoundError, match="no profile named 'kdis'"):
            call()
    assert service.profiles() == []


def test_profiles_are_created_on_purpose_and_the_default_by_its_first_event(service: PyrecService) -> None:
    video = service.videos(limit=1)[0]["id"]
    kids = service.create_profile("kids")
    assert service.profile("Kids").id == kids["id"]  # names compare without case
    assert service.like(video, "kids") is not None
    assert [p["name"] for p in service.profiles()] == ["kids"]
    assert service.like(video) is not None  # no profile named: the default one, made now
    assert [p["name"] for p in service.profiles()] == ["kids", "default"]
    assert [e["kind"] for e in service.history()] == ["like"] and len(service.history("kids")) == 1


# -- trashing copies -------------------------------------------------------------------------
def test_trash_copies_trashes_the_files_and_marks_them_missing(service: PyrecService, tmp_path: Path) -> None:
    ids = _ids(service)
    original = next(v for v in service.videos(limit=None) if v["title"] == "Tidewater")
    copy = tmp_path / "elsewhere" / "Tidewater copy.mp4"
    copy.parent.mkdir()
    shutil.copy(original["path"], copy)
    service.scan([copy.parent], remember=False, jobs=1)
    copy_id = service.resolve(copy).id
    service.like(copy_id)
    before = service.count_videos()
    result = service.trash_copies([copy_id])
    assert result == {"trashed": [str(copy)], "video_ids": [copy_id], "errors": []}
    assert not copy.exists() and Path(original["path"]).exists()
    row = service.library.video(copy_id)  # kept, with its history, but no longer in the library's videos
    assert row.status == "missing"
    assert service.library.video(ids["Tidewater"]).status == "ok"
    assert service.count_videos() == before - 1
    assert [e["video"]["id"] for e in service.history()] == [copy_id]
    assert copy_id not in {i["id"] for i in service.recommend(n=30)}


def test_trash_copies_needs_send2trash(service: PyrecService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "send2trash", None)  # any import of it now fails
    video = service.videos(limit=1)[0]
    with pytest.raises(PyrecError, match="send2trash"):
        service.trash_copies([video["id"]])
    assert Path(video["path"]).exists()


def test_a_file_that_cannot_be_trashed_is_one_line(service: PyrecService) -> None:
    video = next(v for v in service.videos(limit=None) if v["title"] == "Canopy")
    Path(video["path"]).rename(video["path"] + ".gone")
    try:
        result = service.trash_copies([video["id"]])
    finally:
        Path(video["path"] + ".gone").rename(video["path"])
    assert result["trashed"] == [] and len(result["errors"]) == 1
    assert result["errors"][0].startswith(video["path"]) and "\n" not in result["errors"][0]
    assert service.library.video(video["id"]).status == "ok"


# -- the home page's queries -------------------------------------------------------------------
def _statements(service: PyrecService, call) -> tuple[list[str], object]:
    seen: list[str] = []
    conn = service.library._live()
    conn.set_trace_callback(seen.append)
    try:
        result = call()
    finally:
        conn.set_trace_callback(None)
    return [s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT")], result


def test_the_home_page_is_a_few_queries_however_many_cards(service: PyrecService) -> None:
    ids = _ids(service)
    for title in ("The Well", "Canopy", "Neon Alley"):
        service.record_play(ids[title], watched_seconds=0.9, position=0.9)
    service.like(ids["Tidewater"])
    service.shelves(limit=20)  # builds the recommender (its reads are the recommender's, not the page's)
    queries, shelves = _statements(service, lambda: (service.count_videos(), service.shelves(limit=20)))
    cards = sum(len(s["items"]) for s in shelves[1])  # type: ignore[index]
    assert cards >= 15
    # count, the profile, the videos of every card in one read, their thumbnails in one more
    assert len(queries) <= 6, queries


def test_cards_come_from_one_read_of_the_videos(service: PyrecService) -> None:
    ids = _ids(service)
    service.like(ids["Neon Alley"])
    service.similar(ids["Neon Alley"], n=15)  # builds the recommender
    queries, items = _statements(service, lambda: service.similar(ids["Neon Alley"], n=15))
    assert len(items) >= 10  # type: ignore[arg-type]
    reads = [q for q in queries if "FROM videos v" in q]
    assert len(reads) == 2 and "v.id IN" in reads[1], queries  # the video asked about, then every card's


# -- start-up -----------------------------------------------------------------------------------
def test_importing_the_service_loads_no_media_stack() -> None:
    code = ("import sys, pyrec.service, pyrec.shapes; "
            "print([m for m in ('cv2', 'onnxruntime', 'pyrec.scan.scanner', 'pyrec.features.frames') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
