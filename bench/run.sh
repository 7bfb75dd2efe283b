#!/usr/bin/env bash
# Optimizer step benchmark, optbench beside torch.optim (Debian's python3-torch, same LibTorch)
# and beside the memory-bandwidth bound, as ratios. `bench/run.sh --quick` only checks it works.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
[ "${1:-}" = "--quick" ] && quick="--quick"
scripts/build.sh optimizer_step plugins >/dev/null
out=$(mktemp -d)
build/bin/optimizer_step $quick --json "$out/optbench.json" >/dev/null
# Debian's python3-torch lives in the system interpreter, which may not be the first python3.
torch_python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c "import torch" 2>/dev/null; then torch_python=$p; break; fi
done
if [ -n "$torch_python" ]; then
  "$torch_python" bench/torch_optim_step.py "$out/optbench.json" $quick > "$out/torch.json"
else
  echo '{}' > "$out/torch.json"
  echo "python3-torch is not installed: no torch.optim columns (apt-get install python3-torch)" >&2
fi
python3 bench/ratio_table.py "$out/optbench.json" "$out/torch.json"
rm -rf "$out"
