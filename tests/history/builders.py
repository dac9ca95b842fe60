"""Small source databases with the real schemas of each program (the
columns pyrec reads, as the programs create them), filled with made-up
history. No real user data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

KODI_SCHEMA = """
CREATE TABLE version (idVersion integer, iCompressCount integer);
CREATE TABLE files (idFile integer primary key, idPath integer, strFilename text, playCount integer,
                    lastPlayed text, dateAdded text);
CREATE TABLE path (idPath integer primary key, strPath text, strContent text, strScraper text, strHash text,
                   scanRecursive integer, useFolderNames bool, strSettings text, noUpdate bool, exclude bool,
                   allAudio bool, dateAdded text, idParentPath integer);
CREATE TABLE bookmark (idBookmark integer primary key, idFile integer, timeInSeconds double,
                       totalTimeInSeconds double, thumbNailImage text, player text, playerState text, type integer);
CREATE TABLE movie (idMovie integer primary key, idFile integer, c00 text, c01 text, c07 text, idSet integer,
                    userrating integer, premiered text);
CREATE TABLE tvshow (idShow integer primary key, c00 text, userrating integer, duration integer);
CREATE TABLE episode (idEpisode integer primary key, idFile integer, c00 text, c12 varchar(24), c13 varchar(24),
                      idShow integer, userrating integer, idSeason integer);
CREATE TABLE uniqueid (uniqueid_id INTEGER PRIMARY KEY, media_id INTEGER, media_type TEXT, value TEXT, type TEXT);
"""


def kodi_db(path: Path, *, folder: str = "smb://nas/movies/") -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(KODI_SCHEMA)
    conn.execute("INSERT INTO version VALUES (131, 0)")
    conn.execute("INSERT INTO path (idPath, strPath) VALUES (1, ?), (2, 'smb://nas/tv/Show/')", (folder,))
    conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", [
        (1, 1, "Hunt.mkv", 2, "2021-03-04 21:30:00", "2020-01-01 10:00:00"),  # watched twice, rated
        (2, 1, "Half.mkv", None, "2022-05-06 20:00:00", "2020-01-01 10:00:00"),  # a resume point only
        (3, 1, "Never.mkv", None, None, "2020-01-01 10:00:00"),  # nothing happened
        (4, 2, "Show.S01E02.mkv", 1, "2023-01-02 19:00:00", "2020-01-01 10:00:00"),
        (5, 1, "Elsewhere.mkv", 1, "2023-02-02 19:00:00", "2020-01-01 10:00:00"),  # not in the library
    ])
    conn.execute("INSERT INTO bookmark (idFile, timeInSeconds, totalTimeInSeconds, type) VALUES (2, 1800.5, 5400, 1)")
    conn.execute("INSERT INTO bookmark (idFile, timeInSeconds, totalTimeInSeconds, type) VALUES (1, 60, 5400, 0)")
    conn.executemany("INSERT INTO movie (idMovie, idFile, c00, premiered, userrating) VALUES (?, ?, ?, ?, ?)", [
        (1, 1, "The Hunt for Red October", "1990-03-02", 8), (2, 2, "Half Way", "2001-01-01", None)])
    conn.execute("INSERT INTO tvshow (idShow, c00) VALUES (1, 'Show')")
    conn.execute("INSERT INTO episode (idEpisode, idFile, c00, c12, c13, idShow) VALUES (1, 4, 'Two', '1', '2', 1)")
    conn.execute("INSERT INTO uniqueid (media_id, media_type, value, type) VALUES (1, 'movie', 'tt0099810', 'imdb')")
    conn.commit()
    conn.close()
    return path


JELLYFIN_1011 = """
CREATE TABLE Users (Id TEXT NOT NULL CONSTRAINT PK_Users PRIMARY KEY, Username TEXT NOT NULL, InternalId INTEGER);
CREATE TABLE BaseItems (Id TEXT NOT NULL CONSTRAINT PK_BaseItems PRIMARY KEY, Type TEXT NOT NULL, Path TEXT,
    Name TEXT, ProductionYear INTEGER, IndexNumber INTEGER, ParentIndexNumber INTEGER, SeriesName TEXT,
    RunTimeTicks INTEGER, DateCreated TEXT);
CREATE TABLE BaseItemProviders (ItemId TEXT NOT NULL, ProviderId TEXT NOT NULL, ProviderValue TEXT NOT NULL,
    CONSTRAINT PK_BaseItemProviders PRIMARY KEY (ItemId, ProviderId));
