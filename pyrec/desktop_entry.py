"""Put the desktop app in the applications menu: ``pyrec desktop-entry``.

Writes ``pyrec.desktop`` into ``$XDG_DATA_HOME/applications`` and the icon
into ``$XDG_DATA_HOME/icons/hicolor/scalable/apps`` (default
``~/.local/share``), with ``Exec=`` and ``TryExec=`` naming the absolute path
of the ``pyrec-gui`` script this very installation put on disk, so a menu
entry made from a virtualenv starts that virtualenv's pyrec.

The installed file remembers what it wrote (``X-Pyrec-*`` keys: the icon, its
sha256 and the folders it had to create), so ``uninstall`` removes exactly
that and nothing a user or a distribution package put there. Installing twice
changes nothing; a ``pyrec.desktop`` that pyrec did not write is left alone
unless ``force`` is given.

The template and icon ship inside the ``pyrec_gui`` package
(``pyrec_gui/resources``); ``packaging/`` holds identical copies for
distribution packagers.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pyrec import __version__
from pyrec.errors import PyrecError

DESKTOP_ID = "pyrec"  # pyrec.desktop; matches QGuiApplication.setDesktopFileName("pyrec")
SCRIPT = "pyrec-gui"
MARKER = "X-Pyrec-Installer"
ICON_KEY = "X-Pyrec-Icon"
ICON_SHA_KEY = "X-Pyrec-Icon-Sha256"
DIRS_KEY = "X-Pyrec-Created-Dirs"
GROUP = "Desktop Entry"

# Keys of the [Desktop Entry] group in the Desktop Entry Specification 1.5.
KNOWN_KEYS = {
    "Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden", "OnlyShowIn",
    "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal", "Actions", "MimeType",
    "Categories", "Implements", "Keywords", "StartupNotify", "StartupWMClass", "URL", "PrefersNonDefaultGPU",
    "SingleMainWindow",
}
REQUIRED_KEYS = ("Type", "Name", "Exec")
BOOLEAN_KEYS = {"NoDisplay", "Hidden", "DBusActivatable", "Terminal", "StartupNotify", "PrefersNonDefaultGPU",
                "SingleMainWindow"}
# Characters that force an Exec argument into double quotes (spec: "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class DesktopEntryError(PyrecError):
    """The desktop entry cannot be written, read or removed."""


# -- where things are -------------------------------------------------------------
def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when unset, empty or relative (the
    XDG spec says a relative value is invalid and must be ignored)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def desktop_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "applications" / f"{DESKTOP_ID}.desktop"


def icon_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"


def _resources() -> Path:
    spec = importlib.util.find_spec("pyrec_gui")
    if spec is None or not spec.submodule_search_locations:
        raise DesktopEntryError("the desktop app (package pyrec_gui) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def template_path() -> Path:
    return _resources() / f"{DESKTOP_ID}.desktop"


def packaged_icon() -> Path:
    return _resources() / f"{DESKTOP_ID}.svg"


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_gui_script() -> Path | None:
    """The ``pyrec-gui`` script this installation of pyrec wrote: first from its
    own RECORD (exact, whatever the install scheme), then the interpreter's
    scripts folders (venv ``bin``, user ``~/.local/bin``). Never a PATH lookup:
    that may find another installation, or a version manager's shim."""
    names = {SCRIPT, f"{SCRIPT}.exe"}
    candidates: list[Path] = []
    try:
        dist = importlib.metadata.distribution("pyrec")
        for entry in dist.files or ():
            if entry.name in names:
                candidates.append(Path(str(dist.locate_file(entry))))
    except importlib.metadata.PackageNotFoundError:
        pass
    schemes: list[str | None] = [None]
    try:
        schemes.append(sysconfig.get_preferred_scheme("user"))
    except (AttributeError, KeyError):  # pragma: no cover - Python < 3.10 or odd builds
        pass
    for scheme in schemes:
        try:
            scripts = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
        except KeyError:  # pragma: no cover
            continue
        if scripts:
            candidates += [Path(scripts) / name for name in sorted(names)]
    candidates += [Path(sys.executable).parent / name for name in sorted(names)]
    for candidate in candidates:
        candidate = Path(os.path.abspath(candidate))
        if _is_executable(candidate):
            return candidate
    return None


