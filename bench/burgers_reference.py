"""NumPy reference for `opkit generate burgers`: the same scheme (pseudo-spectral, 2/3 rule,
ETDRK4 with Kassam–Trefethen contour coefficients) written independently, timed per sample.

    python3 bench/burgers_reference.py --samples 4 [--viscosity 0.1 --n 8192 --dt 1e-3 --time 1]
    python3 bench/burgers_reference.py --initial u0.npy --out u.npy   (solve given initial conditions)

Prints one JSON line: seconds per sample. Initial conditions follow the FNO paper's
N(0, 625(-Δ + 25 I)^-2) (their random stream, not opkit's).
"""
import argparse, json, math, time
import numpy as np


def coefficients(L, dt, m=32):
    r = np.exp(1j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    LR = dt * L[:, None] + r[None, :]
    Q = dt * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = dt * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR ** 2)) / LR ** 3, axis=1))
    f2 = dt * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR ** 3, axis=1))
    f3 = dt * np.real(np.mean((-4 - 3 * LR - LR ** 2 + np.exp(LR) * (4 - LR)) / LR ** 3, axis=1))
    return Q, f1, f2, f3


def solve(u0, nu, dt, steps):
    n = u0.shape[-1]
    k = np.arange(n // 2 + 1)
    L = -nu * (2 * np.pi * k) ** 2
    E, E2 = np.exp(dt * L), np.exp(dt * L / 2)
    Q, f1, f2, f3 = coefficients(L, dt)
    g = -0.5j * 2 * np.pi * k * (k <= n / 3)
    N = lambda v: g * np.fft.rfft(np.fft.irfft(v, n) ** 2)
    v = np.fft.rfft(u0)
    for _ in range(steps):
        Nv = N(v)
        a = E2 * v + Q * Nv
        Na = N(a)
        b = E2 * v + Q * Na
        Nb = N(b)
        c = E2 * a + Q * (2 * Nb - Nv)
        Nc = N(c)
        v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
    return np.fft.irfft(v, n)


def initial(n, rng):
    k = np.fft.fftfreq(n, 1 / n)
    sqrt_eig = n * math.sqrt(2) * 25 * ((4 * math.pi ** 2 * k ** 2 + 25) ** -1.0)
    sqrt_eig[0] = 0
    c = sqrt_eig * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    return np.fft.ifft(c).real


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=4)
    p.add_argument("--viscosity", type=float, default=0.1)
    p.add_argument("--n", type=int, default=8192)
    p.add_argument("--dt", type=float, default=1e-3)
    p.add_argument("--time", type=float, default=1.0)
    p.add_argument("--initial")
    p.add_argument("--out")
    a = p.parse_args()
    steps = round(a.time / a.dt)
    if a.initial:
        u0 = np.load(a.initial)
        np.save(a.out, np.stack([solve(u, a.viscosity, a.time / steps, steps) for u in np.atleast_2d(u0)]))
    else:
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        for _ in range(a.samples):
            solve(initial(a.n, rng), a.viscosity, a.time / steps, steps)
        print(json.dumps({"seconds_per_sample": (time.perf_counter() - start) / a.samples, "steps": steps, "numpy": np.__version__}))