CREATE TABLE UserData (CustomDataKey TEXT NOT NULL, UserId TEXT NOT NULL, ItemId TEXT NOT NULL, Rating REAL,
    PlaybackPositionTicks INTEGER NOT NULL, PlayCount INTEGER NOT NULL, IsFavorite INTEGER NOT NULL,
    LastPlayedDate TEXT, Played INTEGER NOT NULL, AudioStreamIndex INTEGER, SubtitleStreamIndex INTEGER,
    Likes INTEGER, RetentionDate TEXT,
    CONSTRAINT PK_UserData PRIMARY KEY (ItemId, UserId, CustomDataKey));
"""
ALICE, BOB = "5f2c0c1e-0000-4000-8000-00000000a11c", "5f2c0c1e-0000-4000-8000-000000000b0b"
ITEM_HUNT, ITEM_HALF = "1b6f0000-0000-4000-8000-000000000001", "1b6f0000-0000-4000-8000-000000000002"


def jellyfin_1011(folder: Path, media: str = "/data/movies") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "jellyfin.db"
    conn = sqlite3.connect(db)
    conn.executescript(JELLYFIN_1011)
    conn.executemany("INSERT INTO Users (Id, Username) VALUES (?, ?)", [(ALICE, "alice"), (BOB, "bob")])
    conn.executemany("INSERT INTO BaseItems VALUES (?, 'MediaBrowser.Controller.Entities.Movies.Movie', ?, ?, ?, "
                     "NULL, NULL, NULL, ?, '2020-01-01 00:00:00')", [
                         (ITEM_HUNT, f"{media}/Hunt.mkv", "The Hunt for Red October", 1990, 54000000000),
                         (ITEM_HALF, f"{media}/Half.mkv", "Half Way", 2001, 54000000000)])
    conn.execute("INSERT INTO BaseItemProviders VALUES (?, 'Imdb', 'tt0099810')", (ITEM_HUNT,))
    conn.executemany("INSERT INTO UserData (CustomDataKey, UserId, ItemId, Rating, PlaybackPositionTicks, PlayCount, "
                     "IsFavorite, LastPlayedDate, Played) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                         ("k1", ALICE, ITEM_HUNT, 9.0, 0, 3, 1, "2024-02-03 20:15:00.1234567Z", 1),
                         ("k2", ALICE, ITEM_HALF, None, 12_000_000_000, 0, 0, "2024-02-04 21:00:00Z", 0),
                         ("k1", BOB, ITEM_HUNT, None, 0, 1, 0, "2024-01-01 10:00:00Z", 1)])
    conn.commit()
    conn.close()
    return db


def jellyfin_108(folder: Path, media: str = "/data/movies") -> Path:
    """10.8–10.10: history in library.db, user names in jellyfin.db."""
    folder.mkdir(parents=True, exist_ok=True)
    users = sqlite3.connect(folder / "jellyfin.db")
    users.execute("CREATE TABLE Users (Id TEXT NOT NULL PRIMARY KEY, Username TEXT NOT NULL, InternalId INTEGER NOT NULL)")
    users.execute("INSERT INTO Users VALUES (?, 'alice', 1)", (ALICE,))
    users.commit()
    users.close()
    conn = sqlite3.connect(folder / "library.db")
    conn.executescript("""
        create table TypedBaseItems (guid GUID primary key NOT NULL, type TEXT NOT NULL, data BLOB NULL,
            ParentId GUID NULL, Path TEXT NULL, Name Text, ProductionYear INT, IndexNumber INT, ParentIndexNumber INT,
            SeriesName Text, RunTimeTicks BIGINT, DateCreated DATETIME, ProviderIds Text);
        create table UserDataKeys (ItemId GUID not null, UserDataKey Text not null, Priority INT not null,
            PRIMARY KEY (ItemId, UserDataKey));
        create table UserDatas (key nvarchar not null, userId INT not null, rating float null, played bit not null,
            playCount int not null, isFavorite bit not null, playbackPositionTicks bigint not null,
            lastPlayedDate datetime null, AudioStreamIndex INT, SubtitleStreamIndex INT);
        """)
    conn.execute("INSERT INTO TypedBaseItems (guid, type, Path, Name, ProductionYear, RunTimeTicks, DateCreated, "
                 "ProviderIds) VALUES (?, 'Movie', ?, 'The Hunt for Red October', 1990, 54000000000, "
                 "'2020-01-01 00:00:00Z', 'Imdb=tt0099810|Tmdb=1669')", (bytes(range(16)), f"{media}/Hunt.mkv"))
    conn.execute("INSERT INTO UserDataKeys VALUES (?, 'tt0099810', 0)", (bytes(range(16)),))
    conn.execute("INSERT INTO UserDatas (key, userId, rating, played, playCount, isFavorite, playbackPositionTicks, "
                 "lastPlayedDate) VALUES ('tt0099810', 1, 7.5, 1, 2, 0, 0, '2023-06-07 08:09:10Z')")
    conn.commit()
    conn.close()
    return folder / "library.db"


PLEX_SCHEMA = """
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name varchar(255), hashed_password varchar(255), salt varchar(255),
    created_at datetime, updated_at datetime);
