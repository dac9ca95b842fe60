"""The desktop app, offscreen, under the network guard: open a library, let
the home shelves load (recommendations computed in worker threads), search,
open a video's page, then quit. Prints what loaded and the guard's refusal
count as its last line."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pyrec import netguard  # noqa: E402

if __name__ == "__main__":
    netguard.install()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from pyrec.service import PyrecService
    from pyrec_gui.main_window import MainWindow
    from pyrec_gui.settings import Settings

    db, settings_file = sys.argv[1], sys.argv[2]
    app = QApplication([])
    service = PyrecService(db)
    window = MainWindow(service, settings=Settings(settings_file))
    loaded: list[int] = []
    window.home.shelves_loaded.connect(loaded.append)
    window.show()
    window.start()
    QTimer.singleShot(6000, lambda: window.search.set_query("clip"))
    QTimer.singleShot(12000, app.quit)  # shelves, search and thumbnails have had time to load
    app.exec()
    window.shutdown()
    service.close()
    print(f"shelves={loaded[-1] if loaded else 0}")
    sys.stderr.write(f"netguard-blocked={netguard.blocked_attempts()}\n")
