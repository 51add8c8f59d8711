#!/usr/bin/python3
"""Stylised facts of a district-economy run: the Beveridge curve, Okun's
relation, the firm-size distribution, firm growth rates and the income
distribution, as numbers (facts.json, facts.md) and figures (PNG).

    bench/stylised_facts.py [--scale 1] [--years 20] [--seed S]
                            [--scenario scenarios/xihu/baseline.yaml]
                            [--cpsim build/app/cpsim] [--threads 2]
                            [--out stylised-facts] [--input RUN.h5]

Runs `cpsim run SCENARIO --steps 12*YEARS` with yearly snapshots of the
households and firms tables (`--set output.snapshot_every=12 --set
output.snapshot_tables=[households,firms]`), or reads --input, a file
written that way. --scale N divides the scenario's residents by N (firms
scale with them; on the baseline, 100 gives xihu-small). Writes to
--out: facts.json, facts.md (the table docs/stylised-facts.md quotes) and
beveridge.png, okun.png, firm_sizes.png, firm_growth.png, income.png.

What is measured (year y = steps 12(y-1)+1 .. 12y; the last year is YEARS,
or the last complete year of --input):
  Beveridge curve: monthly unemployment_rate against vacancy_rate, and the
    yearly means, from year 2 (year 1 is the set-up's transient): OLS slope
    of the vacancy rate on unemployment and their correlation; also of the
    yearly changes (what moves together over the cycle, without the trends).
  Okun's relation: the change of the yearly mean unemployment rate (points)
    against GDP growth (log change of the year's summed gdp, %), OLS slope
    (Okun's coefficient) and correlation, years 2..last; also by quarter.
    The model has no price level, so GDP is real. Also the growth of the
    year's mean employment against GDP growth (the demand side of Okun).
  Firm sizes: employees of firms with at least one worker in the snapshots
    at step 0 and at the last December; the Pareto (Zipf) exponent alpha of
    the CCDF, P(S >= s) ~ s^-alpha, by maximum likelihood above s_min
    (discrete approximation alpha = n / sum ln(s / (s_min - 1/2)), standard
    error alpha / sqrt n), s_min chosen by the smallest Kolmogorov-Smirnov
    distance among sizes with at least 50 firms above (Clauset, Shalizi and
    Newman 2009). Zipf is alpha = 1.
  Firm growth: yearly log growth of employees (firms with >= 1 worker in
    both Decembers) and of December sales, for the same firm (same slot and
    `generation`), minus each year's mean, pooled over years; excess
    kurtosis (Laplace 3, normal 0), the share of unchanged sizes, and the
    log-likelihood per firm-year of a Laplace (tent) fit against a normal
    fit (both by maximum likelihood); employee growth also for firms with
    >= 10 workers (less discrete). The standard deviation of sales growth
    against size: slope beta of ln sd on ln employees over size bins.
  Income: per-capita disposable income of the last year (income_ytd /
    members in the December household snapshot, weighted by members).
    Lognormal body: mu = weighted median of ln x, sigma = interquartile
    range of ln x / 1.349, and the largest gap between the empirical and
    the fitted CDF between the 5th and 90th percentiles (KS distance of the
    body); the empirical over the lognormal share of persons above the 99th
    and 99.9th percentiles (> 1: a fatter tail than lognormal). Pareto
    tail: Hill's estimator, alpha = W / sum w ln(x / x_min), above the 90th
    and 99th percentiles. Also Gini and the top 1 % and 10 % shares.
Needs Debian's python3-h5py, python3-numpy and python3-matplotlib.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from cpsim_analysis.inequality import gini, lorenz_curve  # noqa: E402  (after the path is set)

MIN_TAIL_FIRMS = 50  # fewest firms above s_min when s_min is chosen


# ---------------------------------------------------------------- statistics

def ols(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Slope, intercept and Pearson correlation of y on x (NaN with < 3 points)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return {"slope": math.nan, "intercept": math.nan, "corr": math.nan, "n": len(x)}
    slope, intercept = np.polyfit(x, y, 1)
    return {"slope": float(slope), "intercept": float(intercept),
            "corr": float(np.corrcoef(x, y)[0, 1]), "n": len(x)}


def pareto_alpha(sizes: np.ndarray, s_min: float) -> tuple[float, int]:
    """Discrete-approximation MLE of the CCDF exponent above s_min (Clauset et al. 2009, eq. 3.7)."""
    tail = sizes[sizes >= s_min].astype(float)
    return float(len(tail) / np.sum(np.log(tail / (s_min - 0.5)))), len(tail)


def zipf_fit(sizes: np.ndarray) -> dict[str, float]:
    """Pareto exponent with s_min chosen by the smallest KS distance."""
    sizes = np.sort(sizes[sizes >= 1])
    best = None
    for s_min in np.unique(sizes):
        if s_min < 2 or np.count_nonzero(sizes >= s_min) < MIN_TAIL_FIRMS:
            continue  # s_min - 1/2 must stay above 1 for the discrete approximation
        alpha, n = pareto_alpha(sizes, s_min)
        tail = sizes[sizes >= s_min]
        empirical = 1.0 - np.arange(n) / n  # P(S >= s) at each sorted tail size
        model = ((tail - 0.5) / (s_min - 0.5)) ** -alpha
        ks = float(np.max(np.abs(empirical - model)))
        if best is None or ks < best["ks"]:
            best = {"s_min": float(s_min), "alpha": alpha, "se": alpha / math.sqrt(n), "n_tail": n, "ks": ks}
    if best is None:
        best = {"s_min": math.nan, "alpha": math.nan, "se": math.nan, "n_tail": 0, "ks": math.nan}
    best["n_firms"] = int(len(sizes))
    best["largest"] = float(sizes[-1]) if len(sizes) else math.nan
    return best


def laplace_vs_normal(g: np.ndarray, zero_share: float) -> dict[str, float]:
    """Moments of (demeaned) growth rates and the log-likelihood per observation of Laplace and
    normal fits; ZERO_SHARE, the share of firms whose size did not change, is passed through."""
    g = np.asarray(g, float)
    n = len(g)
    if n < 10:
        return {"n": n, "sd": math.nan, "excess_kurtosis": math.nan, "zero_share": zero_share,
                "ll_laplace": math.nan, "ll_normal": math.nan, "laplace_b": math.nan}
    mean, sd = float(np.mean(g)), float(np.std(g))
    kurt = float(np.mean((g - mean) ** 4) / sd**4 - 3.0) if sd > 0 else math.nan
    median = float(np.median(g))
    b = float(np.mean(np.abs(g - median)))
    ll_laplace = -math.log(2 * b) - 1.0 if b > 0 else math.inf
    ll_normal = -0.5 * math.log(2 * math.pi * sd**2) - 0.5 if sd > 0 else math.inf
    return {"n": n, "sd": sd, "excess_kurtosis": kurt, "zero_share": zero_share,
            "ll_laplace": ll_laplace, "ll_normal": ll_normal, "laplace_b": b, "median": median}


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """Smallest x with at least a share q of the weight at or below it (x sorted)."""
    c = np.cumsum(w)
    return float(x[min(np.searchsorted(c, q * c[-1]), len(x) - 1)])


def hill(x: np.ndarray, w: np.ndarray, x_min: float) -> float:
    tail = x > x_min
    return float(np.sum(w[tail]) / np.sum(w[tail] * np.log(x[tail] / x_min)))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))


def top_share(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """Share of total income of the richest share p of persons (the Lorenz curve at 1 - p)."""
    population, share = lorenz_curve(x, w)
    return float(1.0 - np.interp(1.0 - p, population, share))


def income_facts(income_ytd: np.ndarray, members: np.ndarray) -> dict:
    keep = members > 0
    x_all = income_ytd[keep] / 100.0 / members[keep]  # RMB per person per year
    w_all = members[keep].astype(float)
    order = np.argsort(x_all, kind="stable")
    x_all, w_all = x_all[order], w_all[order]
    positive = x_all > 0
    x, w = x_all[positive], w_all[positive]
    lx = np.log(x)
    mu = weighted_quantile(lx, w, 0.5)
    sigma = (weighted_quantile(lx, w, 0.75) - weighted_quantile(lx, w, 0.25)) / 1.349
    F = np.cumsum(w) / w.sum()
    fitted = normal_cdf((lx - mu) / sigma)
    body = (F >= 0.05) & (F <= 0.90)
    out = {"persons": float(w_all.sum()), "nonpositive_share": float(1 - w.sum() / w_all.sum()),
           "mean": float(np.sum(w_all * x_all) / w_all.sum()), "median": weighted_quantile(x_all, w_all, 0.5),
           "gini": gini(x_all, w_all), "top1_share": top_share(x_all, w_all, 0.01), "top10_share": top_share(x_all, w_all, 0.10),
           "lognormal_mu": mu, "lognormal_sigma": sigma,
           "body_ks": float(np.max(np.abs(F[body] - fitted[body])))}
    for label, p in (("p99", 0.99), ("p999", 0.999)):
        q = weighted_quantile(x, w, p)
        empirical = float(w[x > q].sum() / w.sum())
        model = float(1 - normal_cdf(np.array([(math.log(q) - mu) / sigma]))[0])
        out[f"tail_ratio_{label}"] = empirical / model if model > 0 else math.inf
    for label, p in (("p90", 0.90), ("p99", 0.99)):
        x_min = weighted_quantile(x, w, p)
        out[f"hill_{label}"] = hill(x, w, x_min)
        out[f"threshold_{label}"] = x_min
        out[f"tail_persons_{label}"] = float(w[x > x_min].sum())
    out["_x"], out["_w"] = x, w  # for the figure
    return out


# ---------------------------------------------------------------- reading a run

def read_run(path: str) -> dict:
    with h5py.File(path, "r") as f:
        m = f["metrics"]
        step = m["step"][()]
        data = {name: m[name][()] for name in ("unemployment_rate", "vacancy_rate", "gdp", "employment", "population")}
        data["step"] = step
        years = int(step.max()) // 12
        snaps = {}
        for table in ("households", "firms"):
            if f"snapshots/{table}" not in f:
                sys.exit(f"stylised_facts: {path} has no snapshots of the {table} table "
                         "(run with --set output.snapshot_tables=[households,firms])")
            snaps[table] = {}
            for y in range(0, years + 1):
                name = f"snapshots/{table}/step_{12 * y:06d}"
                if name not in f:
                    continue
                g = f[name]
                cols = (("employees", "sales", "generation") if table == "firms"
                        else ("income_ytd", "workers", "children", "elderly"))
                snaps[table][y] = {c: g[c][()] for c in cols}
        data["snapshots"] = snaps
        data["years"] = years
        data["attrs"] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
    return data


def yearly_series(d: dict) -> dict[str, np.ndarray]:
    step, years = d["step"], d["years"]
    u, v, gdp, employment = [], [], [], []
    for y in range(1, years + 1):
        months = (step >= 12 * (y - 1) + 1) & (step <= 12 * y)
        u.append(np.mean(d["unemployment_rate"][months]))
        v.append(np.mean(d["vacancy_rate"][months]))
        gdp.append(np.sum(d["gdp"][months]))
        employment.append(np.mean(d["employment"][months]))
    return {"year": np.arange(1, years + 1), "u": np.array(u), "v": np.array(v), "gdp": np.array(gdp),
            "employment": np.array(employment)}


def labour_facts(d: dict) -> dict:
    step = d["step"]
    ys = yearly_series(d)
    later = step >= 13  # from year 2
    monthly = ols(d["unemployment_rate"][later], d["vacancy_rate"][later])
    yearly = ols(ys["u"][1:], ys["v"][1:])
    changes = ols(np.diff(ys["u"][1:]), np.diff(ys["v"][1:]))  # the cycle without the trends
    growth = 100 * np.diff(np.log(ys["gdp"]))  # year y vs y-1, y = 2..
    du = 100 * np.diff(ys["u"])
    okun = ols(growth, du)
    employment = ols(growth, 100 * np.diff(np.log(ys["employment"])))
    # Quarters from year 2 on: quarter q = steps 3(q-1)+1 .. 3q.
    quarters = int(step.max()) // 3
    qu, qg = [], []
    for q in range(1, quarters + 1):
        months = (step >= 3 * (q - 1) + 1) & (step <= 3 * q)
        qu.append(np.mean(d["unemployment_rate"][months]))
        qg.append(np.sum(d["gdp"][months]))
    qu, qg = np.array(qu), np.array(qg)
    quarterly = ols(100 * np.diff(np.log(qg))[4:], 100 * np.diff(qu)[4:])
    return {"beveridge_monthly": monthly, "beveridge_yearly": yearly, "beveridge_changes": changes,
            "okun_yearly": okun,
            "okun_quarterly": quarterly, "employment_on_growth": employment,
            "mean_gdp_growth": float(np.mean(growth)),
            "u_range": [float(ys["u"][1:].min()), float(ys["u"][1:].max())],
            "v_range": [float(ys["v"][1:].min()), float(ys["v"][1:].max())],
            "_yearly": ys, "_growth": growth, "_du": du}


def firm_facts(d: dict) -> dict:
    firms = d["snapshots"]["firms"]
    years = sorted(firms)
    first, last = years[0], years[-1]
    out = {"size_first": zipf_fit(firms[first]["employees"]), "size_last": zipf_fit(firms[last]["employees"]),
           "first_year": first, "last_year": last}
    g_emp, g_emp10, g_sales, size_sales = [], [], [], []
    zeros = {"emp": [], "emp10": [], "sales": []}
    for a, b in zip(years[:-1], years[1:]):
        if b != a + 1 or a == 0:
            continue  # yearly changes of lived Decembers only (step 0 has no month's sales)
        fa, fb = firms[a], firms[b]
        same = fa["generation"] == fb["generation"]
        e0, e1 = fa["employees"].astype(float), fb["employees"].astype(float)
        both = same & (e0 > 0) & (e1 > 0)
        g = np.log(e1[both] / e0[both])
        g_emp.append(g - g.mean())
        big = e0[both] >= 10
        zeros["emp"].append(g == 0)
        zeros["emp10"].append(g[big] == 0)
        g_emp10.append(g[big] - g[big].mean() if big.any() else g[big])
        s0, s1 = fa["sales"].astype(float), fb["sales"].astype(float)
        sold = same & (s0 > 0) & (s1 > 0) & (e0 > 0)
        gs = np.log(s1[sold] / s0[sold])
        zeros["sales"].append(gs == 0)
        g_sales.append(gs - gs.mean())
        size_sales.append(e0[sold])
    g_emp, g_emp10 = np.concatenate(g_emp), np.concatenate(g_emp10)
    g_sales, size_sales = np.concatenate(g_sales), np.concatenate(size_sales)
    zero = {k: float(np.mean(np.concatenate(v))) if sum(map(len, v)) else math.nan for k, v in zeros.items()}
    out["growth_employees"] = laplace_vs_normal(g_emp, zero["emp"])
    out["growth_employees_10"] = laplace_vs_normal(g_emp10, zero["emp10"])
    out["growth_sales"] = laplace_vs_normal(g_sales, zero["sales"])
    # sd of sales growth in size bins (powers of 2), bins with >= 30 firm-years.
    bins = np.floor(np.log2(size_sales)).astype(int)
    pts = [(np.log(np.mean(size_sales[bins == k])), np.log(np.std(g_sales[bins == k])))
           for k in np.unique(bins) if np.count_nonzero(bins == k) >= 30]
    fit = ols([p[0] for p in pts], [p[1] for p in pts]) if len(pts) >= 3 else ols([], [])
    out["sd_size_beta"] = -fit["slope"]
    out["sd_size_bins"] = len(pts)
    out["_g_emp"], out["_g_emp10"], out["_g_sales"], out["_sd_points"] = g_emp, g_emp10, g_sales, pts
    return out


def household_income(d: dict, year: int) -> dict:
    h = d["snapshots"]["households"][year]
    members = h["workers"].astype(np.int64) + h["children"] + h["elderly"]
    return income_facts(h["income_ytd"].astype(float), members)


# ---------------------------------------------------------------- figures

def figures(out_dir: str, labour: dict, firms: dict, income: dict, d: dict) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "figure.dpi": 100})
    written = []

    def save(fig, name):
        path = os.path.join(out_dir, name)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)

    step = d["step"]
    ys = labour["_yearly"]
    fig, ax = plt.subplots(figsize=(4.6, 3.4))
    later = step >= 13
    sc = ax.scatter(100 * d["unemployment_rate"][later], 100 * d["vacancy_rate"][later], s=5,
                    c=(step[later] - 1) // 12 + 1, cmap="viridis", alpha=0.6)
    ax.plot(100 * ys["u"][1:], 100 * ys["v"][1:], "-o", color="black", ms=3, lw=0.8, label="yearly mean")
    for y in (2, len(ys["year"])):
        ax.annotate(str(y), (100 * ys["u"][y - 1], 100 * ys["v"][y - 1]), fontsize=7)
    fig.colorbar(sc, ax=ax, label="year")
    ax.set(xlabel="unemployment rate (%)", ylabel="vacancy rate (%)", title="Beveridge curve (years 2+)")
    ax.legend(loc="upper right")
    save(fig, "beveridge.png")

    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    ax.scatter(labour["_growth"], labour["_du"], s=14)
    for y, (gx, du) in enumerate(zip(labour["_growth"], labour["_du"]), start=2):
        ax.annotate(str(y), (gx, du), fontsize=6)
    fit = labour["okun_yearly"]
    if math.isfinite(fit["slope"]):
        xs = np.linspace(min(labour["_growth"]), max(labour["_growth"]), 10)
        ax.plot(xs, fit["intercept"] + fit["slope"] * xs, color="C3", lw=1,
                label=f"slope {fit['slope']:.3f}, r = {fit['corr']:.2f}")
        ax.legend()
    ax.axhline(0, color="grey", lw=0.5)
    ax.set(xlabel="GDP growth (%, log change)", ylabel="change in unemployment (points)",
           title="Okun's relation (yearly)")
    save(fig, "okun.png")

    fig, ax = plt.subplots(figsize=(4.2, 3.4))
    for year, fit, colour in ((firms["first_year"], firms["size_first"], "C0"),
                              (firms["last_year"], firms["size_last"], "C1")):
        s = np.sort(d["snapshots"]["firms"][year]["employees"])
        s = s[s >= 1]
        ccdf = 1.0 - np.arange(len(s)) / len(s)
        ax.loglog(s, ccdf, ".", ms=2, color=colour, label=f"step {12 * year}: alpha = {fit['alpha']:.2f}")
        if math.isfinite(fit["alpha"]):
            share = fit["n_tail"] / fit["n_firms"]
            xs = np.array([fit["s_min"], s[-1]])
            ax.loglog(xs, share * ((xs - 0.5) / (fit["s_min"] - 0.5)) ** -fit["alpha"], color=colour, lw=1)
    xs = np.array([1.0, float(d["snapshots"]["firms"][firms["last_year"]]["employees"].max())])
    ax.loglog(xs, 1.0 / xs, "k--", lw=0.7, label="Zipf, alpha = 1")
    ax.set(xlabel="employees", ylabel="share of firms with at least that many",
           title="Firm sizes (CCDF)")
    ax.legend(fontsize=7)
    save(fig, "firm_sizes.png")

    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.0))
    for ax, key, gkey, label in ((axes[0], "growth_employees_10", "_g_emp10", "employees (>= 10 workers)"),
                                 (axes[1], "growth_sales", "_g_sales", "December sales")):
        g, st = firms[gkey], firms[key]
        if len(g) < 10:
            continue
        edges = np.linspace(np.percentile(g, 0.1), np.percentile(g, 99.9), 61)
        hist, edges = np.histogram(g, bins=edges, density=True)
        mid = 0.5 * (edges[1:] + edges[:-1])
        ax.semilogy(mid[hist > 0], hist[hist > 0], "o", ms=2.5, label="model")
        xs = np.linspace(edges[0], edges[-1], 200)
        b = st["laplace_b"]
        ax.semilogy(xs, np.exp(-np.abs(xs - st["median"]) / b) / (2 * b), "C3", lw=1, label="Laplace fit")
        ax.semilogy(xs, np.exp(-0.5 * (xs / st["sd"]) ** 2) / (st["sd"] * math.sqrt(2 * math.pi)), "C2--",
                    lw=1, label="normal fit")
        ax.set_ylim(bottom=max(hist[hist > 0].min() / 3, 1e-4))
        ax.set(xlabel="log growth rate (minus the year's mean)", ylabel="density",
               title=f"{label}\nexcess kurtosis {st['excess_kurtosis']:.1f}")
        ax.legend(fontsize=6)
    pts = firms["_sd_points"]
    if pts:
        axes[2].plot([math.exp(p[0]) for p in pts], [math.exp(p[1]) for p in pts], "o-", ms=3)
        axes[2].set_xscale("log")
        axes[2].set_yscale("log")
    axes[2].set(xlabel="employees (bin mean)", ylabel="sd of sales growth",
                title=f"sd against size, beta = {firms['sd_size_beta']:.2f}")
    save(fig, "firm_growth.png")

    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.2))
    x, w = income["_x"], income["_w"]
    lx = np.log(x)
    hist, edges = np.histogram(lx, bins=80, weights=w, density=True)
    mid = 0.5 * (edges[1:] + edges[:-1])
    axes[0].plot(mid, hist, drawstyle="steps-mid", lw=0.8, label="model")
    mu, sigma = income["lognormal_mu"], income["lognormal_sigma"]
    axes[0].plot(mid, np.exp(-0.5 * ((mid - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi)), "C3",
                 lw=1, label=f"lognormal body fit, sigma = {sigma:.2f}")
    axes[0].set(xlabel="ln per-capita disposable income (RMB/year)", ylabel="density (persons)",
                title="Income: body")
    axes[0].legend(fontsize=7, loc="upper left")
    ccdf = 1.0 - (np.cumsum(w) - w) / w.sum()
    axes[1].loglog(x, ccdf, ".", ms=1.5, label="model")
    axes[1].loglog(x, 1 - normal_cdf((lx - mu) / sigma), "C3", lw=0.8, label="lognormal")
    for label, colour in (("p90", "C2"), ("p99", "C1")):
        x_min, alpha = income[f"threshold_{label}"], income[f"hill_{label}"]
        share = income[f"tail_persons_{label}"] / w.sum()
        xs = np.array([x_min, x.max()])
        axes[1].loglog(xs, share * (xs / x_min) ** -alpha, color=colour, lw=1,
                       label=f"Pareto above {label}, alpha = {alpha:.2f}")
    axes[1].set_ylim(bottom=0.5 / w.sum())
    axes[1].set(xlabel="per-capita disposable income (RMB/year)", ylabel="share of persons above",
                title="Income: tail (CCDF)")
    axes[1].legend(fontsize=6)
    save(fig, "income.png")
    return written


# ---------------------------------------------------------------- report

def public(obj):
    """The facts without the arrays kept for the figures, JSON-ready."""
    if isinstance(obj, dict):
        return {k: public(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    return obj


def markdown(facts: dict) -> str:
    lab, fi, inc, inc1 = facts["labour"], facts["firms"], facts["income_last"], facts["income_first"]
    run = facts["run"]
    rows = [
        ("Beveridge, monthly (years 2+)", f"slope {lab['beveridge_monthly']['slope']:.3f}, "
         f"r = {lab['beveridge_monthly']['corr']:.2f}, {lab['beveridge_monthly']['n']} months"),
        ("Beveridge, yearly means", f"slope {lab['beveridge_yearly']['slope']:.3f}, "
         f"r = {lab['beveridge_yearly']['corr']:.2f}, {lab['beveridge_yearly']['n']} years"),
        ("Beveridge, yearly changes (detrended)", f"slope {lab['beveridge_changes']['slope']:.3f}, "
         f"r = {lab['beveridge_changes']['corr']:.2f}, {lab['beveridge_changes']['n']} changes"),
        ("unemployment / vacancy range (yearly, years 2+)",
         f"{100 * lab['u_range'][0]:.1f}-{100 * lab['u_range'][1]:.1f} % / "
         f"{100 * lab['v_range'][0]:.1f}-{100 * lab['v_range'][1]:.1f} %"),
        ("Okun, yearly (points per % growth)", f"slope {lab['okun_yearly']['slope']:.3f}, "
         f"r = {lab['okun_yearly']['corr']:.2f}, {lab['okun_yearly']['n']} years; "
         f"mean growth {lab['mean_gdp_growth']:.1f} %"),
        ("Okun, quarterly (years 2+)", f"slope {lab['okun_quarterly']['slope']:.3f}, "
         f"r = {lab['okun_quarterly']['corr']:.2f}, {lab['okun_quarterly']['n']} quarters"),
        ("employment growth on GDP growth, yearly", f"slope {lab['employment_on_growth']['slope']:.2f}, "
         f"r = {lab['employment_on_growth']['corr']:.2f}"),
    ]
    for key, label in (("size_first", f"step {12 * fi['first_year']}"), ("size_last", f"step {12 * fi['last_year']}")):
        s = fi[key]
        rows.append((f"firm sizes, {label}: Pareto alpha (Zipf = 1)",
                     f"{s['alpha']:.2f} +- {s['se']:.2f} above {s['s_min']:.0f} workers "
                     f"({s['n_tail']} of {s['n_firms']} firms, KS {s['ks']:.3f}, largest {s['largest']:.0f})"))
    for key, label in (("growth_employees", "employees"), ("growth_employees_10", "employees, >= 10 workers"),
                       ("growth_sales", "December sales")):
        g = fi[key]
        rows.append((f"firm growth, {label}",
                     f"sd {g['sd']:.3f}, excess kurtosis {g['excess_kurtosis']:.1f}, "
                     f"unchanged {100 * g['zero_share']:.0f} %, log-lik. per firm-year Laplace "
                     f"{g['ll_laplace']:.3f} vs normal {g['ll_normal']:.3f} (n = {g['n']})"))
    rows.append(("sd of sales growth ~ size^-beta", f"beta = {fi['sd_size_beta']:.2f} over {fi['sd_size_bins']} bins"))
    for inc_, year in ((inc1, facts["income_first_year"]), (inc, facts["income_last_year"])):
        rows.append((f"income, year {year}: Gini / top 1 % / top 10 %",
                     f"{inc_['gini']:.3f} / {100 * inc_['top1_share']:.1f} % / {100 * inc_['top10_share']:.1f} %"))
        rows.append((f"income, year {year}: lognormal body",
                     f"sigma {inc_['lognormal_sigma']:.2f}, median {inc_['median']:,.0f} RMB, "
                     f"KS (p5-p90) {inc_['body_ks']:.3f}; persons above p99 / p99.9: "
                     f"{inc_['tail_ratio_p99']:.1f}x / {inc_['tail_ratio_p999']:.1f}x the lognormal's"))
        rows.append((f"income, year {year}: Pareto tail (Hill)",
                     f"alpha {inc_['hill_p90']:.2f} above p90 ({inc_['threshold_p90']:,.0f} RMB), "
                     f"{inc_['hill_p99']:.2f} above p99 ({inc_['threshold_p99']:,.0f} RMB)"))
    lines = [f"Run: {run['scenario']}, {run['residents']:,} residents at step 0, {run['years']} years, "
             f"seed {run['seed']}.", "",
             "| fact | model |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines) + "\n"


def residents_of(cpsim: str, scenario: str) -> int:
    done = subprocess.run([cpsim, "validate", scenario], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"stylised_facts: {done.stderr.strip()}")
    found = re.search(r"^\s+residents:\s*(\d+)", done.stdout, re.MULTILINE)
    if not found:
        sys.exit(f"stylised_facts: {scenario} has no parameters.population.residents")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpsim", default=os.path.join(ROOT, "build", "app", "cpsim"))
    parser.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "xihu", "baseline.yaml"))
    parser.add_argument("--scale", type=int, default=1, help="divide the residents by this (100: 1:100)")
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seed", type=int, help="default: the scenario's")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="passed to cpsim run --set")
    parser.add_argument("--input", help="read this run instead of running cpsim")
    parser.add_argument("--keep", help="keep the run's file under this name")
    parser.add_argument("--out", default="stylised-facts", help="folder for facts.json, facts.md and PNGs")
    args = parser.parse_args()
    if args.scale < 1 or args.years < 3:
        sys.exit("stylised_facts: --scale must be >= 1 and --years >= 3")

    path = args.input
    if path is None:
        path = args.keep or os.path.join(tempfile.mkdtemp(prefix="cpsim-facts-"), "run.h5")
        command = [args.cpsim, "run", args.scenario, "-o", path, "--force", "--quiet",
                   "--threads", str(args.threads), "--steps", str(12 * args.years),
                   "--set", "output.snapshot_every=12", "--set", "output.snapshot_tables=[households,firms]"]
        if args.scale != 1:
            residents = residents_of(args.cpsim, args.scenario)
            command += ["--set", f"parameters.population.residents={round(residents / args.scale)}"]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        for item in args.set:
            command += ["--set", item]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"stylised_facts: cpsim exited {done.returncode}: {done.stderr.strip()}")

    d = read_run(path)
    if d["years"] < 3:
        sys.exit(f"stylised_facts: {path} has {d['years']} complete years; at least 3 are needed")
    households = sorted(y for y in d["snapshots"]["households"] if y >= 1)
    labour = labour_facts(d)
    firms = firm_facts(d)
    income_first, income_last = household_income(d, households[0]), household_income(d, households[-1])
    facts = {"run": {"file": os.path.basename(path), "scenario": d["attrs"].get("scenario_name", args.scenario),
                     "scale": None if args.input else args.scale, "residents": int(d["population"][0]),
                     "years": d["years"], "seed": int(d["attrs"].get("seed", -1))},
             "labour": labour, "firms": firms, "income_first": income_first, "income_last": income_last,
             "income_first_year": households[0], "income_last_year": households[-1]}
    os.makedirs(args.out, exist_ok=True)
    figures(args.out, labour, firms, income_last, d)
    with open(os.path.join(args.out, "facts.json"), "w") as f:
        json.dump(public(facts), f, indent=1, allow_nan=True)
    table = markdown(facts)
    with open(os.path.join(args.out, "facts.md"), "w") as f:
        f.write(table)
    print(table, end="")


if __name__ == "__main__":
    main()
