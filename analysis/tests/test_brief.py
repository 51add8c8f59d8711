"""The study report is a policy brief: headline, deciles, winners and losers, budget, metrics over time,
then tables and provenance; numbers as a reader wants them; sections that the study did not ask for say so."""
from __future__ import annotations

import re

import numpy as np
import pytest

import cpsim_analysis as ca
from brief_data import BUDGET, CHOSEN, CONTRAST, DISCOUNT_RATE, add_household_comparison, make_study
from cpsim_analysis.__main__ import main as cli_main
from cpsim_analysis.brief import build_brief, readable, signed

SECTIONS = ["headline", "deciles", "winners", "budget", "metrics", "tables", "provenance"]


@pytest.fixture(scope="module")
def brief_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("brief")  # its own folder: test_study.py writes dibao-study.h5 too


@pytest.fixture(scope="module")
def plain_study(brief_dir):
    return make_study(brief_dir)


@pytest.fixture(scope="module")
def household_study(plain_study, brief_dir):
    return add_household_comparison(plain_study, brief_dir / "dibao-households.h5")


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


def test_brief_sections_come_in_the_reading_order(household_study, tmp_path):
    page = render(household_study, tmp_path)
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


def test_headline_gives_the_chosen_metrics_with_intervals_and_the_cost(household_study, tmp_path):
    study = ca.open_study(household_study)
    brief = build_brief(study)
    (contrast,) = brief.contrasts
    assert [e["metric"] for e in contrast["effects"]] == CHOSEN  # the study's metrics, in its order
    # dibao_households over the last 12 months: each replicate's mean of reform - baseline, then their mean.
    data = study.metrics(["dibao_households"]).dibao_households.sel(step=slice(13, 24)).astype(float)
    difference = (data.sel(scenario="dibao_1100") - data.sel(scenario="baseline")).mean("step").values
    effect = contrast["effects"][0]
    assert effect["change"] == signed(float(difference.mean()))
    low, high = (float(v.replace("+", "")) for v in effect["interval"].split(" to "))
    assert low < float(difference.mean()) < high and effect["significant"]
    assert brief.window == "the last 12 months (2022-07 to 2023-06)"
    # Rates in percent, their change in percentage points.
    assert contrast["effects"][1]["change_unit"] == "percentage points" and "%" in contrast["effects"][1]["baseline"]
    # The cost: spending - revenue gain in the comparison's year, over the horizon, and discounted.
    net = BUDGET[:, 0] - BUDGET[:, 1]
    budget = contrast["budget"]
    assert budget["annual"] == readable(net[1]) == "2.3 million" and budget["annual_year"] == "2"
    assert budget["cumulative"] == readable(net.sum())
    assert budget["discounted"] == readable(net[0] + net[1] / (1 + DISCOUNT_RATE))
    assert budget["unit"] == "RMB/year at full scale (x 100)"
    page = render(household_study, tmp_path)
    headline = page[page.index('<section id="headline">'):page.index('<section id="deciles">')]
    assert "2.3 million RMB/year at full scale (x 100)" in headline
    assert headline.index("dibao_households") < headline.index("urban_rural_ratio")


def test_flat_metrics_are_left_out_and_named(household_study):
    study = ca.open_study(household_study)
    brief = build_brief(study)
    for metric in brief.flat:
        stats = study.comparison(metric)
        assert np.all(np.nan_to_num(stats["mean_difference"].values) == 0)
    assert "money_error" in brief.flat and "dibao_households" not in brief.flat


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
