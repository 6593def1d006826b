#!/usr/bin/python3
"""peer_loop.py — the Gaussian-process baseline of bench/bench_loop.c.

  peer_loop.py PROBLEM BUDGET SEEDS TARGET [DESIGNS]

Standard Bayesian optimisation written with scikit-learn, as an engineer
would write it: a Gaussian process (Matern 5/2 with one length scale per
factor, a small white-noise term, normalised outputs, 5 optimiser restarts)
on the inputs scaled to [0, 1]; expected improvement maximised by 2,000
random candidates followed by L-BFGS-B from the best 5; one run per
iteration.  The constrained problem models the constraint with a second
process and multiplies the expected improvement by the probability of
feasibility.  Each seed starts from the initial design that DESIGNS holds
for it (lines "seed,x1,...,xd", engineering units; bench_loop writes the
designs its loop starts from), or without DESIGNS from its own Latin
hypercube of 2d + 2 runs.
Prints "median N by seed N1 N2 ..." (calls until the best feasible value is at most TARGET;
BUDGET + 1 = not reached) or "skip REASON" when scikit-learn is missing.
The problems are the C benchmark's (Branin, Hartmann-3, Hartmann-6, Branin
with x1 <= 3).
"""
import sys
import warnings

try:
    import numpy as np
    from scipy.optimize import minimize
    from scipy.stats import norm, qmc
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
except ImportError as exc:
    print(f"skip {exc.name} not installed")
    sys.exit(0)

H_A3 = np.array([[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]])
H_P3 = np.array([[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470],
                 [0.1091, 0.8732, 0.5547], [0.03815, 0.5743, 0.8828]])
H_A6 = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                 [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
H_P6 = np.array([[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                 [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                 [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                 [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]])
H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def branin(x):
    b, c, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 1 / (8 * np.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * np.cos(x[0]) + 10


def hartmann(a, p):
    return lambda x: -float(np.sum(H_ALPHA * np.exp(-np.sum(a * (x - p) ** 2, axis=1))))


PROBLEMS = {
    "branin": (branin, [-5, 0], [10, 15], False),
    "hartmann3": (hartmann(H_A3, H_P3), [0] * 3, [1] * 3, False),
    "hartmann6": (hartmann(H_A6, H_P6), [0] * 6, [1] * 6, False),
    "branin_x1_le_3": (branin, [-5, 0], [10, 15], True),
}


def gp(d):
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) *
              Matern(length_scale=np.full(d, 0.3), length_scale_bounds=(1e-3, 1e2), nu=2.5) +
              WhiteKernel(1e-6, (1e-10, 1e-2)))
    return GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=5,
                                    random_state=0)


def acquisition(models, best, u):
    mu, sd = models[0].predict(u, return_std=True)
    sd = np.maximum(sd, 1e-12)
    z = (best - mu) / sd
    ei = (best - mu) * norm.cdf(z) + sd * norm.pdf(z)
    if len(models) > 1:  # constraint c <= 3 in engineering units
        cm, cs = models[1].predict(u, return_std=True)
        ei = ei * norm.cdf((3.0 - cm) / np.maximum(cs, 1e-12))
    return ei


def run(name, budget, seed, target, init=None):
    f, lo, hi, constrained = PROBLEMS[name]
    lo, hi = np.array(lo, float), np.array(hi, float)
    d = len(lo)
    rng = np.random.default_rng(seed)
    if init is None:
        u = qmc.LatinHypercube(d=d, seed=seed).random(2 * d + 2)
        xs = lo + u * (hi - lo)
    else:
        xs = np.array(init, float)
    ys = [f(x) for x in xs]
    cs = [x[0] for x in xs]

    def hit_at():
        for i, (y, x) in enumerate(zip(ys, xs)):
            if y <= target and (not constrained or x[0] <= 3.0):
                return i + 1
        return None

    while len(ys) < budget and hit_at() is None:
        U = (np.array(xs) - lo) / (hi - lo)
        models = [gp(d).fit(U, np.array(ys))]
        feasible = [y for y, c in zip(ys, cs) if not constrained or c <= 3.0]
        best = min(feasible) if feasible else max(ys)
        if constrained:
            models.append(gp(d).fit(U, np.array(cs)))
        cand = rng.random((2000, d))
        a = acquisition(models, best, cand)
        starts = cand[np.argsort(-a)[:5]]
        best_u, best_a = starts[0], -np.inf
        for s in starts:
            r = minimize(lambda v: -acquisition(models, best, v[None, :])[0], s,
                         bounds=[(0, 1)] * d, method="L-BFGS-B")
            if -r.fun > best_a:
                best_u, best_a = r.x, -r.fun
        x = lo + np.clip(best_u, 0, 1) * (hi - lo)
        xs = np.vstack([xs, x])
        ys.append(f(x))
        cs.append(x[0])
    h = hit_at()
    return h if h is not None else budget + 1


def designs(path, seeds):
    """The initial design of each seed: rows "seed,x1,...,xd" of a file."""
    init = [[] for _ in range(seeds)]
    with open(path) as fh:
        for line in fh:
            v = line.strip().split(",")
            if len(v) > 1 and int(v[0]) < seeds:
                init[int(v[0])].append([float(t) for t in v[1:]])
    return init


def main():
    name, budget, seeds, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    init = designs(sys.argv[5], seeds) if len(sys.argv) > 5 else [None] * seeds
    warnings.filterwarnings("ignore")
    calls = [run(name, budget, 3000 + s, target, init[s]) for s in range(seeds)]
    print(f"median {sorted(calls)[seeds // 2]} by seed {' '.join(map(str, calls))}")


if __name__ == "__main__":
    main()
