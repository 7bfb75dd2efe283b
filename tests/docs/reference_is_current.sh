#!/usr/bin/env bash
# docs/experiment-file.md's generated part equals what `optbench-host describe --markdown` prints.
# usage: reference_is_current.sh HOST DOC
set -euo pipefail
host=$1 doc=$2
marker='<!-- Everything below is generated'
expected=$(sed -n "/^$marker/,\$p" "$doc" | tail -n +3)
generated=$("$host" describe --markdown)
if [ "$expected" != "$generated" ]; then
  diff <(echo "$expected") <(echo "$generated") | head -40
  echo "$doc is out of date with the host's schemas: run scripts/update-docs.sh (after building)" >&2
  exit 1
fi
