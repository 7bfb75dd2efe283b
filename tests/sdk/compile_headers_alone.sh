#!/usr/bin/env bash
# Compiles each public SDK header on its own (a translation unit that includes only it), with the
# given compiler, as a third party's plugin would: each header must be self-contained and accepted
# by that compiler (CI: clang, beside the GCC that builds everything else), warning-free under
# -Wall -Wextra -Werror. LibTorch's own headers are system headers (-isystem), as in a CMake build.
# usage: compile_headers_alone.sh CXX SDK_INCLUDE_DIR LIBTORCH_INCLUDE_DIR...
set -euo pipefail
cxx=$1 sdk=$2
shift 2
flags=(-std=c++17 -fsyntax-only -Wall -Wextra -Werror -Wno-unused-parameter -I "$sdk")
for dir in "$@"; do flags+=(-isystem "$dir"); done
failed=0
for header in "$sdk"/optbench/*.h; do
  name=optbench/$(basename "$header")
  if echo "#include <$name>" | "$cxx" "${flags[@]}" -x c++ -; then
    echo "ok      $name"
  else
    echo "FAILED  $name"
    failed=1
  fi
done
exit $failed
