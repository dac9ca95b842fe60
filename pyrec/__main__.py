import sys

from pyrec.cli import main

sys.exit(main())
