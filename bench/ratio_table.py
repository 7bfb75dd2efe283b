#!/usr/bin/env python3
"""Prints bench/run.sh's table from optimizer_step's and torch_optim_step.py's JSON files."""
import json
import sys

ours, ref = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ways = ["fused", "foreach", "single"]
models = {"resnet18": "ResNet-18 (CIFAR)", "gpt_small": "gpt_small (WikiText-2 vocabulary)"}
print(f"{models[ours.get('model', 'resnet18')]} parameters: {ours['parameters']} in {ours['tensors']} tensors, "
      f"{ours['threads']} threads, on {ours.get('device', 'cpu')}, triad {ours['triad_gb_per_s']:.1f} GB/s")
adam_ms = ours["optimizers"]["adam"]["ms_per_step"] if "adam" in ours["optimizers"] else None
print(f"{'optimizer':<20}{'ms':>8}{'x bound':>9}{'x adam':>8}{'state MB':>10}" +
      "".join(f"{'vs torch ' + w:>18}" for w in ways) + f"{'vs fastest':>12}")
for name, row in sorted(ours["optimizers"].items()):
    t = ref.get(name, {})
    ms = row["ms_per_step"]
    cells = [f"{t[w] / ms:.2f}x" if w in t else "-" for w in ways]
    fastest = f"{min(t.values()) / ms:.2f}x" if t else "-"
    vs_adam = f"{ms / adam_ms:.2f}" if adam_ms else "-"
    state = f"{row['state_bytes'] / 1e6:.1f}" if "state_bytes" in row else "-"
    print(f"{name:<20}{ms:>8.3f}{ms / row['bound_ms']:>9.2f}{vs_adam:>8}{state:>10}" +
          "".join(f"{c:>18}" for c in cells) + f"{fastest:>12}")
print("x bound: ms per step / (bytes it must move at the triad's bandwidth); 1 is the floor.")
print("x adam: ms per step / optbench's Adam step; state MB: the state tensors the optimizer checkpoints.")
print("vs torch: torch.optim ms / optbench ms; above 1 means optbench is faster. vs fastest: against")
print("torch.optim's fastest implementation of the same optimizer (the GPU target: at least 1/1.2 = 0.83x).")
print("torch.optim's Adafactor is another variant (no update clipping): its row compares cost only.")
