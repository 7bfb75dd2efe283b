#!/usr/bin/env python3
"""End-to-end training throughput: optbench-host beside an equivalent PyTorch training loop.

Both train the same model (op for op, the same parameter count) on the same synthetic data
(written in the real file formats, which the host reads and the reference gets as tensors),
with the same batch size, optimizer (Adam, lr 1e-3), loss, clipping, threads, device and
precision. The host's number is its fastest epoch after the first (which warms up), from
metrics.jsonl; the reference, in a fresh interpreter, times as many epochs after the same warm-up
in two loops: as a Python suite writes it (batches normalised per step, then copied to the device,
foreach Adam, `loss.item()` every step) and as a performance-aware user writes it (every batch
already float on the device, fused Adam, the loss read once an epoch). On CPU the first also runs
with the allocator and OpenMP settings the host makes. The fastest of 3 epochs tames this shared
machine's noise (single epochs vary by ±15%). Also, on CPU: the host's data pipeline alone
(bench/data_loader, with the suite's augmentation); host start-up with every plugin beside
`import torch`. On a GPU, each side's peak allocated device memory.

usage: train_throughput.py HOST --json OUT [--quick] [--threads N] [--device cpu|cuda]
                           [--precision fp32|bf16] [--only MODEL[,MODEL...]] [--repeats R]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data_formats  # noqa: E402
import torch_models  # noqa: E402

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
CIFAR_MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
CIFAR_STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


class Workload:
    """One row of the table: how to write its data, its experiment file and its PyTorch twin."""

    def __init__(self, name, target, batch, steps, quick_steps, gpu_steps, clip=0.0):
        self.name, self.target, self.batch, self.steps, self.quick_steps = name, target, batch, steps, quick_steps
        self.gpu_steps = gpu_steps  # steps per epoch on a GPU, where a step takes milliseconds
        self.clip = clip  # the task's gradient clipping (global norm), 0 for none


class CnnScratch(Workload):
    def __init__(self):
        super().__init__("cnn_scratch", 1.0, 128, 100, 3, 400)

    def prepare(self, root, steps, quick, g):
        self.images, self.labels = data_formats.mnist_like(root, steps * self.batch, 64, g)
        return {"task": 'name = "image_classification"\naugment = "none"',
                "dataset": f'name = "mnist"\nroot = "{root}"', "model": 'name = "cnn_scratch"',
                "training": "label_smoothing = 0.1"}

    def model(self, quick):
        return torch_models.CnnScratch()

    def batches(self, g, n):
        for idx in torch.randperm(n, generator=g).split(self.batch):
            image = self.images[idx].float().div_(255).sub_(MNIST_MEAN).div_(MNIST_STD)
            yield (image,), self.labels[idx]

    def loss(self, logits, target):
        return F.cross_entropy(logits, target, label_smoothing=0.1)


class ResNet18(Workload):
    def __init__(self):
        super().__init__("resnet18", 1.0, 128, 8, 2, 390)  # GPU: a CIFAR-10 epoch

    def prepare(self, root, steps, quick, g):
        self.images, self.labels = data_formats.cifar_like(root, steps * self.batch, 64, g)
        self.width = 8 if quick else 64
        return {"task": 'name = "image_classification"\naugment = "none"',
                "dataset": f'name = "cifar10"\nroot = "{root}"',
                "model": f'name = "resnet18"\nwidth = {self.width}', "training": "label_smoothing = 0.1"}

    def model(self, quick):
        return torch_models.ResNet18(width=self.width)

    def batches(self, g, n):
        for idx in torch.randperm(n, generator=g).split(self.batch):
            yield (self.images[idx].float().div_(255).sub_(CIFAR_MEAN).div_(CIFAR_STD),), self.labels[idx]

    def loss(self, logits, target):
        return F.cross_entropy(logits, target, label_smoothing=0.1)


class LstmSentiment(Workload):
    VOCABULARY = 20000

    def __init__(self):
        super().__init__("lstm_sentiment", 1.3, 64, 40, 3, 400, clip=1.0)

    def prepare(self, root, steps, quick, g):
        # Enough sentences to hold the whole vocabulary, as in the real SST-2.
        train = max(steps * self.batch, 2560)
        self.sentences, self.labels = data_formats.sst2_like(root, train, 64, self.VOCABULARY, g)
        return {"task": 'name = "sentiment_analysis"',
                "dataset": f'name = "sst2"\nroot = "{root}"\nvocab_samples = 0\nmax_samples = {steps * self.batch}',
                "model": 'name = "lstm_sentiment"', "training": "label_smoothing = 0.05"}

    def model(self, quick):
        return torch_models.LstmSentiment(vocab=self.VOCABULARY)

    def batches(self, g, n):
        for idx in torch.randperm(n, generator=g).split(self.batch):
            rows = [self.sentences[i] for i in idx.tolist()]
            length = torch.tensor([len(r) for r in rows])
            tokens = torch.zeros(len(rows), int(length.max()), dtype=torch.long)  # pad to the longest
            for i, r in enumerate(rows):
                tokens[i, :len(r)] = torch.tensor(r)
            yield (tokens, length), self.labels[idx]

    def loss(self, logits, target):
        return F.cross_entropy(logits, target, label_smoothing=0.05)


class GptSmall(Workload):
    VOCABULARY, CONTEXT = 33278, 128  # WikiText-2's vocabulary with <pad>

    def __init__(self):
        super().__init__("gpt_small", 1.3, 32, 8, 2, 300, clip=1.0)

    def prepare(self, root, steps, quick, g):
        self.vocabulary = 2000 if quick else self.VOCABULARY
        self.dims = dict(dim=32, layers=1, heads=2) if quick else dict(dim=256, layers=4, heads=4)
        ids = data_formats.wikitext_like(root, steps * self.batch * self.CONTEXT + 1, self.vocabulary, g)
        blocks = (len(ids) - 1) // self.CONTEXT
        stream = torch.tensor(ids[:blocks * self.CONTEXT + 1])
        self.inputs = stream[:-1].view(blocks, self.CONTEXT)
        self.targets = stream[1:].view(blocks, self.CONTEXT)
        model = "\n".join(f"{k} = {v}" for k, v in self.dims.items())
        return {"task": 'name = "text_generation"',
                "dataset": f'name = "wikitext2"\nroot = "{root}"\nblock_size = {self.CONTEXT}'
                           f'\nmax_samples = {steps * self.batch}',
                "model": f'name = "gpt_small"\n{model}', "training": ""}

    def model(self, quick):
        return torch_models.GptSmall(vocab=self.vocabulary, context=self.CONTEXT, **self.dims)

    def batches(self, g, n):
        for idx in torch.randperm(n, generator=g).split(self.batch):
            yield (self.inputs[idx],), self.targets[idx]

    def loss(self, logits, target):
        return F.cross_entropy(logits.flatten(0, 1), target.flatten(), ignore_index=0)


WORKLOADS = [CnnScratch(), ResNet18(), LstmSentiment(), GptSmall()]


def experiment_toml(w, sections, out, threads, repeats, device, precision):
    return f"""name = "{w.name}"
