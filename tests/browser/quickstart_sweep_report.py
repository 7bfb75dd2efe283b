#!/usr/bin/env python3
"""End to end: a real quick-start sweep (3 optimizers x 5-point lr grid x 3 seeds on a subset of
Fashion-MNIST), its report, and the report rendered in headless Chromium with every chart.

usage: quickstart_sweep_report.py OPTBENCH_HOST SOURCE_DIR WORK_DIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys

import check_report


def main():
    host, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    experiment = os.path.join(source, "experiments", "quickstart_sweep.toml")
    subprocess.run([host, "run", experiment, "--max-samples", "1000", "--epochs", "3", "--output-dir", work],
                   check=True)
    results = os.path.join(work, "quickstart_sweep")
    subprocess.run([host, "report", results], check=True)

    with open(os.path.join(results, "analysis.json")) as f:
        analysis = json.load(f)
    (experiment,) = analysis["experiments"]
    configurations = experiment["configurations"]
    problems = []
    if len(configurations) != 15 or any(c["runs"] != 3 for c in configurations):
        problems.append("expected 15 configurations of 3 seeds, got %s" % [(c["label"], c["runs"]) for c in configurations])
    if experiment["status_counts"] != {"completed": 45}:
        problems.append("runs: %s" % experiment["status_counts"])
    if any(len(c["hessian_top_eigenvalues"]) != 1 or c["hessian_top_eigenvalues"][0]["n"] != 3 for c in configurations):
        problems.append("expected the top Hessian eigenvalue of every run")
    cka = experiment["cka"]
    if not cka or [r["optimizer"] for r in cka["runs"]] != ["adam", "adamw", "sgd_momentum"] or cka["samples"] != 512:
        problems.append("cka: %s" % cka)
    elif any(abs(layer["matrix"][i][i] - 1) > 1e-9 for layer in cka["layers"] for i in range(3)):
        problems.append("CKA of a model with itself is not 1: %s" % cka["layers"])
    sensitivity = {s["optimizer"]: s for s in experiment["sensitivity"]}
    if sorted(sensitivity) != ["adam", "adamw", "sgd_momentum"] or any(
            len(s["points"]) != 5 or s["good_points"] < 1 for s in sensitivity.values()):
        problems.append("sensitivity: %s" % experiment["sensitivity"])
    with open(os.path.join(results, "summary.csv")) as f:
        rows = list(csv.DictReader(f))
    grid = sorted({float(r["lr"]) for r in rows})
    if len(rows) != 45 or len(grid) != 5 or abs(grid[0] - 1e-4) > 1e-12 or abs(grid[-1] - 0.1) > 1e-12:
        problems.append("summary.csv: %d rows, lr values %s" % (len(rows), grid))
    with open(os.path.join(results, "epochs.csv")) as f:
        if len(list(csv.DictReader(f))) != 45 * 3:
            problems.append("epochs.csv: expected 135 rows")

    browser_problems, charts = check_report.check(os.path.join(results, "report.html"),
                                                  os.path.join(work, "report.png"))
    problems += browser_problems
    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    print("45 runs, %d charts rendered; screenshot %s" % (charts, os.path.join(work, "report.png")))


if __name__ == "__main__":
    main()
