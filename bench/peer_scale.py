#!/usr/bin/python3
"""peer_scale.py — peer figures for bench/bench_scale.c on the table it wrote.

  peer_scale.py FILE N_IN N_OUT KIND

FILE is the benchmark's CSV (header, N_IN factor columns, N_OUT responses).
A PyTorch network as a plain script would train it: inputs scaled to
[0, 1], outputs standardised, one 20 % hold-out (rows shuffled with seed 0),
float32, Adam (lr 1e-3), mini-batches of 64, one network per response.
KIND "plain": 8-64-64-1 style (two hidden layers of 64, relu), 50 epochs
(the issue's reference); KIND "sin": the source material's 5 x 128 relu
network, 300 epochs.  Prints one line: hold-out RMSE and R^2 of each
response and the wall seconds, or "skip REASON" when torch is missing.
"""
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as exc:
    print(f"skip {exc.name} not installed")
    sys.exit(0)


def network(n_in, kind):
    layers, width = [], n_in
    for _ in range(5 if kind == "sin" else 2):
        layers += [torch.nn.Linear(width, 128 if kind == "sin" else 64), torch.nn.ReLU()]
        width = 128 if kind == "sin" else 64
    layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


def main():
    path, n_in, n_out, kind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(2)
    torch.manual_seed(0)
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    x, y = data[:, :n_in], data[:, n_in:n_in + n_out]
    order = np.random.default_rng(0).permutation(len(x))
    n_test = int(round(0.2 * len(x)))
    test, train = order[:n_test], order[n_test:]
    lo, hi = x[train].min(0), x[train].max(0)
    xs = (x - lo) / np.where(hi > lo, hi - lo, 1)
    epochs = 300 if kind == "sin" else 50
    start = time.time()
    parts = []
    for j in range(n_out):
        mu, sd = y[train, j].mean(), y[train, j].std() or 1.0
        xt = torch.tensor(xs[train], dtype=torch.float32)
        yt = torch.tensor(((y[train, j] - mu) / sd)[:, None], dtype=torch.float32)
        net = network(n_in, kind)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(epochs):
            perm = torch.randperm(len(xt))
            for b in range(0, len(xt), 64):
                idx = perm[b:b + 64]
                opt.zero_grad()
                loss = torch.nn.functional.mse_loss(net(xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        with torch.no_grad():
            pred = net(torch.tensor(xs[test], dtype=torch.float32)).numpy()[:, 0] * sd + mu
        err = y[test, j] - pred
        rmse = float(np.sqrt(np.mean(err ** 2)))
        r2 = 1 - float(np.sum(err ** 2) / np.sum((y[test, j] - y[test, j].mean()) ** 2))
        parts.append(f"RMSE {rmse:.4f} R2 {r2:.5f}")
    print(f"{'; '.join(parts)}; {time.time() - start:.1f} s wall")


if __name__ == "__main__":
    main()
