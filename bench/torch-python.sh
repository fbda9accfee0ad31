# Sourced by the comparison scripts: sets PYTHON to an interpreter with PyTorch, NumPy and the
# packages named in $1 (space-separated), installing them from PyPI into .venv-bench on first
# use (several GB; never part of make test). TORCH_PYTHON names an interpreter to use instead.
PYTHON=${TORCH_PYTHON:-.venv-bench/bin/python}
bench_packages="torch numpy ${1:-}"
bench_imports=$(echo "$bench_packages" | xargs | tr ' ' ',')
if ! "$PYTHON" -c "import $bench_imports" 2>/dev/null; then
  echo "installing $bench_packages into .venv-bench (first run only)" >&2
  [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q $bench_packages >&2
  PYTHON=.venv-bench/bin/python
fi
