"""Keeping an uploaded file between its preview and its confirmation.

The bytes go to a private directory under a random name the server makes — never a name
derived from the upload — and the token is kept in the uploader's session, so only the
person who previewed a file can confirm it.

Limits (issue 13: twenty previews of a 19 MB file in five seconds from one county account
once added 380 MB, kept six hours). A staged file expires after ``IMPORT_STAGED_HOURS``
(default 1): expired files are removed whenever a file is staged and are never read back.
Given its ``owner`` (the user's id), ``staged_save`` keeps at most ``IMPORT_STAGED_PER_USER``
files and ``IMPORT_STAGED_BYTES_PER_USER`` bytes per user, and every staged file together
under ``IMPORT_STAGED_TOTAL_MB``; past a limit it writes nothing and raises ``StagingFull``,
a ``WorkbookError`` whose Chinese message names the limit and what to do. The checks and the
write hold an exclusive lock on the directory, so workers staging at once cannot pass a limit
together. A user's files live in ``u<id>/``; files staged without an owner at the top.
"""

import fcntl
import logging
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from .xlsxparts import WorkbookError

logger = logging.getLogger("portal.security")

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
LOCK_NAME = ".lock"
MB = 1024 * 1024


class StagingFull(WorkbookError):
    """Staging the file would pass a limit; ``message`` says which one and what to do."""


def max_age_seconds() -> float:
    return settings.IMPORT_STAGED_HOURS * 3600


def _directory() -> Path:
    """A directory only this process's user can read, refusing one planted by somebody else."""
    path = Path(settings.IMPORT_STAGING_DIR or tempfile.gettempdir()) / f"tongliao-imports-{os.getuid()}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise PermissionError(f"unsafe staging directory {path}") from None
    return path


def _owner_directory(root: Path, owner: int | None) -> Path:
    if owner is None:
        return root
    path = root / f"u{int(owner)}"
    path.mkdir(mode=0o700, exist_ok=True)
    if not stat.S_ISDIR(path.lstat().st_mode):
        raise PermissionError(f"unsafe staging directory {path}")
    return path


def _path(token: str) -> Path | None:
    """Where the file of ``token`` is, if it is anywhere (the token is checked before it is used)."""
    if not TOKEN_RE.match(token or ""):
        return None
    root = _directory()
    if (root / token).is_file():
        return root / token
    return next(root.glob(f"u*/{token}"), None)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    descriptor = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def staged_save(content: bytes, *, owner: int | None = None) -> str:
    """Store ``content`` for ``owner`` (a user's id; None: no per-user limits); return its token.

    Raises ``StagingFull`` when a limit would be passed.
    """
    root = _directory()
    with _locked(root):
        _remove_stale(root)
        _check_limits(root, owner, len(content))
        directory = _owner_directory(root, owner)
        token = secrets.token_urlsafe(32)
        descriptor = os.open(directory / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
    return token


def staged_read(token: str) -> bytes | None:
    """The staged bytes, or None when the token names nothing or the file has expired."""
    path = _path(token)
    if path is None:
        return None
    try:
        if path.stat().st_mtime < time.time() - max_age_seconds():
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def staged_discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def _files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every staged file (top level and owners' directories) with its stat."""
    for entry in root.iterdir():
        if entry.name == LOCK_NAME:
            continue
        entries = entry.iterdir() if entry.is_dir() and not entry.is_symlink() else [entry]
        for path in entries:
            try:
                yield path, path.lstat()
            except FileNotFoundError:
                continue


def _remove_stale(root: Path) -> None:
    limit = time.time() - max_age_seconds()
    for path, info in list(_files(root)):
        if info.st_mtime < limit:
            path.unlink(missing_ok=True)


def _check_limits(root: Path, owner: int | None, size: int) -> None:
    files = list(_files(root))
    if owner is not None:
        own = [info.st_size for path, info in files if path.parent.name == f"u{int(owner)}"]
        _check_owner(owner, len(own), sum(own), size)
    total = sum(info.st_size for _path, info in files)
    if total + size > settings.IMPORT_STAGED_TOTAL_MB * MB:
        logger.warning("import staging refused: %d bytes staged in all", total)
        raise StagingFull(
            f"服务器上等待确认的名单已达总上限 {settings.IMPORT_STAGED_TOTAL_MB} MB，暂时不能再上传。"
            f"请稍后再试（未确认的名单最多保留{_age_text()}），或联系市科技局系统管理员。"
        )


def _check_owner(owner: int, count: int, used: int, size: int) -> None:
    wait = f"或等它们在{_age_text()}内自动清除后再上传。"
    if count >= settings.IMPORT_STAGED_PER_USER:
        logger.warning("import staging refused: user %s has %d files staged", owner, count)
        raise StagingFull(
            f"您已有 {count} 个上传的名单在等待确认，每人最多 {settings.IMPORT_STAGED_PER_USER} 个。"
            f"请先确认或放弃已上传的名单（可能在其他浏览器窗口中），{wait}"
        )
    limit = settings.IMPORT_STAGED_BYTES_PER_USER
    if used + size > limit:
        logger.warning("import staging refused: user %s has %d bytes staged", owner, used)
        raise StagingFull(
            f"您等待确认的名单合计 {_mb(used)} MB，加上本文件 {_mb(size)} MB 将超过上限（每人合计不超过 "
            f"{_mb(limit)} MB）。请先确认或放弃已上传的名单，{wait}"
        )


def _mb(size: int) -> str:
    return f"{size / MB:.2f}".rstrip("0").rstrip(".")


def _age_text() -> str:
    hours = settings.IMPORT_STAGED_HOURS
    if hours >= 1 and float(hours).is_integer():
        return f" {int(hours)} 小时"
    return f" {max(1, round(hours * 60))} 分钟"
