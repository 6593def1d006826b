#!/usr/bin/python3
"""peer_mlp.py — peer figures for bench/bench_mlp.c, measured on the data the
C benchmark wrote to a temporary file (never typed in).  Run by bench_mlp
itself in the same `make bench`; prints one line "NAME VALUE" per figure or
"skip REASON" when a peer library is missing.  One thread, like the C side.

  peer_mlp.py train FILE SIZES ACT LR BATCH EPOCHS
      PyTorch (float64, Adam, CPU): process CPU seconds per epoch of training
      the network SIZES (e.g. 4-16-16-1), ACT tanh or relu, linear output,
      mean squared error, on FILE (rows "x1 .. xk t", scaled as in C).
  peer_mlp.py loo FILE
      Leave-one-out RMSE on FILE (rows "x1 .. xk t", engineering units) of
      scikit-learn's GaussianProcessRegressor (Matern 5/2 + white noise,
      inputs scaled to [0, 1], normalised output) and MLPRegressor (4-4,
      tanh, lbfgs, alpha 3e-6, 2 seeds averaged), and of a PyTorch MLP (4-4
      tanh, Adam lr 0.01, 2000 epochs, one member).
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
try:
    import numpy as np
except ImportError:
    print("skip numpy not installed (apt-get install python3-numpy)")
    sys.exit(0)


def train(path, sizes, act, lr, batch, epochs):
    try:
        import torch
    except ImportError:
        print("skip PyTorch not installed (apt-get install python3-torch)")
        return
    torch.set_num_threads(1)
    torch.manual_seed(42)
    d = np.loadtxt(path, ndmin=2)
    X = torch.tensor(d[:, :-1], dtype=torch.float64)
    T = torch.tensor(d[:, -1:], dtype=torch.float64)
    s = [int(v) for v in sizes.split("-")]
    layers = []
    for i in range(len(s) - 1):
        layers.append(torch.nn.Linear(s[i], s[i + 1]).double())
        if i + 2 < len(s):
            layers.append(torch.nn.Tanh() if act == "tanh" else torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    n = X.shape[0]
    b = n if batch <= 0 else batch
    t0 = time.process_time()
    for _ in range(epochs):
        perm = torch.randperm(n) if b < n else torch.arange(n)
        for k in range(0, n, b):
            idx = perm[k:k + b]
            opt.zero_grad()
            loss = torch.mean((net(X[idx]) - T[idx]) ** 2)
            loss.backward()
            opt.step()
    per = (time.process_time() - t0) / epochs
    print(f"torch_seconds_per_epoch {per:.6g}")
    print(f"torch_final_loss {float(loss):.6g}")


def loo(path):
    d = np.loadtxt(path, ndmin=2)
    X, y = d[:, :-1], d[:, -1]
    lo, hi = X.min(axis=0), X.max(axis=0)
    Xs = (X - lo) / np.where(hi > lo, hi - lo, 1.0)
    n = len(y)
    try:
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import Matern, WhiteKernel, ConstantKernel
        from sklearn.neural_network import MLPRegressor
        import warnings
        warnings.filterwarnings("ignore")
        e_gp, e_mlp = [], []
        for i in range(n):
            m = np.arange(n) != i
            k = ConstantKernel() * Matern(length_scale=np.ones(X.shape[1]), nu=2.5) + WhiteKernel(1e-4)
            gp = GaussianProcessRegressor(k, normalize_y=True, n_restarts_optimizer=1, random_state=0)
            gp.fit(Xs[m], y[m])
            e_gp.append(y[i] - gp.predict(Xs[i:i + 1])[0])
            ym, ys = y[m].mean(), y[m].std()
            p = 0.0
            for seed in range(2):
                r = MLPRegressor((4, 4), activation="tanh", solver="lbfgs", alpha=3e-6,
                                 max_iter=10000, random_state=seed)
                r.fit(Xs[m], (y[m] - ym) / ys)
                p += r.predict(Xs[i:i + 1])[0] * ys + ym
            e_mlp.append(y[i] - p / 2)
        print(f"sklearn_gp_loo_rmse {np.sqrt(np.mean(np.square(e_gp))):.6g}")
        print(f"sklearn_mlp_loo_rmse {np.sqrt(np.mean(np.square(e_mlp))):.6g}")
    except ImportError:
        print("skip scikit-learn not installed (apt-get install python3-sklearn)")
    try:
        import torch
    except ImportError:
        print("skip PyTorch not installed (apt-get install python3-torch)")
        return
    torch.set_num_threads(1)
    e = []
    for i in range(n):
        m = np.arange(n) != i
        ym, ys = y[m].mean(), y[m].std()
        torch.manual_seed(42)
        Xt = torch.tensor(Xs[m]); Tt = torch.tensor(((y[m] - ym) / ys)[:, None])
        net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 4), torch.nn.Tanh(),
                                  torch.nn.Linear(4, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        for _ in range(2000):
            opt.zero_grad()
            loss = torch.mean((net(Xt) - Tt) ** 2)
            loss.backward()
            opt.step()
        with torch.no_grad():
            e.append(y[i] - (float(net(torch.tensor(Xs[i:i + 1]))[0, 0]) * ys + ym))
    print(f"torch_mlp_loo_rmse {np.sqrt(np.mean(np.square(e))):.6g}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]))
    elif len(sys.argv) == 3 and sys.argv[1] == "loo":
        loo(sys.argv[2])
    else:
        print("usage: peer_mlp.py train FILE SIZES ACT LR BATCH EPOCHS | loo FILE", file=sys.stderr)
        sys.exit(2)
