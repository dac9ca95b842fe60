"""A real multiprocess scan (jobs=2) under the network guard, whose workers
try to phone home before indexing each file. Prints the summary as JSON."""

from __future__ import annotations

import functools
import json
import sys

import pyrec_faults

from pyrec import netguard
from pyrec.library import Library
from pyrec.scan.scanner import Scanner

if __name__ == "__main__":
    folder, db, thumbs, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    netguard.install()
    with Library.open(db) as lib:
        summary = Scanner(lib, thumbnail_dir=thumbs, jobs=2,
                          index_fn=functools.partial(pyrec_faults.phone_home, port)).scan([folder])
    print(json.dumps(summary.to_json() | {"parent_blocked": netguard.blocked_attempts()}))
