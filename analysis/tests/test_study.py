"""open_study, the study report and notebook 02 on a real `cpsim study` file: xihu-small at 1:100 for
24 months, a baseline and a higher dibao standard, 3 replicates.

Skipped (the whole file, so CTest shows it as skipped) when the cpsim binary has no `study` command."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import cpsim_analysis as ca
from cpsim_analysis.__main__ import main as cli_main
from cpsim_analysis.summary import format_number
from conftest import ECONOMY_STEPS, run_cpsim, scenario

REPLICATES = 3
# Student's t quantile t(0.975; 2 degrees of freedom): the 95 % interval with 3 paired replicates.
T_975_2 = 4.302652729911275
CONTRAST = "dibao_1100 - baseline"


@pytest.fixture(scope="module")
def study_file(results_dir):
    commands = run_cpsim("--help", check=False).stdout
    if not re.search(r"^\s+study\b", commands, re.M):
        pytest.skip("this cpsim build has no `study` command yet (cpsim --help does not list it)")
    study_yaml = results_dir / "dibao-study.yaml"
    study_yaml.write_text(f"""name: dibao-study
seed: 20210701
replicates: {REPLICATES}
steps: {ECONOMY_STEPS}
confidence: 0.95
scenarios:
  baseline: {{file: {scenario('xihu-small.yaml')}}}
  dibao_1100: {{file: {scenario('xihu-small.yaml')}, set: {{parameters.dibao.standard_per_person_month: 1100}}}}
compare:
  - {{reform: dibao_1100, baseline: baseline}}
metrics: [dibao_households, gini_income]
""")
    path = results_dir / "dibao-study.h5"
    run_cpsim("study", study_yaml, "-o", path, "--quiet")
    return path


def test_layout_as_read(study_file):
    study = ca.open_study(study_file)
    assert study.scenario_names == ["baseline", "dibao_1100"]
    assert study.contrast_labels == [CONTRAST]
    assert study.replicates == REPLICATES and study.confidence == 0.95
    assert study.study["name"] == "dibao-study"
    # A monthly model: the file records it, and the summary window defaulted to a year.
    assert study.steps_per_year == 12 and study.attrs["summary_window"] == 12
    ds = study.metrics(["gini_income", "gdp_by_sector"])
    assert ds.attrs["steps_per_year"] == 12
    assert ds["gini_income"].dims == ("scenario", "replicate", "step")
    assert ds.sizes == {"scenario": 2, "replicate": REPLICATES, "step": ECONOMY_STEPS + 1, "sector": 5}
    assert len(set(ds["seed"].values.tolist())) == REPLICATES
    contrasts = study.contrasts()
    assert contrasts.loc[CONTRAST, "reform"] == "dibao_1100" and contrasts.loc[CONTRAST, "n"] == REPLICATES
    assert "1100" in study.scenarios().loc["dibao_1100", "overrides"]
    with pytest.raises(ca.CpsimFormatError, match="a study file: use open_study"):
        ca.open_run(study_file)


def test_replicate_equals_a_single_run_with_its_seed(study_file, results_dir):
    study = ca.open_study(study_file)
    seed = int(study.metrics()["seed"].values[1])
    single = results_dir / "replicate-1.h5"
    run_cpsim("run", scenario("xihu-small.yaml"), "--seed", seed, "--steps", ECONOMY_STEPS, "-o", single, "--quiet")
    frame = ca.open_run(single).metrics_frame()
    from_study = study.metrics().sel(scenario="baseline", replicate=1)
    for name in frame.columns:
        np.testing.assert_array_equal(from_study[name].values, frame[name].to_numpy(), err_msg=name)


def test_contrast_statistics_are_paired_means_with_t_intervals(study_file):
    study = ca.open_study(study_file)
    metrics = study.metrics()
    for name in ("dibao_households", "gini_income", "gdp"):
        values = metrics[name].astype(np.float64)
        difference = (values.sel(scenario="dibao_1100") - values.sel(scenario="baseline")).values  # replicate, step
        stats = study.comparison(name).sel(contrast=CONTRAST)
        np.testing.assert_allclose(stats["mean_difference"].values, difference.mean(axis=0), rtol=1e-12, atol=1e-12)
        sd = difference.std(axis=0, ddof=1)
        np.testing.assert_allclose(stats["sd"].values, sd, rtol=1e-9, atol=1e-12)
        half_width = T_975_2 * sd / math.sqrt(REPLICATES)
        np.testing.assert_allclose(stats["ci_high"].values - stats["mean_difference"].values, half_width,
                                   rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(stats["baseline_mean"].values, values.sel(scenario="baseline").mean("replicate"),
                                   rtol=1e-12)
    table = study.contrast_table(["dibao_households"])
    row = table.loc[(CONTRAST, "dibao_households")]
    assert row["step"] == ECONOMY_STEPS
    # More households qualify under a higher standard, in every replicate.
    assert row["mean_difference"] > 0 and row["ci_low"] <= row["mean_difference"] <= row["ci_high"]


def test_study_report_and_summary(study_file, tmp_path, capsys):
    output = tmp_path / "study.html"
    assert cli_main(["report", str(study_file), "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and not re.search(r'(src|href)="(?!data:)', page)
    study = ca.open_study(study_file)
    # The report of a study is its policy brief (test_brief.py checks its sections); its full table
    # holds every metric's contrast at the final step.
    assert '<section id="headline">' in page and '<section id="metrics">' in page
    assert re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', page)[0] == "metrics over time"
    row = study.contrast_table(["gini_income"]).loc[(CONTRAST, "gini_income")]
    for statistic in ("mean_difference", "ci_low", "ci_high"):
        assert f">{format_number(float(row[statistic]))}</td>" in page
    assert cli_main(["summary", str(study_file)]) == 0
    text = capsys.readouterr().out
    difference = re.escape(format_number(float(row["mean_difference"])))
    assert re.search(rf"{re.escape(CONTRAST)}\s+gini_income\s+{difference}", text)


def test_compare_notebook_with_a_study(study_file, economy_file, reform_file, monkeypatch):
    from test_notebooks import execute, outputs

    notebook = execute("02-compare-scenarios.ipynb",
                       {"CPSIM_BASELINE": str(economy_file), "CPSIM_REFORM": str(reform_file),
                        "CPSIM_STUDY": str(study_file)}, monkeypatch)
    text, figures = outputs(notebook)
    assert figures == 2  # the two runs, the study's confidence bands
    assert CONTRAST in text
    # The study's table shows the metrics the study chose, and only those.
    assert "dibao_households" in text and "gini_income" in text
    study_part = text[text.index("<cpsim Study"):]
    assert "unemployment_rate" not in study_part and "gdp" not in study_part
