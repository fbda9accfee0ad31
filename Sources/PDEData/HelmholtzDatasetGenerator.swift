import Dispatch
import Foundation
import Synchronization
import Tensors

/// Where the waves of a Helmholtz dataset travel.
public enum HelmholtzGeometry: String, Codable, Sendable, CaseIterable {
  /// ``HelmholtzProblem``: radiation through all four absorbing sides; `sol.npy` holds `u`.
  case open
  /// ``WaveguideProblem``: TE waves between conducting plates at `y = 0, 1`; `sol.npy` holds
  /// the two components of `E`, whose tangential part vanishes on the plates.
  case waveguide
}

/// Writes a ``HelmholtzProblem`` or ``WaveguideProblem`` dataset: `coeff.npy` (`(N, s, s)`
/// float32, the wavenumber field `k`), `sol.npy` (`(N, s, s)` complex64, the field `u`; for the
/// waveguide `(N, 2, s, s)`, the components `E_x, E_y`) and `meta.json`. Sample `i` depends
/// only on `(seed, i)`; samples are solved on all cores and the files written atomically at the
/// end (a 32² sample takes milliseconds, so there is nothing to resume).
public struct HelmholtzDatasetGenerator: Sendable {
  /// The problem family (for the waveguide: the one of its magnetic field).
  public let problem: HelmholtzProblem
  /// The geometry.
  public let geometry: HelmholtzGeometry
  /// Number of samples.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64

  /// A generator of `samples ≥ 1` samples.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for bad parameters.
  public init(
    resolution: Int, samples: Int, seed: UInt64, wavenumbers: ClosedRange<Double> = 8...16, geometry: HelmholtzGeometry = .open
  ) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    switch geometry {
    case .open: problem = try HelmholtzProblem(resolution: resolution, wavenumbers: wavenumbers)
    case .waveguide: problem = try WaveguideProblem(resolution: resolution, wavenumbers: wavenumbers).magnetic
    }
    self.geometry = geometry
    self.samples = samples
    self.seed = seed
  }

  /// Generates the dataset in `directory`; `progress(done, total)` is called from worker threads.
  /// - Throws: ``DatasetError`` for a failed solve or an unwritable directory.
  public func generate(in directory: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws {
    do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
      throw DatasetError.io(path: directory, message: "cannot create: \(error.localizedDescription)")
    }
    let points = problem.resolution * problem.resolution
    let results = Mutex([Int: (k: [Double], u: [Double])]())
    let failure = Mutex<Error?>(nil)
    let done = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: samples) { i in
      guard failure.withLock({ $0 == nil }) else { return }
      do {
        let (omega, k) = problem.medium(index: i, seed: seed)
        let values: [Double]
        switch geometry {
        case .open:
          let (re, im) = try problem.solve(wavenumber: k, sample: i)
          values = (0..<points).flatMap { [re[$0], im[$0]] }
        case .waveguide:
          let waveguide = try WaveguideProblem(
            resolution: problem.resolution, wavenumbers: problem.wavenumbers, contrast: problem.contrast)
          let e = try waveguide.electricField(frequency: omega, wavenumber: k, sample: i)
          values = e.x + e.y
        }
        results.withLock { $0[i] = (k, values) }
        progress(done.add(1, ordering: .relaxed).newValue, samples)
      } catch {
        failure.withLock { $0 = $0 ?? error }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    let all = results.withLock { $0 }
    let shape = [samples, problem.resolution, problem.resolution]
    let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
    try NumpyArray(shape: shape, values: (0..<samples).flatMap { all[$0]!.k }, dtype: .float32).write(to: path("coeff.npy"))
    let solutionShape = geometry == .waveguide ? [samples, 2] + shape.dropFirst() : shape
    try NumpyArray(shape: solutionShape, values: (0..<samples).flatMap { all[$0]!.u }, dtype: .complex64).write(to: path("sol.npy"))
    let meta = HelmholtzMetadata(
      resolution: problem.resolution, samples: samples, seed: seed,
      wavenumbers: [problem.wavenumbers.lowerBound, problem.wavenumbers.upperBound], contrast: problem.contrast, geometry: geometry)
    try writeJSON(meta, to: path("meta.json"))
  }
}

/// The `meta.json` of a Helmholtz dataset.
public struct HelmholtzMetadata: Codable, Sendable, Equatable {
  /// Always `"helmholtz"`.
  public var family = "helmholtz"
  /// Grid points per side `s`.
  public var resolution: Int
  /// Number of samples `N`.
  public var samples: Int
  /// The dataset seed.
  public var seed: UInt64
  /// The range `[k̄_min, k̄_max]` of the mean wavenumber.
  public var wavenumbers: [Double]
  /// Relative contrast of the wavenumber field.
  public var contrast: Double
  /// The geometry (`open` or `waveguide`).
  public var geometry: HelmholtzGeometry
  /// What `sol.npy` holds.
  public var solution: String
  /// The axes (`x`, `y`) whose walls are perfect conductors, where the tangential components
  /// of `sol.npy` vanish (empty for the open geometry).
  public var conductingWalls: [String]

  /// The metadata of a dataset.
  public init(resolution: Int, samples: Int, seed: UInt64, wavenumbers: [Double], contrast: Double, geometry: HelmholtzGeometry) {
    self.resolution = resolution
    self.samples = samples
    self.seed = seed
    self.wavenumbers = wavenumbers
    self.contrast = contrast
    self.geometry = geometry
    switch geometry {
    case .open:
      solution = "complex64 u (N, s, s) with -Δu - k²u = f, ∂u/∂n - iku = 0"
      conductingWalls = []
    case .waveguide:
      solution = "complex64 E (N, 2, s, s) = (i/ω)(∂_y H, -∂_x H), -ΔH - k²H = f, ∂H/∂n = 0 at y = 0, 1, ∂H/∂n - ikH = 0 at x = 0, 1"
      conductingWalls = ["y"]
    }
  }
}
