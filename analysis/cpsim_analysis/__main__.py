"""Command line: `python3 -m cpsim_analysis report FILE.h5 -o report.html` and `... summary FILE.h5`.

Exit codes follow cpsim's: 0 ok, 2 usage, 3 file error (missing, not a
cpsim file, output not writable). Errors are one line on stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

from ._hdf5 import STUDY_FORMAT, file_format
from .errors import CpsimFormatError, IncompleteRunWarning
from .report import write_report
from .run import Run
from .study import open_study
from .study_report import study_summary_text
from .summary import run_summary_text

EXIT_FILE_ERROR = 3


def summary_text(path: str) -> str:
    if file_format(path) == STUDY_FORMAT:
        return study_summary_text(open_study(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteRunWarning)  # the summary's first line says so
        return run_summary_text(Run(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m cpsim_analysis",
                                     description="Reports on cpsim HDF5 output files (runs and studies).")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("file", help="cpsim run or study file (.h5)")
    report.add_argument("-o", "--output", required=True, help="HTML file to write")
    summary = commands.add_parser("summary", help="print a compact text summary")
    summary.add_argument("file", help="cpsim run or study file (.h5)")
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            write_report(args.file, args.output)
            print(f"wrote {args.output}")
        else:
            print(summary_text(args.file))
    except (FileNotFoundError, CpsimFormatError, PermissionError, IsADirectoryError) as error:
        message = str(error) if isinstance(error, CpsimFormatError) or not error.filename else (
            f"{error.filename}: {error.strerror}")
        print(f"cpsim_analysis: {message}", file=sys.stderr)
        return EXIT_FILE_ERROR
    except BrokenPipeError:
        # The reader stopped early (`summary FILE | head`): not an error; keep Python's exit flush quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
