"""Property-based tests (hypothesis) for value parsing and label matching."""

from __future__ import annotations

import pytest


from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cbc_cli.model.edition import get_edition
from cbc_cli.judge.values import parse_number, parse_score
from cbc_cli.read.words import norm_label, words_of

ED = get_edition("2020")
FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["plain", "thousands", "fullwidth", "unit", "spaces"]))
def test_a_formatted_count_parses_back(n, style):
    text = {"plain": str(n), "thousands": f"{n:,}", "fullwidth": f"{n:,}".translate(FULLWIDTH),
            "unit": f"{n:,}人", "spaces": f"  {n}\u3000"}[style]
    p = parse_number(text, label="参与职工人数", unit="人", money=False)
    assert p.ok and p.value == n


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_money_parses_back_exactly(d):
    p = parse_number(f"{d}万元", label="资金", unit="万元", money=True)
    assert p.ok and p.value == d


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_numeric_cells_are_never_silently_rounded(x):
    p = parse_number(x, label="参与职工人数", unit="人", money=False)
    if x == int(x):
        assert p.ok and p.value == int(x)
    else:
        assert p.code == "not-whole"


@given(st.integers(max_value=-1))
def test_negatives_are_errors(n):
    assert parse_number(n, label="x", unit="人", money=False).code == "negative"
    assert parse_number(str(n), label="x", unit="万元", money=True).code == "negative"


@given(st.text(max_size=30))
def test_any_text_either_parses_or_says_why(text):
    p = parse_number(text, label="查出安全隐患数", unit="项", money=False)
    if p.ok:
        assert p.value is None or (isinstance(p.value, int) and p.value >= 0)
    else:
        assert p.code in ("not-a-number", "negative", "not-whole") and "查出安全隐患数" in p.finding().message


@given(st.integers(0, 20), st.integers(0, 12))
def test_scores_in_range_only(score, maximum):
    p = parse_score(f"{score}分", item=6, maximum=maximum, unit="分")
    assert p.ok == (score <= maximum)
    if p.ok:
        assert p.value == score


def _mangle(label: str, data) -> str:
    """What people do to a label when they type it: breaks, spaces, ASCII quotes, half-width brackets."""
    out = []
    for ch in label:
        if data.draw(st.booleans()) and data.draw(st.integers(0, 5)) == 0:
            out.append(data.draw(st.sampled_from(["\n", " ", "\u3000", "\r\n", "  "])))
        out.append({"“": data.draw(st.sampled_from(["“", '"', "'", ""])),
                    "”": data.draw(st.sampled_from(["”", '"', "'", ""])),
                    "（": data.draw(st.sampled_from(["（", "("])),
                    "）": data.draw(st.sampled_from(["）", ")"]))}.get(ch, ch))
    text = "".join(out)
    return text + data.draw(st.sampled_from(["", "：", ":", " "]))


@pytest.mark.slow
@settings(max_examples=200)
@given(st.sampled_from(ED.stats.fields), st.data())
def test_a_mangled_label_still_finds_its_field(field, data):
    text = _mangle(field.label, data)
    codes = words_of(ED).label_codes(text)
    assert codes is not None and field.code in codes
    if field.code not in ("city_awarded_chem", "county_awarded_chem"):
        assert codes == (field.code,)


@given(st.text(min_size=1, max_size=20))
def test_normalising_is_idempotent(text):
    assume(text.strip())
    once = norm_label(text)
    assert norm_label(once) == once
