"""The demo's job in PyTorch: the seed CNN, Adam 1e-3, batch 32, on the bundled mnist-5k,
for peak-memory comparison with `/usr/bin/time -v` (see docs/performance.md).

Usage: python3 Benchmarks/peers/pytorch_mnist_fit.py [EPOCHS]
"""
import gzip
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


root = "Data/mnist-5k/"
x = torch.tensor(idx(root + "train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
y = torch.tensor(idx(root + "train-labels-idx1-ubyte.gz"), dtype=torch.long)
tx = torch.tensor(idx(root + "t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
ty = torch.tensor(idx(root + "t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
torch.manual_seed(42)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1600, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
start = time.perf_counter()
for epoch in range(epochs):
    model.train()
    for batch in torch.randperm(len(x)).split(32):
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(tx).argmax(1) == ty).float().mean().item()
    print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}")
print(f"{epochs} epochs in {time.perf_counter() - start:.1f} s")
