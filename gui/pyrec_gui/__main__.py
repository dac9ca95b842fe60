"""``python -m pyrec_gui``."""

import sys

from pyrec_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