CREATE TABLE metadata_items (id INTEGER PRIMARY KEY, library_section_id integer, parent_id integer,
    metadata_type integer, guid varchar(255), title varchar(255), year integer, "index" integer,
    duration integer, originally_available_at datetime, added_at datetime);
CREATE TABLE media_items (id INTEGER PRIMARY KEY, library_section_id integer, metadata_item_id integer,
    size integer, duration integer);
CREATE TABLE media_parts (id INTEGER PRIMARY KEY, media_item_id integer, directory_id integer, hash varchar(255),
    open_subtitle_hash varchar(255), file varchar(255), size integer, duration integer);
CREATE TABLE metadata_item_settings (id INTEGER PRIMARY KEY, account_id integer, guid varchar(255), rating float,
    view_offset integer, view_count integer, last_viewed_at datetime, created_at datetime, updated_at datetime,
    skip_count integer, last_skipped_at datetime);
CREATE TABLE metadata_item_views (id INTEGER PRIMARY KEY, account_id integer, guid varchar(255),
    metadata_type integer, library_section_id integer, grandparent_title varchar(255), parent_index integer,
    "index" integer, title varchar(255), viewed_at datetime);
"""


def plex_db(path: Path, media: str = "/srv/plex/movies") -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(PLEX_SCHEMA)
    conn.execute("INSERT INTO accounts (id, name) VALUES (1, 'owner')")
    conn.executemany('INSERT INTO metadata_items (id, metadata_type, parent_id, guid, title, year, "index", duration) '
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                         (1, 1, None, "com.plexapp.agents.imdb://tt0099810?lang=en", "The Hunt for Red October",
                          1990, None, 5400000),
                         (2, 1, None, "plex://movie/5d776b59ad5437001f79c6f8", "Half Way", 2001, None, 5400000)])
    conn.executemany("INSERT INTO media_items (id, metadata_item_id) VALUES (?, ?)", [(1, 1), (2, 2)])
    conn.executemany("INSERT INTO media_parts (media_item_id, file, size) VALUES (?, ?, ?)",
                     [(1, f"{media}/Hunt.mkv", 1000), (2, f"{media}/Half.mkv", 1000)])
    conn.executemany("INSERT INTO metadata_item_settings (account_id, guid, rating, view_offset, view_count, "
                     "last_viewed_at) VALUES (1, ?, ?, ?, ?, ?)", [
                         ("com.plexapp.agents.imdb://tt0099810?lang=en", 10.0, None, 2, 1700000000),
                         ("plex://movie/5d776b59ad5437001f79c6f8", None, 1_234_000, 0, 1700100000)])
    conn.executemany("INSERT INTO metadata_item_views (account_id, guid, metadata_type, title, viewed_at) "
                     "VALUES (1, ?, 1, 'The Hunt for Red October', ?)",
                     [("com.plexapp.agents.imdb://tt0099810?lang=en", 1600000000),
                      ("com.plexapp.agents.imdb://tt0099810?lang=en", 1700000000)])
    conn.commit()
    conn.close()
    return path


def trakt_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    movie = {"title": "The Hunt for Red October", "year": 1990,
             "ids": {"trakt": 1, "slug": "the-hunt-for-red-october-1990", "imdb": "tt0099810", "tmdb": 1669}}
    other = {"title": "Not Here", "year": 2010, "ids": {"trakt": 2, "imdb": "tt9999999"}}
    (folder / "watched-history.json").write_text(json.dumps([
        {"id": 101, "watched_at": "2019-05-01T20:00:00.000Z", "action": "watch", "type": "movie", "movie": movie},
        {"id": 102, "watched_at": "2020-05-01T20:00:00.000Z", "action": "scrobble", "type": "movie", "movie": movie},
        {"id": 103, "watched_at": "2020-06-01T20:00:00.000Z", "action": "watch", "type": "movie", "movie": other},
        {"id": 104, "watched_at": "2021-01-01T20:00:00.000Z", "action": "watch", "type": "episode",
         "episode": {"season": 1, "number": 2, "title": "Two", "ids": {"trakt": 9}},
         "show": {"title": "Show", "year": 2018, "ids": {"trakt": 8}}},
    ]))
    (folder / "ratings-movies.json").write_text(json.dumps([
        {"rated_at": "2020-05-02T10:00:00.000Z", "rating": 9, "type": "movie", "movie": movie}]))
    (folder / "watchlist-movies.json").write_text(json.dumps([
        {"rank": 1, "listed_at": "2020-01-01T00:00:00.000Z", "type": "movie", "movie": other}]))
    return folder
