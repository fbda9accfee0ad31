"""NumPy reference for `opkit generate navier-stokes`: a transcription of the FNO paper's data
script (ns_2d.py: pseudo-spectral, explicit dealiased advection, Crank–Nicolson diffusion),
timed per step.

    python3 bench/ns_reference.py --n 256 --steps 200 [--viscosity 1e-3 --dt 1e-4]

Prints one JSON line: seconds per step and per sample of the paper's setting (T = 50, Δt = 1e-4).
"""
import argparse, json, math, time
import numpy as np


def step_all(w0, f, visc, delta_t, steps, record_steps=1):
    """The FNO scheme from w0 for `steps` steps; the vorticity at `record_steps` equally spaced times."""
    N = w0.shape[-1]
    k_max = math.floor(N / 2.0)
    w_h = np.fft.rfft2(w0); f_h = np.fft.rfft2(f)
    k_y = np.tile(np.concatenate((np.arange(0, k_max), np.arange(-k_max, 0))), (N, 1)); k_x = k_y.T.copy()
    k_x = k_x[..., :k_max + 1]; k_y = k_y[..., :k_max + 1]
    lap = 4 * (math.pi ** 2) * (k_x ** 2 + k_y ** 2); lap[0, 0] = 1.0
    dealias = ((np.abs(k_y) <= (2.0 / 3.0) * k_max) & (np.abs(k_x) <= (2.0 / 3.0) * k_max)).astype(float)
    record_time = math.floor(steps / record_steps)
    sol = []
    for j in range(steps):
        psi_h = w_h / lap
        q = np.fft.irfft2(2. * math.pi * k_y * 1j * psi_h, s=(N, N))
        v = np.fft.irfft2(-2. * math.pi * k_x * 1j * psi_h, s=(N, N))
        w_x = np.fft.irfft2(2. * math.pi * k_x * 1j * w_h, s=(N, N))
        w_y = np.fft.irfft2(2. * math.pi * k_y * 1j * w_h, s=(N, N))
        F_h = dealias * np.fft.rfft2(q * w_x + v * w_y)
        w_h = (-delta_t * F_h + delta_t * f_h + (1.0 - 0.5 * delta_t * visc * lap) * w_h) / (1.0 + 0.5 * delta_t * visc * lap)
        if (j + 1) % record_time == 0:
            sol.append(np.fft.irfft2(w_h, s=(N, N)))
    return np.array(sol)


def forcing(n):
    """0.1 (sin 2π(x + y) + cos 2π(x + y)) on x, y = j/n."""
    t = np.linspace(0, 1, n + 1)[:-1]; X, Y = np.meshgrid(t, t, indexing='ij')
    return 0.1 * (np.sin(2 * math.pi * (X + Y)) + np.cos(2 * math.pi * (X + Y)))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=256)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--viscosity", type=float, default=1e-3)
    p.add_argument("--dt", type=float, default=1e-4)
    a = p.parse_args()
    f = forcing(a.n)
    w0 = np.random.default_rng(0).standard_normal((a.n, a.n)) * 0.1
    start = time.perf_counter()
    step_all(w0, f, a.viscosity, a.dt, a.steps)
    per_step = (time.perf_counter() - start) / a.steps
    print(json.dumps({"seconds_per_step": per_step, "seconds_per_sample": per_step * round(50 / a.dt), "numpy": np.__version__}))
