"""The detail page's rows for what the container carries."""

from __future__ import annotations

from typing import Any

from pyrec_gui.views.detail import media_rows


def test_format_chapters_tracks_and_first_lines() -> None:
    def moment(time: float, kind: str, text: str) -> dict[str, Any]:
        return {"time": time, "end": time + 1, "kind": kind, "text": text, "language": "eng", "where": ""}

    full: Any = {
        "media": {"container": "Matroska", "video_codec": "H.264", "label": "H.264 in Matroska", "tags": {},
                  "streams": []},
        "chapters": [moment(0, "chapter", "Calm"), moment(720, "chapter", "Storm & <Sea>")],
        "subtitle_tracks": [{"index": 2, "kind": "subtitle", "codec": "SubRip", "language": "eng", "title": "",
                             "text_based": True, "cues": 2}],
        "moments": [moment(0, "chapter", "Calm"), moment(6, "subtitle", "The lighthouse keeper waits.")],
    }
    assert media_rows(full) == [
        ("Format", "H.264 in Matroska"),
        ("Chapters", '<a href="t:0.000">0:00</a> Calm · <a href="t:720.000">12:00</a> Storm &amp; &lt;Sea&gt;'),
        ("Subtitles", "eng SubRip"),
        ("Moments", '<a href="t:6.000">0:06</a> <span style="color:gray">said</span> The lighthouse keeper waits.'),
    ]
    assert media_rows({"media": None, "chapters": [], "subtitle_tracks": [], "moments": []}) == []
