"""Schema history. ``PRAGMA user_version`` holds the number of steps applied.

Rules: steps are append-only. A released step is never edited (a library built
by it exists on someone's disk); fix things with a new step. Each step runs in
its own transaction together with the version bump, so a failure leaves the
file exactly at the previous version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyrec.errors import LibraryError
from pyrec.library.connection import APPLICATION_ID, begin_immediate, translate

Step = str | Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Migration:
    version: int  # the user_version after this step
    summary: str
    step: Step  # an SQL script, or a function for work SQL alone cannot express


# v1: the catalogue scan fills — files, probe, text, keyframes, vectors, graph.
_V1_CATALOGUE = f"""
PRAGMA application_id = {APPLICATION_ID};

CREATE TABLE videos (
    id          INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    quick_hash  TEXT    NOT NULL DEFAULT '',
    duration    REAL,
    fps         REAL,
    width       INTEGER,
    height      INTEGER,
    codec       TEXT,
    rotation    INTEGER,
    frame_count INTEGER,
    status      TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed', 'missing')),
    error       TEXT,
    added_at    REAL    NOT NULL,
    updated_at  REAL    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    year        INTEGER,
    season      INTEGER,
    episode     INTEGER,
    plot        TEXT    NOT NULL DEFAULT '',
    media_type  TEXT    NOT NULL DEFAULT '',
    rating      REAL,
    stats       TEXT    NOT NULL DEFAULT '{{}}' CHECK (json_valid(stats))
);
CREATE INDEX videos_status ON videos (status);
-- moved/renamed detection looks files up by content fingerprint
CREATE INDEX videos_fingerprint ON videos (size, quick_hash);

CREATE TABLE texts (
    video_id       INTEGER PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
    original_title TEXT NOT NULL DEFAULT '',
    tagline        TEXT NOT NULL DEFAULT '',
    subtitles      TEXT NOT NULL DEFAULT '',
    sources        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources))
);

CREATE TABLE keyframes (
    video_id   INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    time       REAL    NOT NULL,
    thumbnail  TEXT,
    phash      INTEGER NOT NULL,
    sharpness  REAL    NOT NULL DEFAULT 0,
    brightness REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (video_id, idx)
) WITHOUT ROWID;

CREATE TABLE embeddings (
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    model_id TEXT    NOT NULL,
    dim      INTEGER NOT NULL CHECK (dim > 0),
    dtype    TEXT    NOT NULL DEFAULT 'float32' CHECK (dtype = 'float32'),
    vector   BLOB    NOT NULL CHECK (length(vector) = dim * 4),
    PRIMARY KEY (video_id, model_id)
);
-- embeddings(model_id) reads one model's vectors for every video
CREATE INDEX embeddings_model ON embeddings (model_id, video_id);

-- Primary-key columns first and in key order: SQLite 3.40's integrity_check
-- reports false "NULL value" errors on WITHOUT ROWID tables otherwise.
CREATE TABLE labels (
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    source   TEXT    NOT NULL DEFAULT 'visual',
    name     TEXT    NOT NULL,
    score    REAL    NOT NULL,
    PRIMARY KEY (video_id, source, name)
) WITHOUT ROWID;
CREATE INDEX labels_name ON labels (name);

CREATE TABLE entities (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (kind, name COLLATE NOCASE)
);

CREATE TABLE video_entities (
    video_id  INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    role      TEXT    NOT NULL DEFAULT '',
    weight    REAL    NOT NULL DEFAULT 1.0,
    extra     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (video_id, entity_id, role)
) WITHOUT ROWID;
-- videos_with_entity and document frequencies walk edges from the entity side
CREATE INDEX video_entities_entity ON video_entities (entity_id, video_id);
"""

# v2: full-text search. The FTS row of a video is rebuilt from this view by
# triggers whenever its title, plot, text or graph edges change.
_V2_SEARCH_VIEW = """
CREATE VIEW search_source AS
SELECT
    v.id AS video_id,
    trim(v.title || ' ' || coalesce(t.original_title, '')) AS title,
    trim(v.plot || ' ' || coalesce(t.tagline, '')) AS plot,
    coalesce((SELECT group_concat(e.name, ' ; ')
              FROM video_entities ve JOIN entities e ON e.id = ve.entity_id
              WHERE ve.video_id = v.id AND e.kind = 'person'), '') AS people,
    coalesce((SELECT group_concat(e.name, ' ; ')
              FROM video_entities ve JOIN entities e ON e.id = ve.entity_id
              WHERE ve.video_id = v.id AND e.kind <> 'person'), '') AS tags,
    coalesce(t.subtitles, '') AS subtitles
