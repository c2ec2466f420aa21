"""Reading what a person hands the program: a file, a folder, standard input.

Every entry point (the command line, the app's uploads, `engine.load`) reads through here, so
that whatever is named as input gives either its text or one clear line naming it, quickly and
in bounded memory:

* the kind of file is checked before it is opened, and it is opened so that it can never block:
  a named pipe (FIFO), a device such as /dev/zero or a socket is refused, not read;
* a symbolic link that loops, a missing file, a folder where a file belongs and a file that may
  not be read each get their own words, never an exception;
* the size is checked before anything is read (and no more than the limit is ever read, should
  the file grow meanwhile), so that a 100 MB file is refused at once rather than parsed;
* text is strict UTF-8 whatever the locale, and the line of the first bad byte is named.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, Issue

MAX_INPUT_BYTES = 2_000_000  # far more than any rule file or scenario (the largest is under 40 kB)

_KINDS = ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def kind_words(mode: int) -> str:
    """What a path is, in words: 'a file', 'a folder', 'a named pipe (FIFO)', ..."""
    return next((words for test, words in _KINDS if test(mode)), "neither a file nor a folder")


def os_problem(exc: OSError, missing: str = "file not found", thing: str = "file") -> str:
    """An operating-system error in words, without Python's exception names."""
    if exc.errno == errno.ENOENT:
        return missing
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops (or a chain of too many links)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied: this {thing} may not be read"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    return f"cannot be read ({exc.strerror or 'error ' + str(exc.errno)})"


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return f"is {kind_words(mode)}, not a regular file: only files are read"


def _too_large(size: int, limit: int) -> str:
    return f"too large: {size:,} bytes; the limit is {limit:,}"


def read_file_bytes(path: Path | str, shown_as: str | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or an InputError naming it."""
    source = shown_as or str(path)

    def refuse(message: str) -> InputError:
        return InputError(Issue(message, file=source))

    try:
        mode_and_size = os.stat(path)  # follows links: a loop or a missing target fails here
    except OSError as exc:
        raise refuse(os_problem(exc)) from None
    except ValueError:  # a NUL character in the name
        raise refuse("the name contains a NUL character") from None
    problem = _kind_problem(mode_and_size.st_mode)
    if problem:
        raise refuse(problem)
    if mode_and_size.st_size > limit:
        raise refuse(_too_large(mode_and_size.st_size, limit))
    try:
        # O_NONBLOCK: had the file been swapped for a named pipe since the check, opening it
        # still returns at once (and the check below refuses it).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise refuse(os_problem(exc)) from None
    try:
        opened = os.fstat(fd)
        problem = _kind_problem(opened.st_mode)
        if problem:
            raise refuse(problem)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise refuse(os_problem(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise refuse(_too_large(max(len(data), opened.st_size), limit))
    return data


def decode_text(data: bytes, source: str) -> str:
    """Strict UTF-8 (a leading byte-order mark is dropped), whatever the locale says."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(Issue(f"not UTF-8 text (the byte 0x{data[exc.start]:02x} on this line is not UTF-8):"
                               " save the file as UTF-8", file=source, line=line)) from None
    nul = text.find("\0")
    if nul >= 0:
        raise InputError(Issue("contains a NUL character: not a text file", file=source,
                               line=text.count("\n", 0, nul) + 1))
    return text


def read_text_file(path: Path | str, shown_as: str | None = None, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of a regular file: strict UTF-8, at most `limit` bytes, never blocking."""
    source = shown_as or str(path)
    return decode_text(read_file_bytes(path, source, limit), source)


def read_stream_text(stream: BinaryIO, source: str = "<stdin>", limit: int = MAX_INPUT_BYTES) -> str:
    """Standard input (or any byte stream), read up to the limit and no further."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(Issue(os_problem(exc), file=source)) from None
    if data is None:  # a non-blocking stream with nothing in it
        data = b""
    if len(data) > limit:
        raise InputError(Issue(f"too large: more than {limit:,} bytes; the limit is {limit:,}", file=source))
    return decode_text(data, source)


def check_folder(path: Path | str, what: str) -> Path:
    """A folder that exists and can be listed, or an InputError in words ('rules folder not found')."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(Issue(os_problem(exc, f"{what} not found", "folder"), file=str(path))) from None
    except ValueError:
        raise InputError(Issue("the name contains a NUL character", file=str(path))) from None
    if not stat.S_ISDIR(mode):
        raise InputError(Issue(f"expected a {what}, got {kind_words(mode)}", file=str(path)))
    return path


def yaml_files(folder: Path, what: str) -> list[Path]:
    """The *.yaml entries of a folder, by name; an unreadable folder is an error, not an empty one."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".yaml"))
    except OSError as exc:
        raise InputError(Issue(os_problem(exc, f"{what} not found", "folder"), file=str(folder))) from None
    return [folder / name for name in names]


__all__ = ["MAX_INPUT_BYTES", "check_folder", "decode_text", "kind_words", "os_problem", "read_file_bytes",
           "read_stream_text", "read_text_file", "yaml_files"]
