"""PyTorch side of the Cortex benchmark: the same cases, names and JSON schema.

Usage: python3 pytorch_bench.py [--quick] [--threads N] [--json] [--filter SUBSTRING]
Tensors are NCHW, as PyTorch prefers; the math per case is the same as Cortex's.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def measure(body, repetitions, minimum_seconds, warmup=1):
    for _ in range(warmup):
        body()
    times = []
    start = time.perf_counter()
    while len(times) < repetitions or (time.perf_counter() - start < minimum_seconds and len(times) < 1000):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return times


class SeedRNN(nn.Module):
    """Embedding(10, 16) -> SimpleRNN(32, sequences) -> SimpleRNN(32) -> Dense(2), as in the seed."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 16)
        self.rnn1 = nn.RNN(16, 32, batch_first=True)
        self.rnn2 = nn.RNN(32, 32, batch_first=True)
        self.dense = nn.Linear(32, 2)

    def forward(self, x):
        h, _ = self.rnn1(self.embedding(x))
        h, _ = self.rnn2(h)
        return self.dense(h[:, -1])


class Suite:
    def __init__(self, args):
        self.args = args
        self.minimum_seconds = 0.05 if args.quick else 0.5
        self.framework = "pytorch"

    def run(self, name, body, items, batch=None, flops=None, warmup=1):
        if self.args.filter and self.args.filter not in name:
            return
        times = sorted(measure(body, 5, self.minimum_seconds, warmup))
        median = times[len(times) // 2]
        record = {
            "framework": self.framework, "case": name, "threads": self.args.threads, "batch": batch,
            "median_s": median, "min_s": times[0], "max_s": times[-1],
            "items_per_s": items / median, "gflops": flops / median / 1e9 if flops else None,
        }
        if self.args.json:
            print(json.dumps(record), flush=True)
        else:
            gf = f"{record['gflops']:.1f}" if flops else "-"
            print(f"{name:28} {self.framework:12} {str(batch or '-'):>5}{median*1e3:10.3f} ms{times[0]*1e3:10.3f} ms"
                  f"{times[-1]*1e3:10.3f} ms{items/median:14.1f}/s{gf:>10}", flush=True)

    def tiny_op(self):
        a, b = torch.ones(1, 1), torch.ones(1, 1)

        def body():
            c = a
            for _ in range(1000):
                c = c + b
        self.run("tiny_op_add_1x1", body, 1000)

    def gemm(self):
        for m, n, k in [(64, 64, 64), (256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048), (32, 64, 2304), (64, 2304, 32)]:
            if self.args.quick and m == 2048:
                continue
            a, b = torch.rand(m, k), torch.rand(k, n)
            self.run(f"sgemm_{m}x{n}x{k}", lambda: torch.mm(a, b), 1, flops=2.0 * m * n * k)

    def convolutions(self):
        for batch in (32, 128):
            for layer, size, cin, cout in (("conv1", 32, 3, 32), ("conv2", 15, 32, 64)):
                x = torch.rand(batch, cin, size, size)
                w = (torch.rand(cout, cin, 3, 3) - 0.5) * 0.2
                b = torch.zeros(cout)
                out = size - 2
                flops = 2.0 * batch * out * out * cout * 9 * cin
                with torch.no_grad():
                    self.run(f"conv_{layer}_fwd", lambda: F.conv2d(x, w, b), batch, batch, flops)
                wp, bp = w.clone().requires_grad_(), b.clone().requires_grad_()
                xp = x.clone().requires_grad_(layer == "conv2")

                def fwd_bwd():
                    y = F.conv2d(xp, wp, bp)
                    y.backward(torch.ones_like(y))
                    wp.grad = bp.grad = xp.grad = None
                self.run(f"conv_{layer}_fwd_bwd", fwd_bwd, batch, batch, flops * (3 if layer == "conv2" else 2))

    def seed_cnn(self, channels, size):
        flat = 64 * (((size - 2) // 2 - 2) // 2) ** 2
        return nn.Sequential(
            nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, 10))

    def training_case(self, name, model, x, y, batch):
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        model.train()

        def step():
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
        self.run(name, step, batch, batch)

    def training(self):
        for name, size, channels in (("train_mnist", 28, 1), ("train_cifar", 32, 3)):
            for batch in (32, 128):
                x = torch.rand(batch, channels, size, size)
                y = torch.arange(batch) % 10
                self.training_case(name, self.seed_cnn(channels, size), x, y, batch)
        for batch in (64, 256):
            model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
            self.training_case("train_mlp", model, torch.rand(batch, 784), torch.arange(batch) % 10, batch)
        for length in (10, 100):
            x = torch.randint(0, 10, (32, length))
            y = torch.arange(32) % 2
            self.training_case(f"train_rnn_seq{length}", SeedRNN(), x, y, 32)
        model = self.seed_cnn(3, 32).eval()
        x = torch.rand(256, 3, 32, 32)
        with torch.no_grad():
            self.run("infer_cifar", lambda: model(x), 256, 256)


def classical(suite):
    import numpy as np
    gen = torch.Generator().manual_seed(6)
    x = torch.randn(100_000, 20, generator=gen)
    w = torch.randn(20, 1, generator=gen)
    y = (x @ w + 0.1 * torch.randn(100_000, 1, generator=gen)).reshape(-1)
    design = torch.cat([x, torch.ones(100_000, 1)], dim=1)
    suite.run("lstsq_100000x20", lambda: torch.linalg.lstsq(design, y.unsqueeze(1)), 100_000)
    xn, yn = design.numpy(), y.numpy()
    record_framework = suite.framework
    suite.framework = "numpy"
    suite.run("lstsq_100000x20", lambda: np.linalg.lstsq(xn, yn, rcond=None), 100_000)
    suite.framework = record_framework
    labels = (y > 0).float().unsqueeze(1)
    model = nn.Linear(20, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.binary_cross_entropy(torch.sigmoid(model(x)), labels).backward()
        optimizer.step()
    suite.run("logreg_fullbatch_step", step, 100_000, 100_000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--filter")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    suite = Suite(args)
    suite.tiny_op()
    suite.gemm()
    suite.convolutions()
    suite.training()
    classical(suite)


if __name__ == "__main__":
    main()
