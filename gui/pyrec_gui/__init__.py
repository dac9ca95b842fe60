"""pyrec desktop app (PySide6): Qt models and views over pyrec.service."""

from pyrec_gui.compat import protect_singletons

protect_singletons()  # before any Qt call: see compat.py
