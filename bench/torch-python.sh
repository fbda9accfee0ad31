# Sourced by the comparison scripts: `torch_python [package…]` sets PYTHON to an interpreter with
# PyTorch, NumPy and the named packages, installing them from PyPI into .venv-bench on first use
# (several GB; never part of make test). TORCH_PYTHON names an interpreter to use instead.
torch_python() {
  PYTHON=${TORCH_PYTHON:-.venv-bench/bin/python}
  local packages="torch numpy $*"
  if ! "$PYTHON" -c "import $(echo $packages | tr ' ' ',')" 2>/dev/null; then
    echo "installing $packages into .venv-bench (first run only)" >&2
    [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q $packages >&2
    PYTHON=.venv-bench/bin/python
  fi
}