FROM videos v LEFT JOIN texts t ON t.video_id = v.id;
"""

_V2_SEARCH_TABLE = """
CREATE VIRTUAL TABLE video_search USING fts5(
    title, plot, people, tags, subtitles,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
"""


def _refresh(video_expr: str) -> str:
    return f"""
    DELETE FROM video_search WHERE rowid = {video_expr};
    INSERT INTO video_search (rowid, title, plot, people, tags, subtitles)
        SELECT video_id, title, plot, people, tags, subtitles
        FROM search_source WHERE video_id = {video_expr};"""


_V2_TRIGGERS = f"""
CREATE TRIGGER videos_search_insert AFTER INSERT ON videos BEGIN {_refresh("NEW.id")}
END;
CREATE TRIGGER videos_search_update AFTER UPDATE OF title, plot ON videos BEGIN {_refresh("NEW.id")}
END;
CREATE TRIGGER videos_search_delete AFTER DELETE ON videos BEGIN
    DELETE FROM video_search WHERE rowid = OLD.id;
END;
CREATE TRIGGER texts_search_insert AFTER INSERT ON texts BEGIN {_refresh("NEW.video_id")}
END;
CREATE TRIGGER texts_search_update AFTER UPDATE ON texts BEGIN {_refresh("NEW.video_id")}
END;
CREATE TRIGGER texts_search_delete AFTER DELETE ON texts BEGIN {_refresh("OLD.video_id")}
END;
CREATE TRIGGER edges_search_insert AFTER INSERT ON video_entities BEGIN {_refresh("NEW.video_id")}
END;
CREATE TRIGGER edges_search_delete AFTER DELETE ON video_entities BEGIN {_refresh("OLD.video_id")}
END;
CREATE TRIGGER entities_search_rename AFTER UPDATE OF name ON entities BEGIN
    DELETE FROM video_search
        WHERE rowid IN (SELECT video_id FROM video_entities WHERE entity_id = NEW.id);
    INSERT INTO video_search (rowid, title, plot, people, tags, subtitles)
        SELECT video_id, title, plot, people, tags, subtitles FROM search_source
        WHERE video_id IN (SELECT video_id FROM video_entities WHERE entity_id = NEW.id);
END;
"""


def _v2_search(conn: sqlite3.Connection) -> None:
    """A function, not a script: it must check FTS5 exists and backfill old rows."""
    try:
        conn.execute(_V2_SEARCH_TABLE)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc):
            raise LibraryError("this Python's SQLite lacks FTS5, which pyrec needs for search") from exc
        raise
    run_script(conn, _V2_SEARCH_VIEW)
    run_script(conn, _V2_TRIGGERS)
    conn.execute(
        "INSERT INTO video_search (rowid, title, plot, people, tags, subtitles) "
        "SELECT video_id, title, plot, people, tags, subtitles FROM search_source"
    )


# v3: the behaviour side: who watched, liked or hid what.
_V3_BEHAVIOUR = """
CREATE TABLE profiles (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    created_at REAL    NOT NULL,
    incognito  INTEGER NOT NULL DEFAULT 0 CHECK (incognito IN (0, 1))
);

CREATE TABLE interactions (
    id              INTEGER PRIMARY KEY,
    profile_id      INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    video_id        INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('play', 'like', 'dislike', 'rate', 'hide', 'skip', 'watched')),
    value           REAL,
    position        REAL,
    watched_seconds REAL,
    duration        REAL,
    created_at      REAL    NOT NULL
);
CREATE INDEX interactions_profile_time ON interactions (profile_id, created_at);
CREATE INDEX interactions_video ON interactions (video_id);
"""

# v4: the folders the user added to the library (what "rescan" and folder
# watching cover) and small key/value settings shared by every front end.
_V4_FOLDERS_SETTINGS = """
CREATE TABLE library_folders (
    path     TEXT PRIMARY KEY,
    added_at REAL NOT NULL
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# v6: what the container carries. Moments: timed text a viewer can search and
# jump to (chapters and subtitle cues now; speech and on-screen text later,
# so their kinds are allowed already). Their FTS index keeps no second copy
# of the text (external content), kept in step by triggers as in v2. The
# container's own account (format and codec labels, tags, streams) is one
# row per video beside it, read by `pyrec show` only: a child table, not
# more columns on the hot videos table.
_V6_MOMENTS = """
CREATE TABLE moments (
    id       INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    start    REAL    NOT NULL,
    "end"    REAL    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('chapter', 'subtitle', 'speech', 'screen_text')),
    text     TEXT    NOT NULL,
    language TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX moments_video ON moments (video_id, start);

CREATE TABLE media_info (
    video_id    INTEGER PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
    container   TEXT NOT NULL DEFAULT '',
    video_codec TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
    streams     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(streams))
);

CREATE VIRTUAL TABLE moment_search USING fts5(
    text,
    content = 'moments', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER moments_search_insert AFTER INSERT ON moments BEGIN
    INSERT INTO moment_search (rowid, text) VALUES (NEW.id, NEW.text);
END;
CREATE TRIGGER moments_search_delete AFTER DELETE ON moments BEGIN
    INSERT INTO moment_search (moment_search, rowid, text) VALUES ('delete', OLD.id, OLD.text);
END;
CREATE TRIGGER moments_search_update AFTER UPDATE OF text ON moments BEGIN
    INSERT INTO moment_search (moment_search, rowid, text) VALUES ('delete', OLD.id, OLD.text);
    INSERT INTO moment_search (rowid, text) VALUES (NEW.id, NEW.text);
END;
"""

# v7: duplicates. Dense frame grids (many per second of a short clip) so two
# copies align in time; groups in their own table, keyed by their members, so
# a group the user dismissed stays dismissed while its members are unchanged.
_V7_DUPLICATES = """
CREATE TABLE frame_grids (
    video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    step     REAL NOT NULL,
    grids    BLOB NOT NULL
);
CREATE TABLE dupe_groups (
    id        INTEGER PRIMARY KEY,
    members   TEXT NOT NULL UNIQUE,
    best      INTEGER NOT NULL,
    pairs     TEXT NOT NULL DEFAULT '[]',
    dismissed INTEGER NOT NULL DEFAULT 0,
    found_at  REAL NOT NULL
);
DELETE FROM settings WHERE key = 'recommend.duplicate_groups';
"""

# v9: imported history. Each event knows where it came from ('pyrec' for what
# pyrec recorded itself) and, when imported, its key in that source. The key
# lives on the event row rather than in a separate ledger table: a re-import
# is one INSERT … ON CONFLICT against a unique index (idempotent without a
# join), forgetting a source is one DELETE, and an event removed with its
# video (ON DELETE CASCADE) takes its key with it, so nothing can dangle.
_V9_IMPORTS = """
ALTER TABLE interactions ADD COLUMN source TEXT NOT NULL DEFAULT 'pyrec';
ALTER TABLE interactions ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX interactions_import_key ON interactions (source, profile_id, import_key)
    WHERE import_key IS NOT NULL;
"""

# v10: the deep pass. One row per video and slow reader (speech, on-screen
# text): which version of it ran and whether it finished, so a killed pass resumes where it stopped, a newer reader runs
# again, and a failure is not retried on every pass. A rescan of a changed
# file drops the rows with its other child rows (videos.py).
_V10_DEEP_RUNS = """
CREATE TABLE deep_runs (
    video_id    INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    stage       TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('done', 'failed')),
    error       TEXT,
    seconds     REAL    NOT NULL DEFAULT 0,
    moments     INTEGER NOT NULL DEFAULT 0,
    finished_at REAL    NOT NULL,
    PRIMARY KEY (video_id, stage)
) WITHOUT ROWID;
CREATE INDEX deep_runs_stage ON deep_runs (stage, version);
"""

# v11: an audio fingerprint beside each video's frame grids (aligned video
# with different sound is the same footage in a different edit, not a copy),
# and the kind of each duplicate group ("copies" or "edits").
_V11_DUPLICATE_AUDIO = """
ALTER TABLE frame_grids ADD COLUMN audio_step REAL NOT NULL DEFAULT 0;
ALTER TABLE frame_grids ADD COLUMN audio BLOB;
ALTER TABLE dupe_groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'copies';
"""

# v12: each duplicate group says why its best copy is best ("the 1280x720 copy
# is an upscale"), so the page that offers to trash the others can say so.
_V12_DUPLICATE_WHY = """
ALTER TABLE dupe_groups ADD COLUMN why TEXT NOT NULL DEFAULT '';
"""

# v13: meaning search that says where. Each video's timed lines grouped into
# short passages (features/passages.py says why that size), one text-model
# vector each. Keyed by video, kind and start: a passage is one kind's lines.
# A passage is only ever as fresh as its moments: any insert, delete or text
# change of a video's moments of a kind drops that kind's passages in the same
# transaction (the triggers), and the scan / deep pass embed what is missing.
# made_at (indexed) tells a search session that passages changed.
_V13_PASSAGES = """
CREATE TABLE moment_passages (
    id       INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind IN ('chapter', 'subtitle', 'speech', 'screen_text')),
    start    REAL    NOT NULL,
    "end"    REAL    NOT NULL,
    text     TEXT    NOT NULL,
    lines    INTEGER NOT NULL,
    model    TEXT    NOT NULL,
    vector   BLOB    NOT NULL,
    made_at  REAL    NOT NULL,
    UNIQUE (video_id, kind, start)
);
CREATE INDEX moment_passages_made ON moment_passages (made_at);
CREATE TRIGGER moments_passages_insert AFTER INSERT ON moments BEGIN
    DELETE FROM moment_passages WHERE video_id = NEW.video_id AND kind = NEW.kind;
END;
CREATE TRIGGER moments_passages_delete AFTER DELETE ON moments BEGIN
    DELETE FROM moment_passages WHERE video_id = OLD.video_id AND kind = OLD.kind;
END;
CREATE TRIGGER moments_passages_update AFTER UPDATE OF text, start, "end", kind ON moments BEGIN
    DELETE FROM moment_passages WHERE video_id = OLD.video_id AND kind = OLD.kind;
    DELETE FROM moment_passages WHERE video_id = NEW.video_id AND kind = NEW.kind;
END;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "catalogue: videos, texts, keyframes, embeddings, labels, entity graph", _V1_CATALOGUE),
    Migration(2, "full-text search over title, plot, people, tags, subtitles", _v2_search),
    Migration(3, "profiles and interactions", _V3_BEHAVIOUR),
    Migration(4, "library folders and settings", _V4_FOLDERS_SETTINGS),
    # NULL: the whole file plays (or it was scanned before this was measured).
    Migration(5, "damaged files: the seconds that really play", "ALTER TABLE videos ADD COLUMN playable REAL;"),
    Migration(6, "moments (chapters, subtitle cues) with full-text search; container tags and streams",
              _V6_MOMENTS),
    Migration(7, "duplicates: dense frame grids, groups with dismissals", _V7_DUPLICATES),
    # 0 for every row stored before: the next scan indexes those files again (records.EXTRACTOR_VERSION).
    Migration(8, "which extractors stored each video (upgrade pass)",
              "ALTER TABLE videos ADD COLUMN extracted INTEGER NOT NULL DEFAULT 0;"),
    Migration(9, "imported history: each event's source and its key there (idempotent, undoable imports)",
              _V9_IMPORTS),
    Migration(10, "deep pass: which slow readers (speech, on-screen text) ran on each video", _V10_DEEP_RUNS),
    Migration(11, "duplicates: audio fingerprints with the frame grids; same footage with a different edit",
              _V11_DUPLICATE_AUDIO),
    Migration(12, "duplicates: why the best copy is best, in words", _V12_DUPLICATE_WHY),
    Migration(13, "meaning search that says where: an embedding per passage of a video's moments", _V13_PASSAGES),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the caller's transaction.

    (sqlite3's executescript would COMMIT first, breaking the one-transaction
    guarantee.) complete_statement understands trigger bodies with inner ';'."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                conn.execute(buffer)
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement at the end of a migration script: {buffer[:80]!r}")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(version: int, path: Path | str) -> None:
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"this library was written by a newer pyrec (schema version {version}; "
            f"this pyrec knows up to {SCHEMA_VERSION}); upgrade pyrec to open it",
            path,
        )


def migrate(
    conn: sqlite3.Connection, path: Path | str, *, target: int = SCHEMA_VERSION, busy_timeout: float = 10.0
) -> int:
    """Apply every step above the file's version up to ``target``; returns the
    version reached. Safe when two processes open an old library at once: each
    step re-reads the version under the write lock."""
    check_version(user_version(conn), path)
    for migration in MIGRATIONS:
        if migration.version > target or migration.version <= user_version(conn):
            continue
        # Table rebuilds in later steps need foreign keys off; this pragma is
        # ignored inside a transaction, so it is switched around it.
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            _apply(conn, Path(path), migration, busy_timeout)
        finally:
            conn.execute("PRAGMA foreign_keys = ON")
    return user_version(conn)


def _apply(conn: sqlite3.Connection, path: Path, migration: Migration, busy_timeout: float) -> None:
    begin_immediate(conn, path, busy_timeout)
    try:
        current = user_version(conn)
        if current < migration.version:  # else another process got here first
            if current != migration.version - 1:
                raise LibraryError(f"schema version {current} cannot take step {migration.version}", path)
            if isinstance(migration.step, str):
                run_script(conn, migration.step)
            else:
                migration.step(conn)
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise LibraryError(
                    f"migration to version {migration.version} left a dangling reference in {broken[0]}", path
                )
            conn.execute(f"PRAGMA user_version = {migration.version}")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, LibraryError) and exc.path is None:
            raise LibraryError(exc.reason, path) from exc
        if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
            raise translate(exc, path) from exc
        raise
