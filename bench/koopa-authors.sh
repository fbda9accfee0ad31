#!/usr/bin/env bash
# `opkit forecast` with its defaults against the Koopa authors' implementation (thuml/Koopa,
# their run.py on CPU) on real series we did not tune on: the same CSV, 70/10/20 split and
# windows, the same number of epochs, three seeds each. Prints a markdown table of mean test MSE
# (normalized data) beside the three baselines opkit reports.
#
#   bash bench/koopa-authors.sh [epochs]   (default 10, both sides' default)
#
# The series come from statsmodels (bench/statsmodels_series.py). The authors' code is cloned
# from GitHub into out/bench/thuml-Koopa on first use; set KOOPA_REPO to use a checkout you
# have. PyTorch, pandas, scikit-learn, matplotlib and statsmodels go into .venv-bench on first
# use (see bench/compare-fno.sh); set TORCH_PYTHON to a python that already has them.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-10}
SEEDS=${SEEDS:-0 1 2}
PYTHON=${TORCH_PYTHON:-.venv-bench/bin/python}
if ! "$PYTHON" -c "import torch, pandas, sklearn, matplotlib, statsmodels" 2>/dev/null; then
  echo "installing PyTorch, pandas, scikit-learn, matplotlib and statsmodels into .venv-bench (first run only)"
  python3 -m venv .venv-bench && .venv-bench/bin/pip install -q torch numpy pandas scikit-learn matplotlib statsmodels
  PYTHON=.venv-bench/bin/python
fi
REPO=${KOOPA_REPO:-out/bench/thuml-Koopa}
[ -d "$REPO" ] || git clone -q https://github.com/thuml/Koopa "$REPO"
mkdir -p out/bench/series
"$PYTHON" bench/statsmodels_series.py out/bench/series
results=out/bench/koopa-authors.jsonl
: >"$results"
# series lookback horizon
for row in "elec_equip 48 12" "elnino 48 12" "sunspots 48 12" "macrodata 32 8" ; do
  read -r name lookback horizon <<<"$row"
  for seed in $SEEDS; do
    rm -f out/bench/koopa-authors.safetensors
    ours=$(.build/release/opkit forecast --csv out/bench/series/$name.csv --lookback "$lookback" --horizon "$horizon" \
      --epochs "$EPOCHS" --seed "$seed" --out out/bench/koopa-authors.safetensors --json 2>/dev/null)
    theirs=$("$PYTHON" bench/koopa_authors.py --repo "$REPO" --csv out/bench/series/$name.csv --lookback "$lookback" \
      --horizon "$horizon" --epochs "$EPOCHS" --seed "$seed" --threads "$(nproc)")
    echo "{\"series\": \"$name\", \"lookback\": $lookback, \"horizon\": $horizon, \"seed\": $seed, \"opkit\": $ours, \"authors\": $theirs}" >>"$results"
  done
done
python3 - "$results" "$EPOCHS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\nKoopa, {sys.argv[2]} epochs, mean test MSE over seeds {sorted({r['seed'] for r in rows})} (normalized data)\n")
print("| series | lookback / horizon | opkit forecast | thuml/Koopa | ratio | linear | seasonal naive | repeat last |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name in dict.fromkeys(r["series"] for r in rows):
    rs = [r for r in rows if r["series"] == name]
    ours = statistics.mean(r["opkit"]["test_mse"] for r in rs)
    theirs = statistics.mean(r["authors"]["test_mse"] for r in rs)
    b = rs[0]["opkit"]["baselines"]
    print(f"| {name} | {rs[0]['lookback']} / {rs[0]['horizon']} | {ours:.4f} | {theirs:.4f} | {ours / theirs:.2f} | "
          f"{b['linear']:.4f} | {b['seasonal_naive']:.4f} | {b['repeat_last']:.4f} |")
PY
