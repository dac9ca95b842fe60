"""A GUI-like process: one long-lived service, browsing and recording plays
and likes while another process scans the same library. Prints JSON."""

from __future__ import annotations

import json
import sys
import time

from pyrec import netguard
from pyrec.service import PyrecService

if __name__ == "__main__":
    db, events = sys.argv[1], int(sys.argv[2])
    netguard.install()
    recorded = 0
    seen_at_start = 0
    with PyrecService(db) as service:
        deadline = time.monotonic() + 60
        while service.count_videos() == 0:  # wait for the scanner's first commit
            if time.monotonic() > deadline:
                sys.exit("no video appeared in 60 s")
            time.sleep(0.05)
        seen_at_start = service.count_videos()
        for i in range(events):
            videos = service.videos(limit=50)
            service.facets()
            target = videos[i % len(videos)]["id"]
            if service.record_play(target, position=1.0, watched_seconds=1.0) is not None:
                recorded += 1
            if i % 3 == 0 and service.like(target) is not None:
                recorded += 1
    print(json.dumps({"recorded": recorded, "seen_at_start": seen_at_start}))
