import Foundation
import Parallelism
import Spectral
import Tensors

/// Samples of a Gaussian random field on the unit torus `[0, 1)^d` (`d` = 1 or 2), mean zero
/// with covariance `σ² (−Δ + τ² I)^{−α}` — the initial conditions of the FNO paper's Burgers
/// (`d = 1`, `α = 2`, `τ = 5`, `σ = 25`: `N(0, 625 (−Δ + 25 I)^{−2})`) and Navier–Stokes data
/// (`d = 2`, `α = 2.5`, `τ = 7`, `σ = τ^{α − d/2} = 7^{3/2}`).
///
/// Fourier synthesis on the `n^d` grid `x_j = j/n`: each complex mode `k ≠ 0` gets
/// `√2 · σ · (4π²|k|² + τ²)^{−α/2} · (ξ + iη)` with `ξ, η ~ N(0, 1)`, the mean mode is zero, and
/// the field is the real part of the inverse transform scaled by `n^d` — the FNO data scripts'
/// construction (`GaussianRF`), so statistics match theirs (the random stream does not).
/// Seeded and platform-independent.
///
/// References: Li et al. 2021 (FNO), data generation `random_fields.py`; Lord, Powell, Shardlow
/// 2014, *An Introduction to Computational Stochastic PDEs*, ch. 6.
public struct PeriodicRandomField: Sendable {
  /// Grid points per axis `n` (spacing `1/n`).
  public let size: Int
  /// Space dimension, 1 or 2.
  public let dimension: Int
  /// Smoothness `α`.
  public let alpha: Double
  /// Inverse length scale `τ`.
  public let tau: Double
  /// Amplitude `σ`.
  public let sigma: Double

  /// A sampler on an `n^d` periodic grid; `sigma` defaults to the FNO scripts' `τ^{α − d/2}`.
  public init(size: Int, dimension: Int, alpha: Double, tau: Double, sigma: Double? = nil) {
    precondition(dimension == 1 || dimension == 2, "periodic random fields in 1D or 2D")
    self.size = size
    self.dimension = dimension
    self.alpha = alpha
    self.tau = tau
    self.sigma = sigma ?? pow(tau, alpha - Double(dimension) / 2)
  }

  /// The standard deviation of the real (or imaginary) part of mode `k` of the unnormalized
  /// DFT of a sample: `n^d · σ · (4π²|k|² + τ²)^{−α/2}` (0 for the mean mode).
  public func modeDeviation(_ k: [Int]) -> Double {
    let squared = k.reduce(0) { $0 + $1 * $1 }
    guard squared > 0 else { return 0 }
    return pow(Double(size), Double(dimension)) * sigma * pow(4 * .pi * .pi * Double(squared) + tau * tau, -alpha / 2)
  }

  /// One sample, row-major over `[n]` or `[n, n]`.
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Double] {
    let n = size, count = dimension == 1 ? n : n * n
    let normals = standardNormals(2 * count, using: &generator)
    // The full complex spectrum c_k, then Re(ifft(c)) · n^d / n^d-normalized inverse.
    var real = [Double](repeating: 0, count: count), imaginary = real
    for index in 0..<count {
      let k = dimension == 1 ? [signedFrequency(index)] : [signedFrequency(index / n), signedFrequency(index % n)]
      let scale = 2.0.squareRoot() * modeDeviation(k) / pow(Double(n), Double(dimension))
      real[index] = scale * normals[2 * index]
      imaginary[index] = scale * normals[2 * index + 1]
    }
    return inverseRealPart(real, imaginary)
  }

  /// Frequency of DFT index `j`: `j` below `n/2`, `j − n` from there (the Nyquist index as `−n/2`).
  func signedFrequency(_ j: Int) -> Int { j < size / 2 ? j : j - size }

  /// `Re(Σ_k c_k e^{2πi k·x})` on the grid (the unnormalized inverse DFT's real part), from the
  /// real part's spectrum `(c + c̄(−k))/2`, which is Hermitian, so one real inverse transform does it.
  private func inverseRealPart(_ real: [Double], _ imaginary: [Double]) -> [Double] {
    let n = size
    let shape = Array(repeating: n, count: dimension)
    let half = n / 2 + 1
    let rows = dimension == 1 ? 1 : n
    var spectrum = [Double](repeating: 0, count: 2 * rows * half)
    for r in 0..<rows {
      for j in 0..<half {
        let index = dimension == 1 ? j : r * n + j
        let mirror = dimension == 1 ? (n - j) % n : ((n - r) % n) * n + (n - j) % n
        // Re-part field's coefficient: (c_k + conj(c_{−k})) / 2.
        spectrum[2 * (r * half + j)] = (real[index] + real[mirror]) / 2
        spectrum[2 * (r * half + j) + 1] = (imaginary[index] - imaginary[mirror]) / 2
      }
    }
    // RealFFT.inverse divides by N; the sum over modes is unnormalized.
    let total = Double(shape.reduce(1, *))
    return ((try? RealFFT.inverse(spectrum, sizes: shape)) ?? []).map { $0 * total }
  }
}

/// Checks what every pseudo-spectral family shares: a positive viscosity, an even solver grid of
/// at least 4 points per axis whose work vectors (about 16 fields of `N^d` doubles) fit in this
/// machine's memory, and a stored grid that subsamples it (dividing it).
/// - Throws: ``DatasetError/invalidParameter(_:)`` naming the value (and the bytes needed).
func validateSpectralGrid(viscosity: Double, solverResolution: Int, resolution: Int, dimension: Int) throws {
  try requireMemory(
    fields: 16, of: Array(repeating: solverResolution, count: dimension), what: "the solver resolution \(solverResolution)")
  guard viscosity > 0, viscosity.isFinite else { throw DatasetError.invalidParameter("viscosity must be positive, got \(viscosity)") }
  guard solverResolution >= 4, solverResolution % 2 == 0 else {
    throw DatasetError.invalidParameter("the solver resolution must be even and at least 4, got \(solverResolution)")
  }
  guard resolution >= 2, resolution <= solverResolution, solverResolution % resolution == 0 else {
    throw DatasetError.invalidParameter("resolution \(resolution) must divide the solver resolution \(solverResolution)")
  }
}

/// Refuses a run of more than `Int32.max` time steps (`time / timeStep`, rounded up): at a
/// microsecond per step that is weeks per sample, and beyond it step counts stop being exact.
/// - Throws: ``DatasetError/invalidParameter(_:)`` naming both times and the count.
func requireTimeSteps(time: Double, timeStep: Double) throws {
  let steps = (time / timeStep).rounded(.up)
  guard steps <= Double(Int32.max) else {
    throw DatasetError.invalidParameter(
      "the final time \(time) at time step \(timeStep) needs \(steps) steps; at most \(Int32.max) are allowed")
  }
}

/// Refuses up front work whose `fields` arrays of `shape` doubles would not fit in physical
/// memory (``MemoryBudget``: a product that overflows does not fit either).
/// - Throws: ``DatasetError/invalidParameter(_:)`` naming `what`, the bytes needed and available.
func requireMemory(fields: Int, of shape: [Int], what: String) throws {
  do { try MemoryBudget.require([[fields, MemoryLayout<Double>.size] + shape], what: what) } catch let error as MemoryBudgetError {
    throw DatasetError.invalidParameter(error.description)
  }
}
