"""`cbc new-form`: blank forms for one unit, or one pair per unit of the roster."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .model.config import Roster
from .model.edition import Edition, get_edition
from .model.period import Period

FormName = Literal["stats", "selfcheck", "ledger"]
FORMS: tuple[FormName, ...] = ("stats", "selfcheck")   # the default pair; the ledger when asked for


@dataclass(frozen=True)
class Planned:
    form: FormName
    unit: str | None
    path: Path


def file_name(ed: Edition, form: FormName, unit: str | None, period: Period | None) -> str:
    from .write.files import safe_name_part

    if form == "ledger":
        parts = [safe_name_part(ed.ledger.sheet if ed.ledger else form)]
        if unit:
            parts.append(safe_name_part(unit))
        parts.append(str(period) if period else ed.id)
        return "_".join(parts) + ".xlsx"
    spec = ed.stats if form == "stats" else ed.selfcheck
    parts = [spec.attachment, safe_name_part(spec.sheet)]
    if unit:
        parts.append(safe_name_part(unit))
    parts.append(str(period) if period else ed.id)
    return "_".join(parts) + ".xlsx"


def plan(out_dir: Path, ed: Edition, forms: Iterable[FormName], units: Iterable[str | None],
         period: Period | None) -> list[Planned]:
    from .write.files import inside

    planned = []
    for unit in units:
        for form in forms:
            planned.append(Planned(form, unit, inside(out_dir, file_name(ed, form, unit, period))))
    return planned


def new_forms(out_dir: str | Path = ".", *, forms: Iterable[FormName] = FORMS, unit: str | None = None,
              period: Period | None = None, roster: Roster | None = None, force: bool = False,
              edition: str | Edition | None = None, ledger: dict | None = None) -> list[Planned]:
    """Write blank forms; with a roster, one set per unit with the unit prefilled.

    Nothing is written if any target exists and force is false. ledger: a cbc.toml's [ledger]
    (grades, statuses) for the blank ledger.
    """
    from .write.files import check_free
    from .write.forms import new_selfcheck_workbook, new_stats_workbook, save_atomic

    ed = edition if isinstance(edition, Edition) else get_edition(edition)
    out = Path(out_dir)
    forms = tuple(forms)
    if roster is None:
        todo = plan(out, ed, forms, [unit], period)
    elif forms == ("ledger",):  # a ledger is an enterprise's: the roster's enterprises (else every unit)
        names = [u.name for u in roster.units if u.level == "enterprise"] or [u.name for u in roster.units]
        todo = plan(out, ed, forms, names, period)
    else:  # the self-check (附件2) is filled by enterprise unions only
        todo = [item for u in roster.units
                for item in plan(out, ed, [f for f in forms if f in ("stats", "ledger") or u.level == "enterprise"],
                                 [u.name], period)]
    check_free((p.path for p in todo), force)
    p = str(period) if period else None
    for item in todo:
        if item.form == "ledger":
            from .model.ledger import ledger_spec
            from .write.ledger import new_ledger_workbook

            wb = new_ledger_workbook(ed, ledger_spec(ed, ledger if ledger is not None else roster.ledger if roster else None),
                                     unit=item.unit, period=p)
        elif item.form == "stats":
            wb = new_stats_workbook(ed, unit=item.unit, period=p)
        else:
            wb = new_selfcheck_workbook(ed, unit=item.unit, period=p)
        save_atomic(wb, item.path, force=True)
    return todo
