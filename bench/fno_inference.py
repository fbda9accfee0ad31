"""Inference time of bench/fno_reference.py's FNO2d (modes 12, width 32, the defaults of
`opkit train fno`) under `torch.no_grad()`, per sample, at the given resolutions: the baseline of
bench/compare-fno-inference.sh. The weights are PyTorch's initial draw (the time does not depend
on them); the inputs are the same `.npy` files opkit predicts from.

Usage: python fno_inference.py --inputs a64.npy,a128.npy [--batch 50] [--threads 2] [--repeats 3]
Prints one JSON line: torch version, threads, batch and, per file, the median over the repeats of
the seconds per sample.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch

from fno_reference import FNO2d


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = FNO2d().eval()
    seconds = {}
    for path in args.inputs.split(","):
        a = torch.from_numpy(np.load(path).astype(np.float32))[:, None]
        runs = []
        with torch.no_grad():
            model(a[:args.batch])  # warm-up: FFT plans, allocator
            for _ in range(args.repeats):
                start = time.perf_counter()
                for i in range(0, len(a), args.batch):
                    model(a[i:i + args.batch])
                runs.append((time.perf_counter() - start) / len(a))
        seconds[path] = statistics.median(runs)
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "batch": args.batch, "seconds_per_sample": seconds}))


if __name__ == "__main__":
    main()