# -- the file's syntax ------------------------------------------------------------------
def escape_string(value: str) -> str:
    """A value of type string/localestring (spec: "Possible value types")."""
    if any(ch in value for ch in "\0"):
        raise DesktopEntryError("a desktop entry value cannot hold a NUL character")
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def unescape_string(value: str) -> str:
    out, i = [], 0
    table = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\", ";": "\\;"}
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(table.get(value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def quote_exec_arg(arg: str) -> str:
    """One Exec argument: quoted when it must be, ``%`` doubled (before the
    string-level escaping that :func:`escape_string` adds on top)."""
    if "\n" in arg or "\0" in arg:
        raise DesktopEntryError("a program path with a newline cannot go in a desktop entry", arg)
    arg = arg.replace("%", "%%")
    if not arg or any(ch in _RESERVED for ch in arg):
        inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        return f'"{inner}"'
    return arg


def split_exec(value: str) -> list[str]:
    """Arguments of an Exec value as read from the file (string-unescaped first)."""
    text = unescape_string(value)
    args: list[str] = []
    current: list[str] = []
    quoted = False
    started = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted, started = True, True
        elif ch == " ":
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(ch)
            started = True
        i += 1
    if quoted:
        raise DesktopEntryError("unterminated quote in Exec", value)
    if started:
        args.append("".join(current))
    return [a.replace("%%", "%") for a in args]


def _list_value(items: list[str]) -> str:
    return "".join(escape_string(item).replace(";", "\\;") + ";" for item in items)


def _split_list(value: str) -> list[str]:
    items, current, i = [], [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            current.append(value[i:i + 2])
            i += 2
            continue
        if value[i] == ";":
            items.append(unescape_string("".join(current)).replace("\\;", ";"))
            current = []
        else:
            current.append(value[i])
        i += 1
    if current:
        items.append(unescape_string("".join(current)).replace("\\;", ";"))
    return items


def parse(text: str) -> dict[str, dict[str, str]]:
    """Groups → raw (still escaped) key → value; comments and blank lines skipped."""
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            name = stripped[1:-1]
            if name in groups:
                raise DesktopEntryError(f"line {number}: group [{name}] appears twice")
            current = groups[name] = {}
            continue
        if current is None or "=" not in line:
            raise DesktopEntryError(f"line {number}: not a key=value line inside a group: {line!r}")
        key, value = line.split("=", 1)
        key = key.strip()
        if key in current:
            raise DesktopEntryError(f"line {number}: key {key} appears twice")
        current[key] = value.strip()
    return groups


def validate(text: str, *, check_paths: bool = True) -> list[str]:
    """Problems with a desktop entry (empty when valid): required and known
    keys, booleans, list syntax, and that Exec/TryExec/Icon exist when absolute."""
    try:
        groups = parse(text)
    except DesktopEntryError as exc:
        return [str(exc.one_line())]
    if not groups or next(iter(groups)) != GROUP:
        return [f"the first group must be [{GROUP}]"]
    entry = groups[GROUP]
    problems = [f"missing required key {key}" for key in REQUIRED_KEYS if not entry.get(key)]
    for key, value in entry.items():
        base = key.split("[", 1)[0]
        if base not in KNOWN_KEYS and not base.startswith("X-"):
            problems.append(f"unknown key {key}")
        if base in BOOLEAN_KEYS and value not in ("true", "false"):
            problems.append(f"{key} must be true or false, not {value!r}")
        if base in ("Categories", "Keywords", "OnlyShowIn", "NotShowIn", "MimeType", "Actions") \
                and value and not value.endswith(";"):
            problems.append(f"{key} is a list and must end with ';'")
        if any(ord(ch) < 32 for ch in value):
            problems.append(f"{key} holds a control character")
    if entry.get("Type") not in (None, "Application", "Link", "Directory"):
        problems.append(f"Type {entry.get('Type')!r} is not Application, Link or Directory")
    if check_paths and entry.get("Exec"):
        try:
            argv = split_exec(entry["Exec"])
        except DesktopEntryError as exc:
            problems.append(str(exc.one_line()))
            argv = []
        if not argv:
            problems.append("Exec names no program")
        elif os.path.isabs(argv[0]) and not _is_executable(Path(argv[0])):
            problems.append(f"Exec program {argv[0]} is not an executable file")
    if check_paths and entry.get("TryExec"):
        try_exec = unescape_string(entry["TryExec"])
        if os.path.isabs(try_exec) and not _is_executable(Path(try_exec)):
            problems.append(f"TryExec {try_exec} is not an executable file")
    return problems


# -- building and installing --------------------------------------------------------------
@dataclass
class EntryStatus:
    desktop_file: str
    icon_file: str
    installed: bool  # a pyrec.desktop exists there
    ours: bool  # … and pyrec wrote it
    up_to_date: bool  # … and it is exactly what install would write now
    exec_path: str | None  # the pyrec-gui it starts (or would start)
    content: str = ""  # what install writes
    written: list[str] = field(default_factory=list)  # install/uninstall: files changed
    removed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"desktop_file": self.desktop_file, "icon_file": self.icon_file, "installed": self.installed,
                "ours": self.ours, "up_to_date": self.up_to_date, "exec": self.exec_path,
                "written": self.written, "removed": self.removed}


def _exec_argv(script: Path | None) -> list[str]:
    if script is not None:
        return [str(script)]
    # No script on disk (running from a source tree): start the same interpreter.
    return [str(Path(sys.executable).absolute()), "-m", "pyrec_gui"]


def render(home: Path | None = None, *, script: Path | None = None, created_dirs: list[str] | None = None,
           find_script: bool = True) -> str:
    """The desktop entry install writes: the packaged template with Exec and
    TryExec pointing at ``script`` (default: :func:`find_gui_script`)."""
    home = home or data_home()
    if script is None and find_script:
        script = find_gui_script()
    argv = _exec_argv(script)
    icon_bytes = packaged_icon().read_bytes()
    replacements = {
        "Exec": escape_string(" ".join(quote_exec_arg(a) for a in argv)),
        "TryExec": escape_string(argv[0]),
    }
    lines: list[str] = []
    group = None
    seen: set[str] = set()
    for line in template_path().read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1]
        elif group == GROUP and "=" in line and not stripped.startswith("#"):
            key = line.split("=", 1)[0].strip()
            if key.startswith("X-Pyrec-"):
                continue
            if key in replacements:
                line = f"{key}={replacements[key]}"
                seen.add(key)
        lines.append(line)
    missing = [k for k in replacements if k not in seen]
    extra = [f"{k}={replacements[k]}" for k in missing] + [
        f"{MARKER}=pyrec {__version__}",
        f"{ICON_KEY}={escape_string(str(icon_path(home)))}",
        f"{ICON_SHA_KEY}={hashlib.sha256(icon_bytes).hexdigest()}",
    ]
    if created_dirs:
        extra.append(f"{DIRS_KEY}={_list_value(created_dirs)}")
    # The X- keys go at the end of [Desktop Entry] (the template has no other group).
    end = next((i for i in range(1, len(lines)) if lines[i].strip().startswith("[")), len(lines))
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    lines[end:end] = extra
    return "\n".join(lines) + "\n"


def _installed_entry(path: Path) -> dict[str, str] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DesktopEntryError(f"cannot read: {exc}", path) from exc
    try:
        return parse(text).get(GROUP, {})
    except DesktopEntryError:
        return {}


def status(home: Path | None = None) -> EntryStatus:
    home = home or data_home()
    desktop, icon = desktop_path(home), icon_path(home)
    entry = _installed_entry(desktop)
    ours = bool(entry and MARKER in entry)
    created = _split_list(entry.get(DIRS_KEY, "")) if ours and entry else []
    script = find_gui_script()
    content = render(home, script=script, created_dirs=created, find_script=False)
    up_to_date = (ours and desktop.read_text(encoding="utf-8") == content
                  and icon.is_file() and icon.read_bytes() == packaged_icon().read_bytes())
    return EntryStatus(str(desktop), str(icon), entry is not None, ours, up_to_date,
                       _exec_argv(script)[0], content)


def _write(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless the file already holds exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _make_dirs(path: Path) -> list[str]:
    """mkdir -p, returning the folders that did not exist (outermost first)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return [str(p) for p in reversed(missing)]


def _refresh_caches(home: Path) -> None:
    """Tell desktops something changed: a folder mtime is enough for most; an
    icon cache pyrec finds in the user's hicolor folder is rebuilt."""
    hicolor = home / "icons" / "hicolor"
    try:
        os.utime(hicolor)
    except OSError:
        pass
    tool = shutil.which("gtk-update-icon-cache")
    if tool and (hicolor / "icon-theme.cache").exists():
        subprocess.run([tool, "-q", "-t", "-f", str(hicolor)], check=False, timeout=30,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def install(home: Path | None = None, *, force: bool = False) -> EntryStatus:
    """Write the desktop entry and icon (idempotent). Refuses to replace a
    ``pyrec.desktop`` that pyrec did not write unless ``force``."""
    if importlib.util.find_spec("PySide6") is None:
        raise DesktopEntryError("the desktop app needs PySide6: pip install 'pyrec[gui]'")
    home = home or data_home()
    desktop, icon = desktop_path(home), icon_path(home)
    entry = _installed_entry(desktop)
    if entry is not None and MARKER not in entry and not force:
        raise DesktopEntryError("a desktop entry pyrec did not write is already there (use --force to replace it)",
                                desktop)
    created = _split_list(entry.get(DIRS_KEY, "")) if entry and MARKER in entry else []
    for folder in (desktop.parent, icon.parent):
        created += [d for d in _make_dirs(folder) if d not in created]
    script = find_gui_script()
    content = render(home, script=script, created_dirs=created, find_script=False)
    problems = validate(content)
    if problems:
        raise DesktopEntryError("the desktop entry would be invalid: " + "; ".join(problems), desktop)
    written = []
    if _write(icon, packaged_icon().read_bytes()):
        written.append(str(icon))
    if _write(desktop, content.encode("utf-8")):
        written.append(str(desktop))
    if written:
        _refresh_caches(home)
    result = status(home)
    result.written = written
    return result


def uninstall(home: Path | None = None) -> EntryStatus:
    """Remove what install wrote: the entry, the icon if unchanged since, and
    the folders install created if they are empty now."""
    home = home or data_home()
    desktop = desktop_path(home)
    entry = _installed_entry(desktop)
    removed: list[str] = []
    if entry is not None and MARKER not in entry:
        raise DesktopEntryError("this desktop entry was not written by pyrec; not removing it", desktop)
    if entry is not None:
        icon = Path(unescape_string(entry.get(ICON_KEY, ""))) if entry.get(ICON_KEY) else icon_path(home)
        try:
            if hashlib.sha256(icon.read_bytes()).hexdigest() == entry.get(ICON_SHA_KEY):
                icon.unlink()
                removed.append(str(icon))
        except FileNotFoundError:
            pass
        desktop.unlink()
        removed.append(str(desktop))
        for folder in sorted(_split_list(entry.get(DIRS_KEY, "")), key=len, reverse=True):
            try:
                os.rmdir(folder)  # only if empty: someone else may have put files there since
                removed.append(folder)
            except OSError:
                pass
        if removed:
            _refresh_caches(home)
    result = status(home)
    result.removed = removed
    return result
