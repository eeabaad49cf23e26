"""A zip archive's directory and members, read straight from the bytes.

The guard looks at every member of every file before a parser sees it; doing that with the
zipfile module costs more than the parse itself. This reads only what the guard needs (the
central directory, and members by offset), and is strict: no multi-disk archives and no zip64
(a campaign form is a few dozen KiB; an archive that needs zip64 is not one).
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

EOCD = b"PK\x05\x06"
CENTRAL = b"PK\x01\x02"
LOCAL = b"PK\x03\x04"
STORED, DEFLATED = 0, 8
_CENTRAL_FMT = struct.Struct("<4s4H2H3I5H2I")
_EOCD_FMT = struct.Struct("<4s4H2IH")


class ZipError(Exception):
    """Not a zip this guard accepts; `suspicious` says whether it looks crafted."""

    def __init__(self, message: str, suspicious: bool = False):
        super().__init__(message)
        self.suspicious = suspicious


class Member(NamedTuple):  # a tuple: cheapest to make, and a workbook has a dozen
    name: str
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


def directory(data: bytes, max_members: int) -> list[Member]:
    at = data.rfind(EOCD, max(0, len(data) - 65_557))
    if at < 0 or len(data) - at < _EOCD_FMT.size:
        raise ZipError("no end of central directory")
    _, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, _ = _EOCD_FMT.unpack_from(data, at)
    if disk or cd_disk or n_disk != n_total:
        raise ZipError("multi-disk archive", suspicious=True)
    if 0xFFFF in (n_total,) or 0xFFFFFFFF in (cd_size, cd_offset):
        raise ZipError("zip64 archive", suspicious=True)
    if n_total > max_members:
        raise ZipError(f"{n_total} members", suspicious=True)
    if cd_offset + cd_size > at:
        raise ZipError("central directory outside the archive")
    members: list[Member] = []
    pos = cd_offset
    for _ in range(n_total):
        if pos + _CENTRAL_FMT.size > at or data[pos:pos + 4] != CENTRAL:
            raise ZipError("broken central directory")
        (_, _, _, flags, method, _, _, crc, compressed, size, name_len, extra_len, comment_len,
         _, _, _, offset) = _CENTRAL_FMT.unpack_from(data, pos)
        raw = data[pos + 46:pos + 46 + name_len]
        if 0xFFFFFFFF in (compressed, size, offset):
            raise ZipError("zip64 member", suspicious=True)
        # an ASCII name reads the same in UTF-8 and cp437 (and decodes fastest as ASCII)
        name = raw.decode("ascii") if raw.isascii() else raw.decode("utf-8" if flags & 0x800 else "cp437",
                                                                        errors="replace")
        members.append(Member(name, flags, method, crc, compressed, size, offset))
        pos += 46 + name_len + extra_len + comment_len
    return members


def stored_bytes(data: bytes, m: Member) -> memoryview:
    """A member's bytes as they are in the archive (compressed, unless stored)."""
    off = m.offset
    if data[off:off + 4] != LOCAL or off + 30 > len(data):
        raise ZipError("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + m.compressed]
    if len(raw) != m.compressed:
        raise ZipError("member runs past the end of the archive")
    return raw


def read(data: bytes, m: Member, limit: int | None = None, raw: memoryview | None = None) -> bytes:
    """A member's bytes: all of it, checked against its size and CRC; or its first `limit` bytes.
    raw: what stored_bytes(data, m) gave, when the caller has it."""
    if raw is None:
        raw = stored_bytes(data, m)
    want = m.size + 1 if limit is None else min(limit, m.size)
    if want <= 0:
        return b""  # zlib reads max_length 0 as "no limit": a 0-byte member must not inflate at all
    try:
        out = bytes(raw[:want]) if m.method == STORED else zlib.decompressobj(-15).decompress(raw, want)
    except zlib.error as exc:
        raise ZipError(f"cannot inflate: {exc}") from None
    if limit is None and (len(out) != m.size or zlib.crc32(out) != m.crc):
        raise ZipError("size or CRC does not match the directory")
    return out
