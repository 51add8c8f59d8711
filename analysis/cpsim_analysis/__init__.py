"""cpsim_analysis: read cpsim HDF5 output (runs and studies) into xarray and pandas, plot it, report on it.

Reads only the layouts documented in docs/output-format.md (runs) and
docs/studies.md (studies). API reference: docs/analysis.md.
"""
from .errors import CpsimFormatError, IncompleteRunWarning, NotFoundError
from .inequality import (gini, lorenz_curve, lorenz_share, mean_log_deviation, middle_income_share, palma,
                         panel_distribution, quintile_shares, relative_poverty_rate, theil, top_share,
                         weighted_median)
from .run import Run, open_run
from .study import Study, open_study
from .timeseries import compare_runs, yearly

__all__ = ["CpsimFormatError", "IncompleteRunWarning", "NotFoundError", "Run", "compare_runs", "gini",
           "lorenz_curve", "lorenz_share", "mean_log_deviation", "middle_income_share", "open_run", "open_study",
           "palma", "panel_distribution", "quintile_shares", "relative_poverty_rate", "Study", "theil", "top_share",
           "weighted_median", "yearly"]
