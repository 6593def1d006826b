#!/usr/bin/python3
"""taguchi_reference.py — the brazing study's Taguchi figures for
tests/test_cli_values.c, computed independently of the C code (numpy only).

  /usr/bin/python3 tests/ref/taguchi_reference.py

stress_max, goal minimize: smaller-the-better S/N = -10 log10(y^2) per run;
per factor the level means of y and of S/N (9 runs per level in the L27),
delta = max - min of the level means; the main effect's sum of squares
SS_f = sum over levels of n_l (mean_l - grand mean)^2 and its share of the
total sum of squares (Taguchi's percent contribution).
"""
import csv
import os

import numpy as np

root = os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(root, "data", "brazing_l27.csv")) as fp:
    rows = list(csv.DictReader(fp))
y = np.array([float(r["stress_max_MPa"]) for r in rows])
sn = -10.0 * np.log10(y ** 2)
g = y.mean()
sst = float(((y - g) ** 2).sum())
print(f"grand mean {g:.17g} S/N grand mean {sn.mean():.17g} SS total {sst:.17g}")
for col in ["thickness_um", "temperature_C", "hold_min", "cooling_C_per_min"]:
    x = np.array([float(r[col]) for r in rows])
    lv = sorted(set(x))
    means = [y[x == v].mean() for v in lv]
    snm = [sn[x == v].mean() for v in lv]
    ss = sum((x == v).sum() * (m - g) ** 2 for v, m in zip(lv, means))
    print(f"{col}: means {' '.join(f'{m:.17g}' for m in means)} | S/N {' '.join(f'{m:.17g}' for m in snm)}"
          f" | delta {max(means) - min(means):.17g} | SS {ss:.17g} | percent {100 * ss / sst:.17g}")
