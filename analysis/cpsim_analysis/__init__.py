"""cpsim_analysis: read cpsim HDF5 output (runs and studies) into xarray and pandas, plot it, report on it.

Reads only the layouts documented in docs/output-format.md (runs) and
docs/studies.md (studies). API reference: docs/analysis.md.
"""
from .errors import CpsimFormatError, IncompleteRunWarning, NotFoundError
from .inequality import gini, lorenz_curve, panel_distribution
from .run import Run, open_run
from .study import Study, open_study
from .timeseries import compare_runs, yearly

__all__ = ["CpsimFormatError", "IncompleteRunWarning", "NotFoundError", "Run", "compare_runs", "gini",
           "lorenz_curve", "open_run", "open_study", "panel_distribution", "Study", "yearly"]
