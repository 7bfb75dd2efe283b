#!/usr/bin/env python3
"""A one-node Slurm cluster on loopback (started here, as root) runs a 6-run sweep as a job array.
One array task is cancelled before it starts, as a preempted or failed task would be; `status`
names it, resubmitting with --only-unfinished completes the sweep, and every run's results equal
those of a local `run` of the same experiment.

usage: slurm_sweep_test.py OPTBENCH_HOST SOURCE_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def wait_for_jobs(env, job_ids, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        queued = subprocess.run(["squeue", "-h", "-o", "%A %F"], env=env, capture_output=True, text=True).stdout
        ids = set(queued.split())
        if not ids & set(job_ids):
            return
        time.sleep(1)
    sys.exit("FAIL: jobs %s still queued after %d s" % (job_ids, timeout))


def host(binary, *args, env=None):
    r = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: optbench-host %s exited with %d:\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r.stdout


def run_summaries(experiment_dir):
    out = {}
    for name in sorted(os.listdir(experiment_dir)):
        path = os.path.join(experiment_dir, name, "summary.json")
        if os.path.exists(path):
            with open(path) as f:
                out[name] = json.load(f)
    return out


def main():
    binary, source, work = sys.argv[1:4]
    if os.geteuid() != 0:
        sys.exit("FAIL: the one-node Slurm of this test runs its daemons as root")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    state = os.path.join(work, "slurm-state")
    env = dict(os.environ, D=state, SLURM_CONF=os.path.join(state, "slurm.conf"),
               SLURMCTLD_PORT="26817", SLURMD_PORT="26818")
    experiment = os.path.join(HERE, "sweep.toml")
    with open(os.path.join(work, "slurm-start.log"), "w") as log:
        subprocess.run(["bash", os.path.join(HERE, "start_slurm.sh")], env=env, stdout=log, stderr=log, check=True)
    try:
        out = host(binary, "submit", experiment, "--slurm", "--array-parallelism", "1",
                   "--output-dir", os.path.join(work, "cluster"), env=env)
        m = re.search(r"submitted 6 run\(s\) as job array (\d+) \(--array=0-5\), aggregation job (\d+)", out)
        if not m:
            sys.exit("FAIL: submit said: " + out)
        array, aggregate = m.groups()
        subprocess.run(["scancel", array + "_3"], env=env, check=True)  # pending: %1 runs one task at a time
        wait_for_jobs(env, [array, aggregate])

        results = os.path.join(work, "cluster", "slurm_sweep")
        status = host(binary, "status", results)
        if not status.startswith("slurm_sweep: 6 runs: 5 completed, 1 not started\n  3 sgd_momentum_lr0.001_seed1: not started"):
            sys.exit("FAIL: status after the cancellation:\n" + status)
        if not os.path.exists(os.path.join(results, "report.html")):
            sys.exit("FAIL: the aggregation job wrote no report")

        out = host(binary, "submit", experiment, "--slurm", "--only-unfinished",
                   "--output-dir", os.path.join(work, "cluster"), env=env)
        m = re.search(r"submitted 1 run\(s\) as job array (\d+) \(--array=3\), aggregation job (\d+)", out)
        if not m:
            sys.exit("FAIL: resubmission said: " + out)
        wait_for_jobs(env, list(m.groups()))
        status = host(binary, "status", results)
        if status != "slurm_sweep: 6 runs: 6 completed\n":
            sys.exit("FAIL: status after the resubmission:\n" + status)
        with open(os.path.join(results, "analysis.json")) as f:
            counts = json.load(f)["experiments"][0]["status_counts"]
        if counts != {"completed": 6}:
            sys.exit("FAIL: the aggregated report counts %s" % counts)
    finally:
        subprocess.run(["bash", os.path.join(HERE, "stop_slurm.sh")], env=env)

    host(binary, "run", experiment, "--output-dir", os.path.join(work, "local"))
    cluster, local = run_summaries(results), run_summaries(os.path.join(work, "local", "slurm_sweep"))
    if sorted(cluster) != sorted(local) or len(local) != 6:
        sys.exit("FAIL: runs differ: %s vs %s" % (sorted(cluster), sorted(local)))
    for name in local:
        for key in ("status", "final_train_loss", "best_validation", "test", "steps"):
            if cluster[name].get(key) != local[name].get(key):
                sys.exit("FAIL: %s %s: cluster %s, local %s" % (name, key, cluster[name].get(key), local[name].get(key)))
    print("6-run sweep on Slurm: one task cancelled, resubmitted, same results as a local run")


if __name__ == "__main__":
    main()
