#!/bin/sh
# Rewrites the parity table of docs/nn.md from the measurements nn_tests makes (never by hand).
#   cmake --build --preset release -j2 --target nn_tests && scripts/nn_parity.sh
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out" "$out.table"' EXIT
MIRKIT_NN_PARITY_OUT="$out" build/release/tests/nn_tests --gtest_filter='Fixtures/*' > /dev/null
{
  echo "Generated $(date -u +%Y-%m-%d) by mirkit $(git describe --always --dirty), PyTorch 1.13 fixtures."
  echo
  echo "| case | worst \|mirkit − torch\| | largest \|output\| | bound |"
  echo "|---|---|---|---|"
  awk '{ printf "| %s | %.3g | %.3g | 1e-4 |\n", $1, $2, $3 }' "$out"
} > "$out.table"
awk -v table="$out.table" '
  /<!-- nn-parity-begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- nn-parity-end -->/ { skip = 0 }
  !skip { print }
' docs/nn.md > docs/nn.md.tmp && mv docs/nn.md.tmp docs/nn.md
