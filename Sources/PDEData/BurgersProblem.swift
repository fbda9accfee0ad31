import Datasets
import Foundation
import Spectral
import Tensors

/// Viscous Burgers `u_t + (u²/2)_x = ν u_xx` on the periodic unit interval, from initial
/// conditions `u₀ ~ N(0, 625 (−Δ + 25 I)^{−2})` (the FNO paper's): the map `u₀ ↦ u(·, T)`, or
/// the trajectory at `record` equally spaced times up to `T`.
///
/// Pseudo-spectral in space on `solverResolution` points (the stored fields are every
/// `solverResolution / resolution`-th point), with the 2/3 rule on the nonlinear term. In time,
/// ETDRK4 (Cox & Matthews 2002, with the φ-functions by contour integrals as Kassam & Trefethen
/// 2005): the stiff diffusion `−ν(2πk)²` is integrated exactly by exponentials, so the step is
/// limited by the advection of the modes that diffusion does not damp, not by `ν k²`; fourth
/// order in time, and stable where an integrating-factor RK4 needs the same step.
///
/// References: Li et al. 2021 (FNO) Burgers data; Kassam & Trefethen 2005, "Fourth-order
/// time-stepping for stiff PDEs", SIAM J. Sci. Comput. 26(4).
public struct BurgersProblem: Sendable {
  /// Viscosity `ν`.
  public let viscosity: Double
  /// Grid points of the solver `N` (even).
  public let solverResolution: Int
  /// Grid points stored `s` (dividing `N`).
  public let resolution: Int
  /// Final time `T`.
  public let time: Double
  /// Snapshots stored, at `T/record, 2T/record, …, T`.
  public let record: Int
  /// The time step `Δt` (dividing `T/record` into whole steps).
  public let timeStep: Double
  /// The initial-condition field.
  public let field: PeriodicRandomField

  /// A family; the time step defaults to the largest `T/(record·m)` not above `1e-3`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a resolution that does not divide the
  ///   solver's, a non-positive viscosity, time or step, or fewer than one snapshot.
  public init(
    viscosity: Double = 0.1, resolution: Int = 1024, solverResolution: Int = 8192, time: Double = 1, record: Int = 1,
    timeStep: Double? = nil
  ) throws {
    try validateSpectralGrid(viscosity: viscosity, solverResolution: solverResolution, resolution: resolution, dimension: 1)
    guard time > 0, time.isFinite else { throw DatasetError.invalidParameter("the final time must be positive, got \(time)") }
    guard record >= 1 else { throw DatasetError.invalidParameter("record at least one snapshot, got \(record)") }
    let interval = time / Double(record)
    let dt = timeStep ?? interval / (interval / 1e-3).rounded(.up)
    guard dt > 0, dt <= interval else { throw DatasetError.invalidParameter("the time step must be in (0, \(interval)], got \(dt)") }
    try requireTimeSteps(time: time, timeStep: dt)
    self.viscosity = viscosity
    self.solverResolution = solverResolution
    self.resolution = resolution
    self.time = time
    self.record = record
    self.timeStep = interval / (interval / dt).rounded(.up)
    field = PeriodicRandomField(size: solverResolution, dimension: 1, alpha: 2, tau: 5, sigma: 25)
  }

