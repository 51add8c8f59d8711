#!/usr/bin/env python3
"""`cpsim study --part I/N` and `--merge` (docs/studies.md, "Parts on a cluster").

Usage: test_study_parts.py CPSIM_BINARY SOURCE_DIR

Checks that the parts of a study, run with other --threads and --jobs and
merged, give the file one `cpsim study` writes (every dataset and attribute
but the execution attributes, study_files.EXECUTION), for a kinetic-exchange
sweep and for the district economy's pension study with its household panels
and budget; that part I of N holds the runs floor((I-1) x runs / N) up to
floor(I x runs / N); that a merge from another folder reads the study as the
parts named it; and that each refusal is one line with its exit code and
leaves no file.

Exits 0 if every check passes, 1 otherwise (a list of failures on stderr).
"""
import os
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import study_files  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def run(cpsim, *args, cwd=None):
    return subprocess.run([cpsim, *args], cwd=cwd, capture_output=True, text=True)


def split_and_merge(cpsim, study, tmp, name, parts, extra=(), cwd=None):
    """The whole study, its parts (odd parts on 1 thread) and their merge."""
    whole = os.path.join(tmp, f"{name}-whole.h5")
    done = run(cpsim, "study", study, *extra, "-o", whole, "--quiet", cwd=cwd)
    check(done.returncode == 0, f"{name}: whole study failed: {done.stderr}")
    files = []
    for i in range(1, parts + 1):
        path = os.path.join(tmp, f"{name}-part-{i}.h5")
        threads = ["--threads", "1", "--jobs", "1"] if i % 2 else ["--threads", "2"]
        done = run(cpsim, "study", study, *extra, "--part", f"{i}/{parts}", "-o", path,
                   "--quiet", *threads, cwd=cwd)
        check(done.returncode == 0, f"{name}: part {i} failed: {done.stderr}")
        files.append(path)
    merged = os.path.join(tmp, f"{name}-merged.h5")
    # Given in reverse: the merge orders the parts by number.
    done = run(cpsim, "study", "--merge", *reversed(files), "-o", merged, "--quiet")
    check(done.returncode == 0, f"{name}: merge failed: {done.stderr}")
    return whole, files, merged


