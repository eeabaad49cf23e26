"""A folder of hand-typed county returns — the notice's grid, the city-only fields blank, the 注
line under the table — is all counted by `cbc aggregate` (issue 11: before the reading model, all
1,000 such returns were rejected). benchmarks/county_returns.py runs the same with 1,000."""

from __future__ import annotations

from decimal import Decimal

from cbc_cli import load_roster
from cbc_cli.aggregate import aggregate

from .zoo import notice as N
from .zoo.county import county_values, make


def test_thirty_hand_typed_county_returns_are_all_counted(tmp_path):
    paths, roster_file = make(30, tmp_path / "returns")
    roster = load_roster(roster_file)
    s = aggregate([tmp_path / "returns"], roster=roster, jobs=1, isolation=None)
    assert [(r.result.path.name, [i.message for i in r.result.issues]) for r in s.rejected] == []
    assert len(s.counted) == 30 and s.missing == [] and s.replaced == []
    want = sum(county_values(i)["hazards_found"] for i in range(30))
    assert s.totals["hazards_found"] == want
    assert s.totals["county_paid"] == sum(county_values(i)["county_paid"] for i in range(30))
    for c in s.counted:  # the city-only fields were left blank: nothing, not an error
        assert all(c.result.values[f.code] is None for f in N.FIELDS if f.levels == N.CITY)
        assert not [i for i in c.result.issues if i.is_error]
    assert isinstance(s.totals["county_fund"], Decimal)
