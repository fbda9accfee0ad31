#!/usr/bin/env python3
"""Hostile values for every option of every opkit command (part of `make fuzz`).

Each command starts from a small valid invocation; every option its `--help` lists is then given,
one at a time, each of the values below (zero, negatives, the extremes of Int64, non-numbers,
empty, overlong, path-like). A run passes when it ends within the time limit with status 0, or
with status 1/64 and exactly one `opkit: error: …` line of at most ~1100 characters; a signal, a
backtrace, a second error line or a timeout fails it. Options whose large values legitimately
mean long work (`--epochs 2^63`) may run out the clock.

usage: options.py OPKIT [--seconds S] [--only COMMAND-PREFIX]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

VALUES = ["0", "-1", "9223372036854775807", "-9223372036854775808", "nan", "inf", "1e400", "",
          "x" * 300, "1,,2", "/dev/null", "3x0x4"]
# Options whose huge values ask for long (not stuck) work; a timeout there is the user's request.
LONG_WORK = {"--epochs", "--max-iterations", "--repeats", "--warmup", "--lanczos", "--time", "--steps-out",
             "--extend", "--steps", "--record", "--record-every", "--refine"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("opkit")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    opkit = os.path.abspath(args.opkit)
    work = tempfile.mkdtemp(prefix="opkit-options-")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def run(argv, timeout=args.seconds):
        return subprocess.run([opkit] + argv, cwd=work, capture_output=True, text=True, errors="replace", timeout=timeout,
                              env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})

    # Inputs the commands read: a small Darcy set, a model trained on it, a CSV series, a mesh.
    darcy = f"{work}/darcy"
    assert run(["generate", "darcy", "--resolution", "8", "--samples", "6", "--out", darcy]).returncode == 0
    model = f"{work}/fno.safetensors"
    assert run(["train", "fno", "--data", darcy, "--epochs", "1", "--modes", "2", "--width", "4", "--out", model]).returncode == 0
    csv = f"{work}/series.csv"
    with open(f"{root}/examples/koopa-co2/co2.csv") as source, open(csv, "w") as target:
        target.writelines(source.readlines()[:300])
    fresh = lambda suffix: f"{work}/out-{time.monotonic_ns()}{suffix}"
    commands = {
        "solve poisson": lambda: ["--grid", "12x12"],
        "generate darcy": lambda: ["--resolution", "9", "--samples", "4", "--out", fresh("")],
        "generate thermal": lambda: ["--resolution", "9", "--samples", "4", "--out", fresh("")],
        "generate poisson": lambda: ["--resolution", "9", "--samples", "4", "--out", fresh("")],
        "generate helmholtz": lambda: ["--resolution", "9", "--samples", "2", "--out", fresh("")],
        "generate antiderivative": lambda: ["--points", "16", "--samples", "4", "--out", fresh("")],
        "generate burgers": lambda: ["--resolution", "16", "--solver-resolution", "32", "--samples", "2", "--out", fresh("")],
        "generate navier-stokes": lambda: ["--resolution", "8", "--solver-resolution", "16", "--time", "1", "--samples", "2",
                                           "--out", fresh("")],
        "train fno": lambda: ["--data", darcy, "--epochs", "1", "--modes", "2", "--width", "4", "--out", fresh(".safetensors")],
        "train afno": lambda: ["--data", darcy, "--epochs", "1", "--out", fresh(".safetensors")],
        "train mgno": lambda: ["--data", darcy, "--epochs", "1", "--levels", "2", "--out", fresh(".safetensors")],
        "train deeponet": lambda: ["--data", darcy, "--epochs", "1", "--out", fresh(".safetensors")],
        "train dcdm": lambda: ["--grid", "8x8", "--vectors", "16", "--epochs", "1", "--out", fresh(".safetensors")],
        "evaluate": lambda: ["--model", model, "--data", darcy],
        "predict": lambda: ["--model", model, "--input", darcy, "--out", fresh(".npy")],
        "forecast": lambda: ["--csv", csv, "--lookback", "24", "--horizon", "8", "--epochs", "1", "--out", fresh(".safetensors")],
    }
    failures, runs, timeouts = [], 0, 0
    started = time.monotonic()
    for command, base in commands.items():
        if not command.startswith(args.only):
            continue
        words = command.split()
        if run(words + base()).returncode != 0:
            failures.append(f"{command}: the valid base invocation fails: {run(words + base()).stderr[-300:]}")
            continue
        helptext = run(words + ["--help"]).stdout
        options = sorted(set(re.findall(r"^\s+(--[a-z0-9-]+) <", helptext, re.M)))
        for option in options:
            for value in VALUES:
                argv = base()
                if option in argv:
                    i = argv.index(option)
                    del argv[i:i + 2]
                argv = words + argv + [f"{option}={value}"]
                runs += 1
                try:
                    result = run(argv)
                except subprocess.TimeoutExpired:
                    timeouts += 1
                    if option not in LONG_WORK:
                        failures.append(f"{' '.join(argv)[:200]}: no answer in {args.seconds:.0f} s")
                    continue
                problem = judge(result)
                if problem:
                    failures.append(f"{' '.join(argv)[:200]}: {problem}")
        print(f"{command}: {len(options)} options, {len(failures)} failures so far ({time.monotonic() - started:.0f} s)", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f"options: {runs} runs, {timeouts} timeouts (long work asked for), {len(failures)} failures")
    for failure in failures:
        print("  FAIL " + failure)
    sys.exit(1 if failures else 0)


def judge(result):
    """Why a finished run breaks the error policy, or None."""
    if result.returncode < 0 or result.returncode >= 128:
        return f"signal/status {result.returncode}: {result.stderr[-300:]!r}"
    if any(marker in result.stderr for marker in ("Fatal error", "Stack dump", "Backtrace", "Current stack trace")):
        return f"backtrace: {result.stderr[:300]!r}"
    if result.returncode == 0:
        return None
    if result.returncode not in (1, 64):
        return f"status {result.returncode}"
    errors = [line for line in result.stderr.splitlines() if line.startswith("opkit: error")]
    if len(errors) != 1:
        return f"{len(errors)} error lines: {result.stderr[-300:]!r}"
    if not result.stderr.rstrip("\n").splitlines()[-1].startswith("opkit: error"):
        return f"the error is not the last line: {result.stderr[-300:]!r}"
    if len(errors[0]) > 1100:
        return f"error line of {len(errors[0])} characters"
    return None


if __name__ == "__main__":
    main()
