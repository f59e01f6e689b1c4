"""Keeping an uploaded file between its preview and its confirmation.

The bytes go to a private directory under a random name the server makes — never a name
derived from the upload — and the token is kept in the uploader's session, so only the
person who previewed a file can confirm it. Files older than ``MAX_AGE`` are removed
whenever a new one is staged.
"""

import os
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path

MAX_AGE_SECONDS = 6 * 60 * 60
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _directory() -> Path:
    """A directory only this process's user can read, refusing one planted by somebody else."""
    path = Path(tempfile.gettempdir()) / f"tongliao-imports-{os.getuid()}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise PermissionError(f"unsafe staging directory {path}") from None
    return path


def _path(token: str) -> Path | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return _directory() / token


def staged_save(content: bytes) -> str:
    """Store ``content``; return the token that names it."""
    directory = _directory()
    _remove_stale(directory)
    token = secrets.token_urlsafe(32)
    descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return token


def staged_read(token: str) -> bytes | None:
    path = _path(token)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def staged_discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def _remove_stale(directory: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for entry in directory.iterdir():
        try:
            if entry.stat().st_mtime < limit:
                entry.unlink(missing_ok=True)
        except FileNotFoundError:
            continue