  /// The initial condition of sample `index` under `seed`, on the solver grid.
  public func initialCondition(index: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed &+ 0xB0B5_EEDB_0B5E_ED00 &* UInt64(index + 1))
    return field.sample(using: &generator)
  }

  /// Every `N/s`-th point of a solver-grid field.
  public func stored(_ u: [Double]) -> [Double] {
    let step = solverResolution / resolution
    return stride(from: 0, to: u.count, by: step).map { u[$0] }
  }

  /// The solution from `u0` (solver grid) at the `record` snapshot times, each on the solver grid.
  /// - Throws: ``DatasetError/solveFailed(sample:message:)`` if the solution stops being finite.
  public func solve(_ u0: [Double], sample: Int = 0) throws -> [[Double]] {
    let n = solverResolution, half = n / 2 + 1, m = 2 * half
    let dt = timeStep
    let stepsPerSnapshot = Int((time / Double(record) / dt).rounded())
    let plan = try RealFFTPlan(sizes: [n])
    // Per mode k = 0…N/2: L = −ν(2πk)², the ETDRK4 coefficients, and g = −πk/N² (2/3 rule) so
    // that N(v) = i·g·FFT(ũ²), ũ the unnormalized inverse transform, is the transform of −(u²/2)_x.
    var e = [Double](repeating: 0, count: half), e2 = e, q = e, f1 = e, f2 = e, f3 = e, g = e
    let cutoff = Double(n) / 3
    for k in 0..<half {
      let l = -viscosity * pow(2 * .pi * Double(k), 2)
      (e[k], e2[k]) = (Foundation.exp(l * dt), Foundation.exp(l * dt / 2))
      (q[k], f1[k], f2[k], f3[k]) = Self.etdrk4Coefficients(l * dt, dt: dt)
      g[k] = Double(k) <= cutoff ? -.pi * Double(k) / Double(n * n) : 0
    }
    // Every work vector in one block, each starting on a 64-byte boundary, so FFTW runs its
    // widest SIMD codelets.
    let stride = (m + 7) / 8 * 8
    let block = UnsafeMutableRawPointer.allocate(byteCount: (9 * stride + n) * MemoryLayout<Double>.stride, alignment: 64)
      .bindMemory(to: Double.self, capacity: 9 * stride + n)
    defer { block.deallocate() }
    block.initialize(repeating: 0, count: 9 * stride + n)
    let (v, a, b, c) = (block, block + stride, block + 2 * stride, block + 3 * stride)
    let (nv, na, nb, nc) = (block + 4 * stride, block + 5 * stride, block + 6 * stride, block + 7 * stride)
    let (spectrum, field) = (block + 8 * stride, block + 9 * stride)
    field.update(from: u0, count: n)
    plan.forward(field, v)
    // out ← N(x): x copied (the inverse overwrites its input), ũ = N·irfft, ũ², rfft, times i·g.
    func nonlinear(_ x: UnsafeMutablePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
      spectrum.update(from: x, count: m)
      plan.inverse(spectrum, field)
      for j in 0..<n { field[j] *= field[j] }
      plan.forward(field, out)
      for k in 0..<half { (out[2 * k], out[2 * k + 1]) = (-g[k] * out[2 * k + 1], g[k] * out[2 * k]) }
    }
    var snapshots = [[Double]]()
    for _ in 0..<record {
      for _ in 0..<stepsPerSnapshot {
        nonlinear(v, nv)
        for i in 0..<m { a[i] = e2[i >> 1] * v[i] + q[i >> 1] * nv[i] }  // a = E₂v + Q N(v)
        nonlinear(a, na)
        for i in 0..<m { b[i] = e2[i >> 1] * v[i] + q[i >> 1] * na[i] }  // b = E₂v + Q N(a)
        nonlinear(b, nb)
        for i in 0..<m { c[i] = e2[i >> 1] * a[i] + q[i >> 1] * (2 * nb[i] - nv[i]) }  // c = E₂a + Q(2N(b) − N(v))
        nonlinear(c, nc)
        for i in 0..<m {
          let k = i >> 1
          // v ← E v + f₁N(v) + 2f₂(N(a) + N(b)) + f₃N(c)
          v[i] = e[k] * v[i] + f1[k] * nv[i] + 2 * f2[k] * (na[i] + nb[i]) + f3[k] * nc[i]
        }
      }
      let u = try RealFFT.inverse(Array(UnsafeBufferPointer(start: v, count: m)), sizes: [n])
      guard u.allSatisfy(\.isFinite) else {
        throw DatasetError.solveFailed(sample: sample, message: "Burgers solution is not finite; use a smaller time step")
      }
      snapshots.append(u)
    }
    return snapshots
  }

  /// ETDRK4's `Q = Δt φ(z/2)`-type coefficients for `z = LΔt`, by the mean over 32 points of a
  /// circle of radius 1 around `z` (Kassam & Trefethen), accurate also near `z = 0`.
  static func etdrk4Coefficients(_ z: Double, dt: Double) -> (q: Double, f1: Double, f2: Double, f3: Double) {
    let m = 32
    var (q, f1, f2, f3) = (0.0, 0.0, 0.0, 0.0)
    for j in 1...m {
      let theta = Double.pi * (Double(j) - 0.5) / Double(m)
      let r = (re: z + cos(theta), im: sin(theta))
      // Complex helpers on (re, im) pairs.
      func mul(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) { (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0) }
      func div(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
        let d = b.0 * b.0 + b.1 * b.1
        return ((a.0 * b.0 + a.1 * b.1) / d, (a.1 * b.0 - a.0 * b.1) / d)
      }
      func exp(_ a: (Double, Double)) -> (Double, Double) { (Foundation.exp(a.0) * cos(a.1), Foundation.exp(a.0) * sin(a.1)) }
      let lr = (r.re, r.im), lr2 = mul(lr, lr), lr3 = mul(lr2, lr), ex = exp(lr), exHalf = exp((lr.0 / 2, lr.1 / 2))
      q += div((exHalf.0 - 1, exHalf.1), lr).0
      let t1 = mul(ex, (4 - 3 * lr.0 + lr2.0, -3 * lr.1 + lr2.1))
      f1 += div((-4 - lr.0 + t1.0, -lr.1 + t1.1), lr3).0
      let t2 = mul(ex, (-2 + lr.0, lr.1))
      f2 += div((2 + lr.0 + t2.0, lr.1 + t2.1), lr3).0
      let t3 = mul(ex, (4 - lr.0, -lr.1))
      f3 += div((-4 - 3 * lr.0 - lr2.0 + t3.0, -3 * lr.1 - lr2.1 + t3.1), lr3).0
    }
    let scale = dt / Double(m)
    return (q * scale, f1 * scale, f2 * scale, f3 * scale)
  }
}
