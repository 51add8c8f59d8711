"""bench/stylised_facts.py: its estimators recover known laws from samples drawn from them, and a
four-year 1:100 run gives the report's files with finite, plausible numbers."""
from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from conftest import SOURCE_DIR, cpsim_binary

SCRIPT = SOURCE_DIR / "bench" / "stylised_facts.py"
FIGURES = ("beveridge.png", "okun.png", "firm_sizes.png", "firm_growth.png", "income.png")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEEDS = (1, 2, 3, 4, 5)


def load_script():
    spec = importlib.util.spec_from_file_location("stylised_facts", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


facts_module = load_script()


@pytest.mark.parametrize("alpha", [1.0, 1.5])
def test_zipf_fit_recovers_the_exponent_of_a_discrete_pareto_sample(alpha):
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        # floor(s0 * U^(-1/alpha)): P(S >= s) ~ s^-alpha for s >> s0.
        sizes = np.floor(5 * rng.random(20000) ** (-1.0 / alpha)).astype(np.int64)
        fit = facts_module.zipf_fit(sizes)
        assert abs(fit["alpha"] - alpha) < 4 * fit["se"] + 0.05 * alpha, (seed, fit)
        assert fit["n_tail"] >= facts_module.MIN_TAIL_FIRMS


def test_tent_and_bell_are_told_apart():
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        tent = facts_module.laplace_vs_normal(rng.laplace(0.0, 0.1, 5000), 0.0)
        bell = facts_module.laplace_vs_normal(rng.normal(0.0, 0.1, 5000), 0.0)
        assert tent["ll_laplace"] > tent["ll_normal"] and 2.0 < tent["excess_kurtosis"] < 4.5
        assert bell["ll_normal"] > bell["ll_laplace"] and abs(bell["excess_kurtosis"]) < 0.5


def test_income_fits_recover_a_lognormal_body_and_a_pareto_tail():
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        body = np.exp(rng.normal(math.log(50000.0), 0.6, 40000))
        # Above 200,000 RMB, a Pareto tail with alpha 1.8 replaces the lognormal draws.
        top = body > 200000
        body[top] = 200000 * rng.random(top.sum()) ** (-1.0 / 1.8)
        members = rng.integers(1, 4, body.size)
        facts = facts_module.income_facts(body * 100 * members, members)  # fen per household
        assert abs(facts["lognormal_sigma"] - 0.6) < 0.03 and facts["body_ks"] < 0.02, facts
        assert abs(facts["lognormal_mu"] - math.log(50000.0)) < 0.03
        assert abs(facts["hill_p99"] - 1.8) < 0.3 and facts["tail_ratio_p999"] > 2.0, facts
        assert facts["top1_share"] > 0.01 and facts["gini"] == pytest.approx(
            facts_module.gini(body, members), abs=1e-12)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("stylised-facts")
    done = subprocess.run([sys.executable, str(SCRIPT), "--cpsim", cpsim_binary(), "--scale", "100",
                           "--years", "4", "--threads", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_report_writes_every_file(report):
    out, stdout = report
    for name in FIGURES:
        data = (out / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE) and 5000 < len(data) < 200_000, name
    table = (out / "facts.md").read_text()
    assert table == stdout
    for row in ("Beveridge, monthly", "Okun, yearly", "firm sizes, step 0", "firm sizes, step 48",
                "firm growth, December sales", "income, year 4: Pareto tail"):
        assert row in table


def test_report_numbers_are_finite_and_plausible(report):
    facts = json.loads((report[0] / "facts.json").read_text())
    assert facts["run"]["years"] == 4 and facts["run"]["scale"] == 100
    assert facts["run"]["residents"] == 10892  # the baseline's 1,089,200 / 100, as in xihu-small
    lab = facts["labour"]
    for fit in ("beveridge_monthly", "beveridge_yearly", "okun_yearly", "okun_quarterly", "employment_on_growth"):
        assert -1.0 <= lab[fit]["corr"] <= 1.0 and math.isfinite(lab[fit]["slope"]), fit
    assert lab["beveridge_monthly"]["n"] == 36 and lab["okun_yearly"]["n"] == 3
    assert 0.0 < lab["u_range"][0] <= lab["u_range"][1] < 0.2
    firms = facts["firms"]
    for key in ("size_first", "size_last"):
        assert 0.3 < firms[key]["alpha"] < 3.0 and firms[key]["n_tail"] >= 50, firms[key]
    for key in ("growth_employees", "growth_sales"):
        g = firms[key]
        assert g["n"] > 100 and 0.0 < g["sd"] < 2.0 and math.isfinite(g["excess_kurtosis"]), g
        assert math.isfinite(g["ll_laplace"]) and math.isfinite(g["ll_normal"]) and 0.0 <= g["zero_share"] < 1.0
    for key in ("income_first", "income_last"):
        inc = facts[key]
        assert 0.25 < inc["gini"] < 0.7 and 0.02 < inc["top1_share"] < inc["top10_share"] < 0.6, inc
        assert 0.3 < inc["lognormal_sigma"] < 1.5 and 0.0 <= inc["body_ks"] < 0.2
        assert 1.0 < inc["hill_p90"] < 6.0 and 0.5 < inc["hill_p99"] < 6.0
        assert 10000 < inc["median"] < 200000  # RMB per person per year
