#!/usr/bin/python3
"""cv_reference.py — reference figures for tests/test_cv.c and
tests/test_cli_values.c, computed independently of the C code (numpy only).

  /usr/bin/python3 tests/ref/cv_reference.py

1. Pure noise (the LCG table of test_cv.c's lcg_noise(): 24 rows, x1 in
   [10, 30], x2 in [-3, 3], y uniform in [-0.5, 0.5)): leave-one-out figures
   of the full quadratic response surface (1, x1, x2, x1^2, x2^2, x1 x2) by
   the hat-matrix identity e_loo = e / (1 - h).  Q^2 = 1 - SSE/SST, SST about
   the mean of the observed values.
2. The brazing table (data/brazing_l27.csv): leave-one-out figures of the
   quadratic response surface in the four factors (15 terms) for each
   response (the baseline of `surrogate fit`).
On the brazing L27 the full quadratic is not estimable (interactions are
aliased): as documented in src/analysis/rsm.h, each fold keeps the terms in
the order 1, linear, squares, interactions, dropping a term whose column
adds no rank to those kept (relative distance <= 1e-10), and refits; the
held-out row is then predicted by that reduced model.  Factors are coded to
[-1, 1] from the fold's training rows (the kept spans do not depend on the
coding, it only conditions the rank test).
"""
import csv
import itertools
import os

import numpy as np


def lcg_noise(n=24, seed=2385):
    s = seed
    def u():
        nonlocal s
        s = (1664525 * s + 1013904223) % 2**32
        return s / 2**32
    X, y = [], []
    for _ in range(n):
        x1 = 10.0 + 20.0 * u()
        x2 = -3.0 + 6.0 * u()
        X.append((x1, x2))
        y.append(u() - 0.5)
    return np.array(X), np.array(y)


def quad_design(X):
    k = X.shape[1]
    cols = [np.ones(len(X))] + [X[:, i] for i in range(k)] + [X[:, i] ** 2 for i in range(k)]
    cols += [X[:, i] * X[:, j] for i, j in itertools.combinations(range(k), 2)]
    return np.column_stack(cols)


def reduced_fit_predict(Xtr, ytr, xte, tol=1e-10):
    lo, hi = Xtr.min(axis=0), Xtr.max(axis=0)
    mid, half = (lo + hi) / 2, np.where(hi > lo, (hi - lo) / 2, 1.0)
    A = quad_design((Xtr - mid) / half)
    a = quad_design(((xte - mid) / half)[None, :])[0]
    keep, scale = [], 0.0
    for j in range(A.shape[1]):
        c = A[:, j]
        scale = max(scale, np.linalg.norm(c))
        if keep:
            B = A[:, keep]
            r = c - B @ np.linalg.lstsq(B, c, rcond=None)[0]
        else:
            r = c
        if np.linalg.norm(r) > tol * scale:
            keep.append(j)
    beta = np.linalg.lstsq(A[:, keep], ytr, rcond=None)[0]
    return float(a[keep] @ beta), A.shape[1] - len(keep)


def loo_refit(X, y):
    e, dropped = [], set()
    for i in range(len(y)):
        m = np.arange(len(y)) != i
        p, nd = reduced_fit_predict(X[m], y[m], X[i])
        e.append(y[i] - p)
        dropped.add(nd)
    e = np.array(e)
    sse = float(e @ e)
    sst = float(((y - y.mean()) ** 2).sum())
    return np.sqrt(sse / len(y)), 1.0 - sse / sst, float(np.abs(e).mean()), sorted(dropped)


def loo(X, y):
    A = quad_design(X)
    H = A @ np.linalg.pinv(A)
    e = y - H @ y
    eloo = e / (1.0 - np.diag(H))
    sse = float(eloo @ eloo)
    sst = float(((y - y.mean()) ** 2).sum())
    return np.sqrt(sse / len(y)), 1.0 - sse / sst, float(np.abs(eloo).mean())


X, y = lcg_noise()
rmse, q2, mae = loo(X, y)
assert abs(rmse - loo_refit(X, y)[0]) < 1e-12  # full rank: both ways agree
print(f"noise24 rsm loo: rmse {rmse:.17g} q2 {q2:.17g} mae {mae:.17g}")

root = os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(root, "data", "brazing_l27.csv")) as fp:
    rows = list(csv.DictReader(fp))
F = ["thickness_um", "temperature_C", "hold_min", "cooling_C_per_min"]
Xb = np.array([[float(r[f]) for f in F] for r in rows])
for resp in ["stress_max_MPa", "stress_path1_MPa", "stress_path2_MPa"]:
    yb = np.array([float(r[resp]) for r in rows])
    rmse, q2, mae, dropped = loo_refit(Xb, yb)
    print(f"brazing {resp} rsm loo: rmse {rmse:.17g} q2 {q2:.17g} mae {mae:.17g} "
          f"(terms dropped per fold: {dropped})")
