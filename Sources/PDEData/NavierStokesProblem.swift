import Datasets
import Foundation
import Spectral
import Tensors

/// Two-dimensional incompressible Navier–Stokes in vorticity form on the unit torus,
/// `w_t + u·∇w = νΔw + f`, `u = ∇^⊥ψ = (ψ_y, −ψ_x)`, `−Δψ = w`, with the FNO paper's forcing
/// `f = 0.1 (sin 2π(x + y) + cos 2π(x + y))` and initial vorticity from
/// `N(0, 7^{3/2} (−Δ + 49 I)^{−2.5})` (``PeriodicRandomField``, `α = 2.5`, `τ = 7`).
///
/// The FNO data script's scheme, step for step: pseudo-spectral on `solverResolution²` points
/// (`x` the first array axis), the advection `u·∇w` evaluated on the grid from the current step
/// and transformed with the 2/3 rule, and Crank–Nicolson for the diffusion:
/// `ŵ ← (−Δt F̂ + Δt f̂ + (1 − ½Δtν|2πk|²) ŵ) / (1 + ½Δtν|2πk|²)` — second order in the diffusion,
/// first in the explicit advection. Snapshots every `recordEvery` time units are stored on every
/// `solverResolution / resolution`-th point.
///
/// References: Li et al. 2021 (FNO), `data_generation/navier_stokes/ns_2d.py`; Canuto et al.
/// 2006, *Spectral Methods*, §3.
public struct NavierStokesProblem: Sendable {
  /// Viscosity `ν`.
  public let viscosity: Double
  /// Grid points per axis of the solver `N` (even).
  public let solverResolution: Int
  /// Grid points per axis stored `s` (dividing `N`).
  public let resolution: Int
  /// Final time `T`.
  public let time: Double
  /// Time between stored snapshots.
  public let recordEvery: Double
  /// The time step `Δt`.
  public let timeStep: Double
  /// Whether the FNO forcing is applied (false: free decay, for tests).
  public let forced: Bool
  /// The initial-vorticity field.
  public let field: PeriodicRandomField

  /// A family; the time step defaults to `1e-4` at 256² (the FNO paper's), scaled with the grid
  /// spacing (advective CFL) and cut to divide `recordEvery`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for resolutions that do not divide, a
  ///   non-positive viscosity, time, interval or step.
  public init(
    viscosity: Double = 1e-3, resolution: Int = 64, solverResolution: Int = 256, time: Double = 50, recordEvery: Double = 1,
    timeStep: Double? = nil, forced: Bool = true
  ) throws {
    try validateSpectralGrid(viscosity: viscosity, solverResolution: solverResolution, resolution: resolution, dimension: 2)
    guard time > 0, recordEvery > 0, recordEvery <= time else {
      throw DatasetError.invalidParameter("need 0 < record interval ≤ final time, got \(recordEvery) and \(time)")
    }
    let snapshots = (time / recordEvery).rounded()
    guard abs(snapshots * recordEvery - time) <= 1e-9 * time else {
      throw DatasetError.invalidParameter("the record interval \(recordEvery) must divide the final time \(time)")
    }
    let dt = timeStep ?? 1e-4 * 256 / Double(solverResolution)
    guard dt > 0, dt <= recordEvery else { throw DatasetError.invalidParameter("the time step must be in (0, \(recordEvery)], got \(dt)") }
    try requireTimeSteps(time: time, timeStep: dt)
    self.viscosity = viscosity
    self.solverResolution = solverResolution
    self.resolution = resolution
    self.time = time
    self.recordEvery = recordEvery
    self.timeStep = recordEvery / (recordEvery / dt).rounded(.up)
    self.forced = forced
    field = PeriodicRandomField(size: solverResolution, dimension: 2, alpha: 2.5, tau: 7)
  }

  /// Number of stored snapshots, `T / recordEvery`.
  public var snapshotCount: Int { Int((time / recordEvery).rounded()) }

