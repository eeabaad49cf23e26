"""The HTML report of an aggregation, for leaders: one self-contained page, no network.

The template (templates/report.html.j2) is autoescaped: everything taken from input — unit
names, file names, messages — is escaped. The bar chart is inline SVG computed here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model.paths import templates_dir

if TYPE_CHECKING:
    from .model.results import Summary

BAR_HEIGHT = 14
ROW_GAP = 12
LABEL_WIDTH = 220
CHART_WIDTH = 460


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _number(v: Any) -> str:
    from .model.numbers import fmt_number

    return "" if v is None else fmt_number(v)


def chart(summary: Summary) -> dict[str, Any] | None:
    """Horizontal bars of the edition's two chart fields (found, fixed) per counted unit, in SVG
    coordinates; None when the edition names no chart."""
    if len(summary.edition.stats.report.chart) != 2:
        return None
    first, second = summary.edition.stats.report.chart
    rows = [(c.unit, c.result.values.get(first) or 0, c.result.values.get(second) or 0)
            for c in summary.counted]
    top = max([max(f, x) for _, f, x in rows] + [1])
    bars = []
    for i, (unit, found, fixed) in enumerate(rows):
        y = i * (2 * BAR_HEIGHT + ROW_GAP)
        bars.append({
            "unit": unit, "y": y, "label_y": y + BAR_HEIGHT + 4,
            "found": found, "fixed": fixed,
            "found_w": round(CHART_WIDTH * found / top, 1), "fixed_w": round(CHART_WIDTH * fixed / top, 1),
            "fixed_y": y + BAR_HEIGHT,
        })
    height = max(1, len(rows)) * (2 * BAR_HEIGHT + ROW_GAP) + 30
    return {"bars": bars, "height": height, "width": LABEL_WIDTH + CHART_WIDTH + 80, "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT, "legend_y": height - 10}


def for_leaders(message: str) -> str:
    """A finding's message without the clauses that tell the clerk how to work the tool (cbc.toml,
    --own …): the report goes to leaders who do not run it."""
    import re

    clauses = re.findall(r"[^。；]+[。；]?", message)
    kept = [c for c in clauses if "cbc" not in c and "--" not in c]
    text = "".join(kept).strip()
    return (text[:-1] + "。") if text.endswith("；") else text


def context(summary: Summary, made_on: date) -> dict[str, Any]:
    from .model.results import STATUS_NAMES

    ed = summary.edition
    ind = summary.indicators()
    status_rows = summary.status_rows()
    counts = summary.status_counts()  # the rows of the 报送情况 table, as the terminal counts them
    earlier = ""
    lower: list[dict[str, str]] = []
    if summary.earlier is not None:  # the report stands alone: the findings are listed here
        earlier = summary.earlier.note().replace("，详见汇总工作簿的“问题”表", "，见下表")
        lower = [{"unit": r.unit or "", "message": i.message} for r in summary.results for i in r.issues
                 if i.code == "below-first-half"]
    return {
        "title": f"{summary.period.label}“查保促”工作情况汇总",
        "city": summary.roster.city.name,
        "period": summary.period.label,
        "made_on": made_on.isoformat(),
        "counts": counts,
        "totals": [{"no": f.no, "label": f.label, "unit": f.unit, "value": _number(summary.totals.get(f.code))}
                   for f in ed.stats.fields],
        "indicators": [{"label": spec.label, "value": _percent(ind.get(spec.code))} for spec in ed.stats.indicators],
        "units": [{
            "unit": c.unit, "date": c.result.date.isoformat() if c.result.date else "",
            "late": c.late,
            "columns": [_number(c.result.values.get(code)) for code in ed.stats.report.unit_columns],
            "indicators": [_percent(summary.indicators(c.result.values).get(s.code)) for s in ed.stats.indicators],
        } for c in summary.counted],
        "indicator_labels": [s.label for s in ed.stats.indicators],
        "column_labels": [ed.stats.field(code).label for code in ed.stats.report.unit_columns],
        "chart_labels": [ed.stats.field(code).label for code in ed.stats.report.chart],
        "status": [{
            "unit": row["unit"], "status": STATUS_NAMES[row["status"]], "kind": row["status"],
            "date": row["date"].isoformat() if row["date"] else "",
            "file": row["path"].name if row["path"] else "", "note": row["note"],
        } for row in status_rows],
        "chart": chart(summary),
        "issues": [{"message": for_leaders(i.message)} for i in summary.issues],
        "earlier": earlier,
        "lower": lower,
    }


def render_html(summary: Summary, made_on: date | None = None) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(**context(summary, made_on or date.today()))


def write_html(summary: Summary, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    from .write.files import write_atomically

    from .render import shown_path

    html = shown_path(render_html(summary, made_on))  # a file name's undecodable bytes as \xNN, valid UTF-8
    return write_atomically(Path(path), lambda tmp: Path(tmp).write_text(html, encoding="utf-8"), force=force)


# --- the year-end assessment (cbc assess) ------------------------------------------------------

def assess_context(a: Any, made_on: date) -> dict[str, Any]:
    from .model.assess import HALVES, STATE_NAMES
    from .model.edition import LEVEL_NAMES
    from .write.assess import explanation, note, scaling_note

    def weight(w: Any) -> str:
        return format(w.normalize(), "f")

    groups = []
    for level, units in a.levels():
        rows = []
        for n, u in enumerate(units, 1):
            halves = []
            for half in HALVES:
                h = u.halves[half]
                label = STATE_NAMES[h.state] + (f" {h.days_late} 天" if h.state == "late" else "")
                halves.append({"state": h.state, "label": label, "date": h.date.isoformat() if h.date else "",
                               "deadline": h.deadline.isoformat() if h.deadline else "未设", "returns": h.returns,
                               "first_valid": h.first_valid})
            parts = []
            if a.weighted and u.parts is not None:
                parts = [{"label": a.part_labels[k], "points": f"{u.parts[k]:.2f}", "weight": weight(a.config.weights[k])}
                         for k in a.config.weights if k in u.parts]
            rows.append({
                "no": u.rank if a.weighted else n, "unit": u.unit, "note": note(a, u, scaling=False), "halves": halves,
                "scaling": scaling_note(a, u),
                "fix_rate": _percent(u.fix_rate), "training_coverage": _percent(u.training_coverage),
                "selfcheck": (u.selfcheck if u.selfcheck is not None else "—") if u.level == "enterprise" else "不适用",
                "ledger": "—" if u.hazards_found is None else f"{u.hazards_found}/{u.hazards_fixed}",
                "score": "—" if u.score is None else f"{u.score:.2f}", "parts": parts,
            })
        groups.append({"name": f"{LEVEL_NAMES.get(level, level)}单位", "units": rows})
    clean = sum(1 for u in a.units if u.clean)
    late = sum(1 for u in a.units if not u.outstanding and any(h.state == "late" for h in u.halves.values()))
    return {
        "title": f"{a.year}年度“查保促”工作考核情况",
        "city": a.city, "made_on": made_on.isoformat(),
        "method": "按设定权重计算考核得分并排名" if a.weighted else "仅列事实，未设权重（不计算考核得分和名次）",
        "counts": [("参加考核单位", len(a.units)), ("全年按时且首次合格", clean), ("有迟报", late),
                   ("有半年未计入", len(a.outstanding))],
        "groups": groups, "weighted": a.weighted, "full": weight(a.config.full) if a.weighted else "",
        "labels": a.part_labels, "selfchecks": a.selfchecks_given, "selfcheck_max": a.selfcheck_max,
        "ledgers": a.ledgers_given, "how": explanation(a),
    }


def render_assess_html(a: Any, made_on: date | None = None) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("assess.html.j2").render(**assess_context(a, made_on or date.today()))


def write_assess_html(a: Any, path: str | Path, *, force: bool = False, made_on: date | None = None) -> Path:
    from .write.files import write_atomically

    html = render_assess_html(a, made_on)
    return write_atomically(Path(path), lambda tmp: Path(tmp).write_text(html, encoding="utf-8"), force=force)
