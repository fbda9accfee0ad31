import Dispatch
import Foundation
import Synchronization
import Tensors

/// Writes a ``HelmholtzProblem`` dataset: `coeff.npy` (`(N, s, s)` float32, the wavenumber field
/// `k`), `sol.npy` (`(N, s, s)` complex64, the field `u`) and `meta.json`. Sample `i` depends
/// only on `(seed, i)`; samples are solved on all cores and the files written atomically at the
/// end (a 32² sample takes milliseconds, so there is nothing to resume).
public struct HelmholtzDatasetGenerator: Sendable {
  /// The problem family.
  public let problem: HelmholtzProblem
  /// Number of samples.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64

  /// A generator of `samples ≥ 1` samples.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for bad parameters.
  public init(resolution: Int, samples: Int, seed: UInt64, wavenumbers: ClosedRange<Double> = 8...16) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    problem = try HelmholtzProblem(resolution: resolution, wavenumbers: wavenumbers)
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
        let k = problem.wavenumber(index: i, seed: seed)
        let (re, im) = try problem.solve(wavenumber: k, sample: i)
        let interleaved = (0..<points).flatMap { [re[$0], im[$0]] }
        results.withLock { $0[i] = (k, interleaved) }
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
    try NumpyArray(shape: shape, values: (0..<samples).flatMap { all[$0]!.u }, dtype: .complex64).write(to: path("sol.npy"))
    let meta = HelmholtzMetadata(
      resolution: problem.resolution, samples: samples, seed: seed,
      wavenumbers: [problem.wavenumbers.lowerBound, problem.wavenumbers.upperBound], contrast: problem.contrast)
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
  /// What `sol.npy` holds.
  public var solution = "complex64 u with -Δu - k²u = f, ∂u/∂n - iku = 0"
}
