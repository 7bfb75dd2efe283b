#!/usr/bin/env python3
"""torch.optim step cost on the parameter set optimizer_step measured (its --json output),
with the same threads: the Python reference for bench/run.sh. Runs on the torch wheel in .venv/,
the same LibTorch build as optbench's."""
import json
import sys
import time

import torch


def best_ms(fn, steps, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        best = min(best, (time.perf_counter() - start) * 1000 / steps)
    return best


def main():
    spec = json.load(open(sys.argv[1]))
    quick = "--quick" in sys.argv
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    params = [torch.randn(s, requires_grad=True) for s in spec["shapes"]]
    for p in params:
        p.grad = torch.randn_like(p) * 1e-2
    # The training-run defaults optbench uses (describe shows them), where they matter for cost.
    makers = {
        "sgd": lambda ps, fe: torch.optim.SGD(ps, lr=0.05, weight_decay=5e-4, foreach=fe),
        "sgd_momentum": lambda ps, fe: torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=5e-4, foreach=fe),
        "rmsprop": lambda ps, fe: torch.optim.RMSprop(ps, foreach=fe),
        "adagrad": lambda ps, fe: torch.optim.Adagrad(ps, foreach=fe),
        "adadelta": lambda ps, fe: torch.optim.Adadelta(ps, foreach=fe),
        "adam": lambda ps, fe: torch.optim.Adam(ps, foreach=fe),
        "adamw": lambda ps, fe: torch.optim.AdamW(ps, foreach=fe),
        "radam": lambda ps, fe: torch.optim.RAdam(ps, foreach=fe),
    }
    steps, repeats = (2, 1) if quick else (20, 5)
    out = {}
    for name, make in makers.items():
        row = {}
        for foreach in (False, True):
            opt = make(params, foreach)
            opt.step()
            row["foreach" if foreach else "single"] = best_ms(opt.step, steps, repeats)
        out[name] = row
    json.dump(out, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
