#!/bin/bash
# Copied from ../shared/reference/slurm-single-node-stop.sh.
D=${D:?set D to the state directory used at start}
for f in slurmd slurmctld munged; do [ -f "$D/$f.pid.sh" ] && kill "$(cat "$D/$f.pid.sh")" 2>/dev/null; done; sleep 1
for f in slurmd slurmctld munged; do [ -f "$D/$f.pid.sh" ] && kill -0 "$(cat "$D/$f.pid.sh")" 2>/dev/null && kill -9 "$(cat "$D/$f.pid.sh")"; done; true
