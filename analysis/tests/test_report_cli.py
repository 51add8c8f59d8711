"""`python3 -m cpsim_analysis report|summary`: self-contained HTML with the figures and the numbers,
a text summary, and one-line errors with exit code 3 for files that are missing or not cpsim files."""
from __future__ import annotations

import base64
import math
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest

import cpsim_analysis as ca
from cpsim_analysis.__main__ import main as cli_main
from cpsim_analysis.summary import format_number

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def analysis(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cpsim_analysis", *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def inline_pngs(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', page)]


def assert_self_contained(page: str):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"<(script|link|iframe)\b", page)
    assert not re.search(r'(src|href)="(?!data:)', page), "the page refers to an external asset"


def test_run_report_has_provenance_numbers_figures_calibration_and_lorenz(economy_file, tmp_path):
    output = tmp_path / "report.html"
    result = analysis("report", economy_file, "-o", output)
    assert result.returncode == 0, result.stderr
    page = output.read_text(encoding="utf-8")
    assert_self_contained(page)
    run = ca.open_run(economy_file)

    pngs = inline_pngs(page)
    scalar_figures = math.ceil(len(run.scalar_metric_names) / 12)
    assert len(pngs) == scalar_figures + 1  # time series in groups of 12, one Lorenz figure
    assert all(png.startswith(PNG_SIGNATURE) and len(png) > 10_000 for png in pngs)

    assert f"<td>{run.attrs['git_commit']}</td>" in page and "<td>xihu-small</td>" in page
    # Key metrics: the first and the last year's means, as numbers.
    annual = ca.yearly(run.metrics_frame(["gdp", "urban_rural_ratio"]))
    for year in (1, 2):
        for name in ("gdp", "urban_rural_ratio"):
            assert f">{format_number(float(annual.loc[year, name]))}</td>" in page, (name, year)
    assert "year 1 mean (steps 1-12)" in page and "year 2 mean (steps 13-24)" in page
    # Year-to-date metrics show the whole year (their value at month 12): the calibration table's first year.
    targets = run.table("calibration").set_index("target")["simulated"]
    row = re.search(r"<tr><td>urban_rural_ratio_ytd</td><td>1</td><td class=\"number\">([^<]+)</td>", page)
    assert row and row.group(1) == format_number(float(targets["urban_rural_income_ratio"]))
    # The calibration table, with its simulated values.
    calibration = run.table("calibration")
    assert "Table: calibration" in page
    for value in calibration["simulated"]:
        assert f">{format_number(float(value))}</td>" in page
    # Lorenz: the Gini from the step-12 and step-24 panels equals the stored metric.
    assert "income_ytd (RMB/person), per person, person-weighted" in page and "<th>persons</th>" in page
    for step in (12, 24):
        stored = float(run.metric("gini_income_ytd").sel(step=step))
        shown = re.search(rf'<td>step {step}</td><td class="number">([0-9.]+)</td>', page)
        assert shown and float(shown.group(1)) == pytest.approx(stored, abs=1e-6)


def test_boltzmann_report_uses_steps_not_years(boltzmann_file, tmp_path):
    output = tmp_path / "boltzmann.html"
    assert cli_main(["report", str(boltzmann_file), "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "<th>step 0</th>" in page and "<th>step 60</th>" in page and "year 1" not in page
    assert "wealth (units), per agent" in page and "<th>agents</th>" in page
    assert len(inline_pngs(page)) == 2  # six metrics in one figure, one Lorenz curve
    last_gini = float(ca.open_run(boltzmann_file).metric("gini").sel(step=60))
    assert f">{format_number(last_gini)}</td>" in page


def test_summary_prints_provenance_and_key_metrics(economy_file, capsys):
    assert cli_main(["summary", str(economy_file)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == f"{economy_file}: cpsim run, complete"
    assert re.search(r"model\s+district_economy", text) and re.search(r"seed\s+20210701", text)
    with h5py.File(economy_file, "r") as f:
        ratio = f["metrics/urban_rural_ratio"][()]
    assert re.search(rf"urban_rural_ratio\s+1\s+{format_number(ratio[1:13].mean())}\s+"
                     rf"{format_number(ratio[13:25].mean())}", text)
    assert "snapshots households: 3 at steps 0, 12, 24" in text
    assert "table calibration: 7 rows" in text


def test_the_module_command_exits_3_with_one_line_for_a_missing_file(tmp_path):
    result = analysis("report", tmp_path / "missing.h5", "-o", tmp_path / "r.html")
    assert (result.returncode, result.stderr) == (3, f"cpsim_analysis: {tmp_path / 'missing.h5'}: no such file\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["summary", "report"])
def test_bad_files_give_one_line_and_exit_3(command, not_cpsim_file, tmp_path, capsys):
    # In-process: the same main() as `python3 -m cpsim_analysis`, without an interpreter start per case.
    text_file = tmp_path / "text.h5"
    text_file.write_text("hello\n")
    cases = {tmp_path / "missing.h5": "missing.h5: no such file",
             not_cpsim_file: "other.h5: not a cpsim file (format 'something-else'",
             text_file: "text.h5: not an HDF5 file"}
    for path, message in cases.items():
        output = tmp_path / f"{command}-{path.stem}.html"
        args = [command, str(path)] + (["-o", str(output)] if command == "report" else [])
        assert cli_main(args) == 3
        stderr = capsys.readouterr().err
        assert stderr.count("\n") == 1 and stderr.startswith("cpsim_analysis: ")
        assert message in stderr
        assert not output.exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_report_into_a_missing_folder_fails_cleanly(economy_file, tmp_path, capsys):
    assert cli_main(["report", str(economy_file), "-o", str(tmp_path / "no" / "report.html")]) == 3
    assert capsys.readouterr().err.strip() == (
        f"cpsim_analysis: {tmp_path / 'no' / 'report.html'}: folder {tmp_path / 'no'} does not exist")


def test_usage_errors_exit_2(capsys):
    for args in (["report", "x.h5"], ["plot", "x.h5"]):  # no -o; no such command
        with pytest.raises(SystemExit) as stop:
            cli_main(args)
        assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_plot_functions_return_figures(economy_file, reform_file):
    from cpsim_analysis import plots

    figure = plots.plot_timeseries([economy_file, reform_file], ["gini_income", "dibao_households"], yearly=True)
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert len(axes) == 2
    lines = axes[1].get_lines()
    assert [line.get_label() for line in lines] == ["xihu-small", "dibao-1100"]
    annual = ca.yearly(ca.open_run(reform_file).metrics_frame(["dibao_households"]))
    np.testing.assert_allclose(lines[1].get_ydata(), annual["dibao_households"].to_numpy())
    assert axes[1].get_ylabel() == "households"
    lorenz = plots.plot_lorenz(economy_file, step=12)
    assert "Gini" in lorenz.axes[0].get_legend().get_texts()[0].get_text()
    with pytest.raises(ca.NotFoundError, match="no metric 'nope'"):
        plots.plot_timeseries(economy_file, ["nope"])