  /// The initial vorticity of sample `index` under `seed`, on the solver grid (row-major `N × N`).
  public func initialCondition(index: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed &+ 0x5EED_0F_0A5E_E0F5 &* UInt64(index + 1))
    return field.sample(using: &generator)
  }

  /// The forcing on the solver grid: `0.1 (sin 2π(x + y) + cos 2π(x + y))`, `x = i/N`, `y = j/N`.
  public var forcing: [Double] {
    let n = solverResolution
    return (0..<(n * n)).map { p in
      let phase = 2 * Double.pi * Double(p / n + p % n) / Double(n)
      return forced ? 0.1 * (sin(phase) + cos(phase)) : 0
    }
  }

  /// Every `N/s`-th point along both axes of a solver-grid field.
  public func stored(_ w: [Double]) -> [Double] {
    let (n, step) = (solverResolution, solverResolution / resolution)
    return stride(from: 0, to: n, by: step).flatMap { i in stride(from: 0, to: n, by: step).map { j in w[i * n + j] } }
  }

  /// The vorticity from `w0` (solver grid) at the `snapshotCount` record times, each on the
  /// solver grid.
  /// - Throws: ``DatasetError/solveFailed(sample:message:)`` if the solution stops being finite.
  public func solve(_ w0: [Double], sample: Int = 0) throws -> [[Double]] {
    let n = solverResolution, half = n / 2 + 1, kMax = n / 2
    let count = n * half
    let (dt, nu) = (timeStep, viscosity)
    // Wavenumbers as the FNO script builds them: index i ↦ i below N/2, i − N from there (the
    // Nyquist index as −N/2), on both axes.
    let frequency = { (i: Int) in Double(i < kMax ? i : i - n) }
    var kx = [Double](repeating: 0, count: count), ky = kx, lap = kx, keep = kx
    for i in 0..<n {
      for j in 0..<half {
        let p = i * half + j
        (kx[p], ky[p]) = (frequency(i), frequency(j))
        lap[p] = 4 * .pi * .pi * (kx[p] * kx[p] + ky[p] * ky[p])
        keep[p] = abs(kx[p]) <= 2.0 / 3.0 * Double(kMax) && abs(ky[p]) <= 2.0 / 3.0 * Double(kMax) ? 1 : 0
      }
    }
    lap[0] = 1
    let plan = try RealFFTPlan(sizes: [n, n]), batched = try RealFFTPlan(sizes: [n, n], batch: 4)
    let points = n * n, m = 2 * count, inverseScale = 1 / Double(points)
    // Work vectors in one block, each on a 64-byte boundary (FFTW's widest SIMD codelets):
    // ŵ, f̂, four derivative spectra, four fields, the advection and its spectrum.
    let stride = (m + 7) / 8 * 8, fieldStride = (points + 7) / 8 * 8
    let total = 7 * stride + 5 * fieldStride
    let block = UnsafeMutableRawPointer.allocate(byteCount: total * MemoryLayout<Double>.stride, alignment: 64)
      .bindMemory(to: Double.self, capacity: total)
    defer { block.deallocate() }
    block.initialize(repeating: 0, count: total)
    let (wh, fh, derivatives, fHat) = (block, block + stride, block + 2 * stride, block + 6 * stride)
    let fields = block + 7 * stride, advection = fields + 4 * fieldStride
    // The four derivative spectra lie m apart and the four fields N² apart, as the batched plan
    // expects; the space reserved for each group is rounded up to whole cache lines.
    advection.update(from: forcing, count: points)
    plan.forward(advection, fh)
    advection.update(from: w0, count: points)
    plan.forward(advection, wh)
    let stepsPerSnapshot = Int((recordEvery / dt).rounded())
    var snapshots = [[Double]]()
    for _ in 0..<snapshotCount {
      for _ in 0..<stepsPerSnapshot {
        // ψ_y, −ψ_x, w_x, w_y (multiplying by 2πik: (re, im) ↦ 2πk(−im, re)), each scaled by 1/N²
        // so that the unnormalized inverse gives the fields.
        for p in 0..<count {
          let (wr, wi) = (wh[2 * p] * inverseScale, wh[2 * p + 1] * inverseScale)
          let (pr, pi) = (wr / lap[p], wi / lap[p])
          let (ax, ay) = (2 * Double.pi * kx[p], 2 * Double.pi * ky[p])
          (derivatives[2 * p], derivatives[2 * p + 1]) = (-ay * pi, ay * pr)  // u = ψ_y
          (derivatives[m + 2 * p], derivatives[m + 2 * p + 1]) = (ax * pi, -ax * pr)  // v = −ψ_x
          (derivatives[2 * m + 2 * p], derivatives[2 * m + 2 * p + 1]) = (-ax * wi, ax * wr)  // w_x
          (derivatives[3 * m + 2 * p], derivatives[3 * m + 2 * p + 1]) = (-ay * wi, ay * wr)  // w_y
        }
        batched.inverse(derivatives, fields)
        for p in 0..<points {
          advection[p] = fields[p] * fields[2 * points + p] + fields[points + p] * fields[3 * points + p]  // u·∇w
        }
        plan.forward(advection, fHat)
        for p in 0..<count {
          let diffusion = 0.5 * dt * nu * lap[p]
          let (explicit, implicit) = (1 - diffusion, 1 / (1 + diffusion))
          for c in 0..<2 {
            let q = 2 * p + c
            // ŵ ← (−Δt F̂ + Δt f̂ + (1 − ½Δtν|k|²) ŵ) / (1 + ½Δtν|k|²), F̂ dealiased
            wh[q] = (-dt * keep[p] * fHat[q] + dt * fh[q] + explicit * wh[q]) * implicit
          }
        }
      }
      let w = try RealFFT.inverse(Array(UnsafeBufferPointer(start: wh, count: m)), sizes: [n, n])
      guard w.allSatisfy(\.isFinite) else {
        throw DatasetError.solveFailed(sample: sample, message: "vorticity is not finite; use a smaller time step")
      }
      snapshots.append(w)
    }
    return snapshots
  }
}
