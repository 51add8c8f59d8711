"""The study report is a policy brief: headline, deciles, winners and losers, budget, metrics over time,
then tables and provenance; numbers as a reader wants them; sections that the study did not ask for say so."""
from __future__ import annotations

import re

import h5py
import numpy as np
import pytest

import cpsim_analysis as ca
from brief_data import CONTRAST, PENSION_CHOSEN, PENSION_CONTRAST, labels, make_pension_study, make_study, measure
from cpsim_analysis.__main__ import main as cli_main
from cpsim_analysis.brief import build_brief, readable, signed
from cpsim_analysis.study import WINNER_BANDS, budget_comparison, household_comparison

SECTIONS = ["headline", "deciles", "winners", "budget", "metrics", "tables", "provenance"]


@pytest.fixture(scope="module")
def brief_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("brief")  # its own folder: test_study.py writes dibao-study.h5 too


@pytest.fixture(scope="module")
def plain_study(brief_dir):
    return make_study(brief_dir)


@pytest.fixture(scope="module")
def household_study(brief_dir):
    return make_pension_study(brief_dir)


@pytest.fixture(scope="module")
def household_page(household_study, brief_dir) -> str:
    return render(household_study, brief_dir)


@pytest.fixture(scope="module")
def household_brief(household_study):
    """The brief of the pension study, built once (each build draws every figure)."""
    return build_brief(ca.open_study(household_study))


def render(path, tmp_path) -> str:
    output = tmp_path / "brief.html"
    assert cli_main(["report", str(path), "-o", str(output)]) == 0
    return output.read_text(encoding="utf-8")


def test_numbers_are_formatted_for_reading():
    assert readable(1234567.0) == "1.23 million"
    assert readable(-2.5e9) == "-2.5 billion"
    assert readable(12345.6) == "12,300" and readable(999.5) == "1,000"
    assert readable(0.00123456) == "0.00123"
    assert readable(21.37) == "21.4"
    assert readable(float("nan")) == "n/a"
    assert signed(0.5) == "+0.500" and signed(-3.0) == "-3.00" and signed(0.0) == "0"


def test_brief_sections_come_in_the_reading_order(household_page):
    page = household_page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"<(script|link|iframe)\b", page) and not re.search(r'(src|href)="(?!data:)', page)
    assert "{{" not in page and "{%" not in page
    positions = [page.index(f'<section id="{name}">') for name in SECTIONS]
    assert positions == sorted(positions)
    # Tables and provenance are collapsed.
    tail = page[positions[SECTIONS.index("tables")]:]
    assert tail.count("<details>") >= 6 and "<table>" not in re.sub(r"<details>.*?</details>", "", tail, flags=re.S)
    # Every section rendered from the household comparison, none says it is missing.
    assert "did not ask" not in page
    figures = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', page)
    assert figures[:4] == ["change of income by decile", "winners and losers by decile", "budget over time",
                           "metrics over time"]


def test_headline_gives_the_chosen_metrics_with_intervals_and_the_cost(household_study, household_brief,
                                                                      household_page):
    study = ca.open_study(household_study)
    brief = household_brief
    (contrast,) = brief.contrasts
    assert [e["metric"] for e in contrast["effects"]] == PENSION_CHOSEN  # the study's metrics, in its order
    # urban_rural_ratio over the last 12 months: each replicate's mean of reform - baseline, then their mean.
    data = study.metrics(["urban_rural_ratio"]).urban_rural_ratio.sel(step=slice(13, 24)).astype(float)
    difference = (data.sel(scenario="pension") - data.sel(scenario="baseline")).mean("step").values
    effect = contrast["effects"][0]
    assert effect["change"] == signed(float(difference.mean()))
    low, high = (float(v.replace("+", "").replace(",", "")) for v in effect["interval"].split(" to "))
    assert low <= float(difference.mean()) <= high
    assert brief.window == "the last 12 months (2022-01 to 2022-12)"
    # Rates in percent, their change in percentage points.
    assert contrast["effects"][2]["change_unit"] == "percentage points" and "%" in contrast["effects"][2]["baseline"]
    # The cost: the file's /budget net cost in the year of the household comparison (the last), its
    # total over the horizon and discounted, at full scale (x 100).
    budget = contrast["budget"]
    assert contrast["year"] == 2 and budget["annual_year"] == "2"
    net = measure(household_study, "budget", "net_cost", PENSION_CONTRAST, 2)
    assert budget["annual"] == readable(float(net))
    low, high = (measure(household_study, "budget", "net_cost", PENSION_CONTRAST, 2, e) for e in ("ci_low", "ci_high"))
    assert budget["annual_interval"] == f"{signed(float(low))} to {signed(float(high))}"
    assert budget["cumulative"] == readable(float(measure(household_study, "budget", "net_cost_cumulative",
                                                          PENSION_CONTRAST, 2)))
    assert budget["discounted"] == readable(float(measure(household_study, "budget", "net_cost_discounted",
                                                          PENSION_CONTRAST, 2)))
    assert budget["unit"] == "RMB/year at full scale (x 100)" and budget["discount_rate"] == "3.0%"
    # The pension starts in year 2 (2022-01): it costs money then, nothing before (common random numbers).
    assert float(net) > 0
    assert float(measure(household_study, "budget", "net_cost", PENSION_CONTRAST, 1)) == 0
    page = household_page
    headline = page[page.index('<section id="headline">'):page.index('<section id="deciles">')]
    assert f"{budget['annual']} RMB/year at full scale (x 100)" in headline
    assert headline.index("urban_rural_ratio") < headline.index("gini_income")