def main():
    cpsim, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        study = os.path.join(tmp, "tiny.yaml")
        with open(study, "w") as f:
            f.write(f"""name: tiny
seed: 3
replicates: 3
steps: 8
scenario: {source}/tests/data/bad-studies/helpers/kinetic.yaml
scenarios:
  base: {{set: {{parameters.lambda: 0.0}}}}
  saving: {{}}
sweeps:
  - {{scenario: saving, parameter: parameters.lambda, values: [0.3, 0.6]}}
compare:
  - {{reform: saving, baseline: base}}
""")
        whole, parts, merged = split_and_merge(cpsim, study, tmp, "tiny", 4)
        diffs = study_files.differences(whole, merged)
        check(not diffs, f"tiny: merged differs from the whole study: {diffs[:5]}")
        # The comparison sees a changed value (it is not a test that cannot fail).
        with h5py.File(merged, "a") as f:
            f["metrics/gini"][0, 0, 1] += 1e-12
        check(study_files.differences(whole, merged) == ["/metrics/gini: values differ"],
              "tiny: a changed value went unnoticed")

        # A sensitivity design (its points share one scenario) and a study
        # with parameter draws: the indices and the draws come through the merge.
        for name in ("ishigami-morris", "ishigami-uncertainty"):
            w, _, m = split_and_merge(cpsim, f"{source}/scenarios/studies/{name}.yaml", tmp, name, 3)
            diffs = study_files.differences(w, m)
            check(not diffs, f"{name}: merged differs from the whole study: {diffs[:5]}")

        # Part I of N: runs floor((I-1) runs / N) .. floor(I runs / N) - 1 of 9.
        for i, path in enumerate(parts, start=1):
            with h5py.File(path, "r") as f:
                first, count = int(f.attrs["first_run"]), int(f.attrs["run_count"])
                check(f.attrs["format"] == "cpsim-study-part", f"part {i}: format")
                check((first, count) == ((i - 1) * 9 // 4, i * 9 // 4 - (i - 1) * 9 // 4),
                      f"part {i}/4 holds runs {first}+{count}")
                check(sorted(f["runs"].keys()) == [f"{r:07d}" for r in range(first, first + count)],
                      f"part {i}: its runs")

        done = run(cpsim, "info", parts[1])
        check(done.returncode == 0 and "cpsim study part 2/4 of study 'tiny'" in done.stdout
              and "runs 2 to 3 of 9" in done.stdout, f"cpsim info PART: {done.stdout!r}")

        # The district economy with household panels and a budget.
        pension = os.path.join(source, "scenarios/studies/pension-reform.yaml")
        whole, _, merged = split_and_merge(cpsim, pension, tmp, "pension", 3,
                                           extra=("--replicates", "2"))
        diffs = study_files.differences(whole, merged)
        check(not diffs, f"pension: merged differs from the whole study: {diffs[:5]}")
        with h5py.File(merged, "r") as f:
            check("households" in f and "budget" in f, "pension: /households and /budget")

        # A study named relative to the folder the parts ran in, merged elsewhere.
        rel_parts = []
        for i in (1, 2):
            path = os.path.join(tmp, f"rel-{i}.h5")
            done = run(cpsim, "study", "scenarios/studies/kinetic-lambda.yaml", "--part",
                       f"{i}/2", "-o", path, "--quiet", cwd=source)
            check(done.returncode == 0, f"relative part {i}: {done.stderr}")
            rel_parts.append(path)
        rel_whole = os.path.join(tmp, "rel-whole.h5")
        run(cpsim, "study", "scenarios/studies/kinetic-lambda.yaml", "-o", rel_whole, "--quiet",
            cwd=source)
        done = run(cpsim, "study", "--merge", *rel_parts, "-o", "rel-merged.h5", "--quiet", cwd=tmp)
        check(done.returncode == 0, f"relative merge: {done.stderr}")
        diffs = study_files.differences(rel_whole, os.path.join(tmp, "rel-merged.h5"))
        check(not diffs, f"relative: merged differs: {diffs[:5]}")

        # Refusals: one line, the exit code, no file.
        other = os.path.join(tmp, "other.h5")
        run(cpsim, "study", study, "--replicates", "2", "--part", "1/4", "-o", other, "--quiet")
        stale = os.path.join(tmp, "stale.h5")
        with h5py.File(parts[2], "r") as f_in, h5py.File(stale, "w") as f_out:
            for key, value in f_in.attrs.items():
                f_out.attrs[key] = value
            f_in.copy("runs", f_out)
            f_out.attrs["cpsim_version"] = "0.0.1"
        changed = os.path.join(tmp, "changed.yaml")
        with open(study) as f_in, open(changed, "w") as f_out:
            f_out.write(f_in.read().replace("seed: 3", "seed: 4"))
        out = os.path.join(tmp, "refused.h5")
        cases = [
            ("missing part", [parts[0], parts[1], parts[3]], 2, "missing part 3/4 (given 3 of 4)"),
            ("duplicate", [parts[0], parts[1], parts[1], parts[2], parts[3]], 2, "given twice"),
            ("other study", [other, parts[1], parts[2], parts[3]], 2, "a part of study 'tiny'"),
            ("other split", [parts[0], parts[1], rel_parts[1]], 2, "a part of study"),
            ("version", [parts[0], parts[1], stale, parts[3]], 2, "written by cpsim 0.0.1"),
            ("not a part", [parts[0], whole], 3, "not a cpsim study part"),
            ("no file", [parts[0], os.path.join(tmp, "nope.h5")], 3, "no such file"),
        ]
        for what, files, code, text in cases:
            done = run(cpsim, "study", "--merge", *files, "-o", out)
            check(done.returncode == code and text in done.stderr
                  and done.stderr.count("\n") == 1 and not os.path.exists(out),
                  f"{what}: exit {done.returncode}, {done.stderr!r}")
        done = run(cpsim, "study", changed, "--merge", *parts, "-o", out)
        check(done.returncode == 2 and "differs from the study the parts ran" in done.stderr
              and not os.path.exists(out), f"changed study: {done.returncode} {done.stderr!r}")
        for bad, text in (("0/4", "1 <= I <= N"), ("5/4", "1 <= I <= N"), ("1/10", "9 runs"),
                          ("1", "expected I/N")):
            done = run(cpsim, "study", study, "--part", bad, "-o", out)
            check(done.returncode == 2 and text in done.stderr and not os.path.exists(out),
                  f"--part {bad}: {done.returncode} {done.stderr!r}")

    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
