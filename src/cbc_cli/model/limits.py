"""How much one untrusted input file may ask of the machine: the guard's limits on what a
workbook may look like, and the time and memory a worker may spend reading it (SECURITY.md)."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a campaign form may look like. A real filled form is a few dozen KiB."""

    max_bytes: int = 20 * MiB
    max_members: int = 1000
    max_member_bytes: int = 16 * MiB        # one part, uncompressed
    max_total_bytes: int = 200 * MiB        # all parts, uncompressed
    max_ratio: float = 100.0                # compression ratio, for parts over ratio_floor
    ratio_floor: int = 1 * MiB
    # The grid a reader builds runs from A1 to a sheet's last cell: its area (rows x columns)
    # is what costs memory, not its row or column count alone (a 1 x 256 range is ordinary).
    max_area: int = 2_000_000               # one sheet, A1 to its last cell present
    max_book_area: int = 4_000_000          # all worksheets of the workbook together
    max_shared_strings: int = 100_000
    max_cells: int = 200_000                # cells present in one sheet
    max_text: int = 32_767                  # characters in one cell, Excel's own limit
    max_xml_scan: int = 64 * 1024           # bytes read of the other XML parts, to check their prolog


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Isolation:
    """How untrusted files are read: the guard's limits, and each worker's time and memory."""

    timeout: float = 20.0          # seconds per file
    memory: int = 512 * MiB        # address space a worker may add to what it had when it started
    limits: Limits = DEFAULT_LIMITS


DEFAULT_ISOLATION = Isolation()