output_dir = "{out}"
optimizers = ["adam"]

[task]
{sections["task"]}

[dataset]
{sections["dataset"]}
validation_fraction = 0.01

[model]
{sections["model"]}

[training]
epochs = {1 + repeats}
batch_size = {w.batch}
seeds = [1]
threads = {threads}
device = "{device}"
precision = "{precision}"
scheduler = "none"
early_stopping_patience = 0
log_every_steps = 1000
max_grad_norm = {w.clip}
{sections["training"]}

[optimizer.adam]
lr = 1e-3
"""


def run_host(host, w, toml_path, out):
    subprocess.run([host, "run", toml_path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    run_dir = os.path.dirname(glob.glob(os.path.join(out, w.name, "**", "metrics.jsonl"), recursive=True)[0])
    epochs = [json.loads(line) for line in open(os.path.join(run_dir, "metrics.jsonl"))]
    epochs = [e for e in epochs if e["type"] == "epoch"]
    summary = json.load(open(os.path.join(run_dir, "summary.json")))
    samples_per_epoch = round(summary["samples_per_second"] * summary["train_seconds"] / len(epochs))
    timed = min(epochs[1:], key=lambda e: e["epoch_seconds"])  # the fastest epoch after the warm-up
    return {"samples_per_second": samples_per_epoch / timed["epoch_seconds"],
            "data_wait_fraction": timed["data_wait_seconds"] / timed["epoch_seconds"],
            "parameters": summary["num_parameters"], "samples_per_epoch": samples_per_epoch,
            "peak_gpu_allocated_mb": summary.get("peak_gpu_allocated_mb")}


def run_loader(host, toml_path):
    """The host's data pipeline alone on the same experiment, with the suite's augmentation."""
    loader_toml = toml_path.replace(".toml", "_loader.toml")
    with open(toml_path) as f, open(loader_toml, "w") as out:
        out.write(f.read().replace('augment = "none"\n', ""))
    result = os.path.join(os.path.dirname(toml_path), "loader.json")
    loader = os.path.join(os.path.dirname(os.path.abspath(host)), "data_loader")
    subprocess.run([loader, loader_toml, "--json", result], check=True, stdout=subprocess.DEVNULL)
    return json.load(open(result))


def train_reference(w, quick, samples, repeats, device, precision, aware):
    """Trains on the first `samples` training samples (as many as the host's training split):
    one epoch to warm up, then the fastest of `repeats` epochs. `aware`: the performance-aware
    loop (batches prepared on the device before the epoch's clock starts, fused Adam, no
    per-step read of the loss); else the loop as a Python suite writes it."""
    torch.manual_seed(1)
    model = w.model(quick).to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True if aware else None)
    g = torch.Generator().manual_seed(1)

    def on_device(inputs, target):
        return tuple(x.to(device) for x in inputs), target.to(device)

    def step(inputs, target):
        optimizer.zero_grad()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
            loss = w.loss(model(*inputs), target)
        loss.backward()
        if w.clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), w.clip)
        optimizer.step()
        return loss.detach()

    def finish():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def epoch():
        seen = 0
        if aware:
            batches = [on_device(inputs, target) for inputs, target in w.batches(g, samples)]
            finish()
        start = time.perf_counter()
        if aware:
            total = torch.zeros((), device=device)
            for inputs, target in batches:
                total += step(inputs, target)
                seen += len(target)
            total.item()  # the epoch's mean loss, read once
        else:
            total = 0.0
            for inputs, target in w.batches(g, samples):
                total += step(*on_device(inputs, target)).item()  # as a Python loop logs its running loss
                seen += len(target)
        finish()
        return seen / (time.perf_counter() - start)

    epoch()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    best = max(epoch() for _ in range(repeats))
    result = {"samples_per_second": best, "parameters": sum(p.numel() for p in model.parameters())}
    if device.type == "cuda":
        result["peak_gpu_allocated_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
    return result


def run_reference(args, w, samples, environment, aware):
    """The reference in a fresh interpreter, with `environment` added (the allocator settings)."""
    cmd = [sys.executable, os.path.abspath(__file__), args.host, "--reference", w.name, "--samples", str(samples),
           "--threads", str(args.threads), "--repeats", str(args.repeats), "--device", args.device,
           "--precision", args.precision] + (["--quick"] if args.quick else []) + (["--aware"] if aware else [])
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, env=dict(os.environ, **environment))
    return json.loads(out.stdout)


def startup(host, repetitions):
    def fastest_of(cmd):  # the least disturbed start, as hyperfine's min; both sides alike
        times = []
        for _ in range(repetitions):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return min(times)

    return {"host_plugins_seconds": fastest_of([host, "plugins"]),
            "python_import_torch_seconds": fastest_of([sys.executable, "-c", "import torch"])}


# What the host sets at start-up (mallopt() and, for `run`, the OpenMP wait policy), as the
# environment of a Python process.
HOST_SETTINGS = {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=2147483647",
                 "OMP_WAIT_POLICY": "PASSIVE"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host")
    ap.add_argument("--json")
    ap.add_argument("--quick", action="store_true", help="a few steps of small models, only to check it works")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--only", help="models, comma-separated")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the host's precision = \"bf16\", the reference under bf16 autocast")
    ap.add_argument("--repeats", type=int, help="timed epochs on each side, the fastest counts (default 3; quick: 1)")
    ap.add_argument("--reference", help=argparse.SUPPRESS)  # internal: one reference run, JSON on stdout
    ap.add_argument("--samples", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--aware", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        ap.error("--device cuda: this torch sees no GPU")
    device = torch.device("cuda:0" if args.device == "cuda" else "cpu")
    gpu = device.type == "cuda"
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    torch.set_num_threads(args.threads)
    chosen = args.reference or args.only
    workloads = [w for w in WORKLOADS if not chosen or w.name in chosen.split(",")]
    steps_of = lambda w: w.quick_steps if args.quick else (w.gpu_steps if gpu else w.steps)  # noqa: E731
    if args.reference:
        w = workloads[0]
        with tempfile.TemporaryDirectory() as tmp:  # the same data again: the same generator seed
            w.prepare(tmp, steps_of(w), args.quick, torch.Generator().manual_seed(0))
        print(json.dumps(train_reference(w, args.quick, args.samples, args.repeats, device, args.precision, args.aware)))
        return
    if not args.json:
        ap.error("--json is required")
    results = {"threads": args.threads, "torch": torch.__version__, "device": args.device,
               "gpu": torch.cuda.get_device_name(device) if gpu else None, "precision": args.precision,
               "workloads": {}, "startup": startup(args.host, 3 if args.quick else 11)}
    with tempfile.TemporaryDirectory() as tmp:
        for w in workloads:
            sections = w.prepare(os.path.join(tmp, "data", w.name), steps_of(w), args.quick,
                                 torch.Generator().manual_seed(0))
            toml_path = os.path.join(tmp, w.name + ".toml")
            with open(toml_path, "w") as f:
                f.write(experiment_toml(w, sections, os.path.join(tmp, "results"), args.threads, args.repeats,
                                        args.device, args.precision))
            host = run_host(args.host, w, toml_path, os.path.join(tmp, "results"))
            row = {"batch": w.batch, "target": 1.0 if gpu else w.target, "host": host,
                   "python": run_reference(args, w, host["samples_per_epoch"], {}, aware=False),
                   "python_aware": run_reference(args, w, host["samples_per_epoch"], {}, aware=True)}
            if row["python"]["parameters"] != host["parameters"]:
                raise RuntimeError(f"{w.name}: the reference has {row['python']['parameters']} parameters, "
                                   f"the host's model {host['parameters']}")
            if not gpu:  # the host's CPU settings, and its CPU data pipeline alone
                row["python_host_settings"] = run_reference(args, w, host["samples_per_epoch"], HOST_SETTINGS, False)
                row["loader"] = run_loader(args.host, toml_path)
            results["workloads"][w.name] = row
            print(f"{w.name}: optbench {host['samples_per_second']:.1f} samples/s, "
                  f"PyTorch {row['python']['samples_per_second']:.1f} samples/s, "
                  f"performance-aware PyTorch {row['python_aware']['samples_per_second']:.1f}", file=sys.stderr)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    print_table(results)


def print_table(results):
    gpu = results["device"] == "cuda"
    where = f"on {results['gpu']}" if gpu else f"{results['threads']} threads"
    print(f"{where}, {results['precision']}, PyTorch {results['torch']} (samples/s of training; 'aware' is the "
          "performance-aware PyTorch loop" + ("" if gpu else "; the loader column is the host's data pipeline "
                                                          "alone, with augmentation, as a multiple of the training rate") + ")")
    extra = f"{'peak MB':>9}{'PyTorch MB':>12}" if gpu else f"{'vs PyTorch+settings':>21}{'data wait':>11}{'loader':>9}"
    print(f"{'model':<15}{'batch':>6}{'optbench':>10}{'PyTorch':>10}{'ratio':>8}{'aware':>10}{'ratio':>8}{'target':>8}"
          + extra)
    for name, r in results["workloads"].items():
        ours = r["host"]["samples_per_second"]
        plain, aware = r["python"]["samples_per_second"], r["python_aware"]["samples_per_second"]
        line = (f"{name:<15}{r['batch']:>6}{ours:>10.1f}{plain:>10.1f}{ours / plain:>7.2f}x"
                f"{aware:>10.1f}{ours / aware:>7.2f}x{r['target']:>7.1f}x")
        if gpu:
            line += f"{r['host']['peak_gpu_allocated_mb'] or 0:>9.0f}{r['python_aware']['peak_gpu_allocated_mb']:>12.0f}"
        else:
            line += (f"{ours / r['python_host_settings']['samples_per_second']:>20.2f}x"
                     f"{100 * r['host']['data_wait_fraction']:>10.1f}%{r['loader']['samples_per_second'] / ours:>8.0f}x")
        print(line)
    s = results["startup"]
    print(f"start-up: optbench-host plugins (all plugins loaded) {s['host_plugins_seconds']:.3f} s (target < 0.5 s); "
          f"python3 -c 'import torch' {s['python_import_torch_seconds']:.3f} s")
    if gpu:
        print("target (the GPU issue): optbench at least 1.0x the performance-aware loop, in fp32 and in bf16")


if __name__ == "__main__":
    main()
