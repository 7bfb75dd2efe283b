#!/usr/bin/env python3
"""torch.optim step cost on the parameter set optimizer_step measured (its --json output),
with the same threads and device: the Python reference for bench/run.sh. Runs on the torch wheel
in .venv/, the same LibTorch build as optbench's. Each optimizer is timed single-tensor, foreach
and, where torch.optim has it on the device, fused; on a GPU every timing waits for the device
at its end."""
import json
import sys
import time

import torch


def best_ms(fn, steps, repeats, device):
    def finish():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    best = float("inf")
    for _ in range(repeats):
        finish()
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        finish()
        best = min(best, (time.perf_counter() - start) * 1000 / steps)
    return best


def main():
    spec = json.load(open(sys.argv[1]))
    quick = "--quick" in sys.argv
    torch.set_num_threads(spec["threads"])
    device = torch.device("cuda:0" if spec.get("device") == "cuda" else "cpu")
    torch.manual_seed(0)
    params = [torch.randn(s, device=device, requires_grad=True) for s in spec["shapes"]]
    for p in params:
        p.grad = torch.randn_like(p) * 1e-2
    # The training-run defaults optbench uses (describe shows them), where they matter for cost.
    # Keyword arguments per implementation: single-tensor, foreach, fused.
    ways = {"single": dict(foreach=False), "foreach": dict(foreach=True), "fused": dict(fused=True)}
    makers = {
        "sgd": lambda ps, kw: torch.optim.SGD(ps, lr=0.05, weight_decay=5e-4, **kw),
        "sgd_momentum": lambda ps, kw: torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=5e-4, **kw),
        "rmsprop": lambda ps, kw: torch.optim.RMSprop(ps, **kw),
        "adagrad": lambda ps, kw: torch.optim.Adagrad(ps, **kw),
        "adadelta": lambda ps, kw: torch.optim.Adadelta(ps, **kw),
        "adam": lambda ps, kw: torch.optim.Adam(ps, **kw),
        "adamw": lambda ps, kw: torch.optim.AdamW(ps, **kw),
        "radam": lambda ps, kw: torch.optim.RAdam(ps, **kw),
        # torch.optim's Adafactor (Shazeer & Stern's algorithm without update clipping, another
        # variant than the plugin's): the cost of a factored second moment, not the same math.
        "adafactor": lambda ps, kw: torch.optim.Adafactor(ps, **kw),
    }
    # Where torch.optim has fused kernels, per device (torch 2.11).
    fused = {"cuda": {"sgd", "sgd_momentum", "adam", "adamw"}, "cpu": {"sgd", "sgd_momentum", "adam", "adamw", "adagrad"}}
    steps, repeats = (2, 1) if quick else (20, 5)
    out = {}
    for name, make in makers.items():
        row = {}
        for way, kw in ways.items():
            if way == "fused" and name not in fused[device.type]:
                continue
            opt = make(params, kw)
            opt.step()
            row[way] = best_ms(opt.step, steps, repeats, device)
        out[name] = row
    json.dump(out, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
