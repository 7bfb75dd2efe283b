#!/usr/bin/env python3
"""Prints bench/run.sh's table from optimizer_step's and torch_optim_step.py's JSON files."""
import json
import sys

ours, ref = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"ResNet-18 (CIFAR) parameters: {ours['parameters']} in {ours['tensors']} tensors, "
      f"{ours['threads']} threads, triad {ours['triad_gb_per_s']:.1f} GB/s")
print(f"{'optimizer':<14}{'x bound':>9}{'vs torch foreach':>18}{'vs torch single':>17}")
for name, row in sorted(ours["optimizers"].items()):
    t = ref.get(name)
    foreach = f"{t['foreach'] / row['ms_per_step']:.2f}x" if t else "-"
    single = f"{t['single'] / row['ms_per_step']:.2f}x" if t else "-"
    print(f"{name:<14}{row['ms_per_step'] / row['bound_ms']:>9.2f}{foreach:>18}{single:>17}")
print("x bound: ms per step / (bytes it must move at the triad's bandwidth); 1 is the floor.")
print("vs torch: torch.optim ms / optbench ms; above 1 means optbench is faster.")
