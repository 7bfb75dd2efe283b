#!/usr/bin/env bash
# Regenerates the generated part of docs/experiment-file.md (every table and key) from the
# schemas of the host in build/ and its in-tree plugins; the text above the marker stays.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/experiment-file.md
marker='<!-- Everything below is generated'
head=$(sed "/^$marker/q" "$doc")
grep -q "^$marker" <<<"$head" || { echo "update-docs: $doc has no line starting '$marker'" >&2; exit 1; }
generated=$(build/bin/optbench-host describe --markdown)
printf '%s\n\n%s\n' "$head" "$generated" > "$doc"
echo "update-docs: $doc regenerated"
