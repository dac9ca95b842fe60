"""``pyrec`` with the network guard installed first, then exits with the
CLI's code. Prints the guard's refusal count on stderr as its last line."""

from __future__ import annotations

import sys

from pyrec import netguard

if __name__ == "__main__":
    netguard.install()
    from pyrec.cli import main

    code = main(sys.argv[1:])
    sys.stderr.write(f"netguard-blocked={netguard.blocked_attempts()}\n")
    sys.exit(code)