def test_deciles_winners_and_budget_are_the_files(household_study, household_brief):
    """The decile, winners/losers and budget sections show what `cpsim study` wrote in /households and
    /budget (read here with h5py by the documented layout)."""
    study = ca.open_study(household_study)
    part = next(c for c in household_brief.contrasts if c["label"] == PENSION_CONTRAST)
    change = measure(household_study, "households", "income_change", PENSION_CONTRAST, 2)
    assert change.shape == (10,)
    decile_table = part["deciles"]["table"]
    for value in change:  # every decile's mean change, in order
        assert f">{signed(float(value))}<" in decile_table
    positions = [decile_table.index(f">d{d}<") for d in range(1, 11)]
    assert positions == sorted(positions)
    # Winners and losers: all persons first, then d1..d10; a row's shares sum to 100 %.
    shares = measure(household_study, "households", "winners_losers", PENSION_CONTRAST, 2)
    assert shares.shape == (10, 5) and np.allclose(shares.sum(axis=1), 1.0)
    with h5py.File(household_study, "r") as f:
        assert labels(f["households"], "band") == list(WINNER_BANDS)
    overall = measure(household_study, "households", "winners_losers_all", PENSION_CONTRAST, 2)[0]
    assert overall[0] + overall[1] > 0  # a higher pension: some persons gain
    table = part["winners"]["table"]
    assert table.index(">all persons<") < table.index(">d1<") < table.index(">d10<")
    assert f"{shares[0, 2] * 100:.1f} %" in table  # d1's no-change share
    # The reader's Dataset has the file's numbers under the documented names.
    households = household_comparison(study, PENSION_CONTRAST)
    assert np.array_equal(households.income_change.sel(year=2, estimate="mean").values, change)
    assert list(households.winners_losers["band"].values) == list(WINNER_BANDS)
    budget = budget_comparison(study, PENSION_CONTRAST)
    spending = budget.spending_change.sel(estimate="mean", year=2)
    assert float(spending.sel(instance="rural_pension")) > 0
    assert "rural_pension (spending)" in part["budget"]["table"]
    with pytest.raises(ca.NotFoundError):
        household_comparison(study, "no such contrast")


def test_flat_metrics_are_left_out_and_named(household_study, household_brief):
    study = ca.open_study(household_study)
    brief = household_brief
    for metric in brief.flat:
        stats = study.comparison(metric)
        assert np.all(np.nan_to_num(stats["mean_difference"].values) == 0)
    assert "money_error" in brief.flat and "urban_rural_ratio" not in brief.flat


def test_without_household_comparison_the_brief_says_so_and_renders_the_rest(plain_study, tmp_path):
    page = render(plain_study, tmp_path)
    for section in ("deciles", "winners", "budget"):
        start = page.index(f'<section id="{section}">')
        assert "The study did not ask for" in page[start:page.index("</section>", start)], section
    assert re.findall(r'<img alt="([^"]+)"', page)[0] == "metrics over time"
    assert CONTRAST in page
    # The cost falls back on the model's fiscal metrics, a year's worth, at the simulated scale, and says so.
    study = ca.open_study(plain_study)
    (contrast,) = build_brief(study).contrasts
    spending = study.metrics(["government_spending"]).government_spending.sel(step=slice(13, 24)).astype(float)
    change = (spending.sel(scenario="dibao_1100") - spending.sel(scenario="baseline")).mean("step").values.mean()
    assert contrast["simulated_cost"].startswith(f"spending {signed(12 * float(change))} RMB/year (95% interval ")
    assert "in the simulated population (not scaled up; the study did not ask for the budget)" in page
