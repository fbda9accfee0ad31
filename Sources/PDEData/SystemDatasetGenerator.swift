import Dispatch
import Foundation
import Krylov
import Sparse
import Synchronization
import Tensors

/// Generates a Darcy dataset directory: `coeff.npy` and `sol.npy` (`(N, s, s)` float32, vertex
/// grid including the boundary) and `meta.json` (parameters and per-sample solver statistics).
///
/// Sample `i` depends only on `(seed, i)`, so the dataset is the same whatever the solve order,
/// the shard size or the number of workers (solutions agree to the solver tolerance). Work is
/// split into shards of consecutive samples, solved on all cores; each shard is written
/// atomically under `shards/`, its statistics file last, so a killed run leaves only complete
/// shards and the same command resumes without recomputing them. Every solution's true relative
/// residual is checked against the tolerance.
public struct DarcyDatasetGenerator: Sendable {
  /// The problem family (resolution and field sampler).
  public let problem: DarcyProblem
  /// Number of samples `N ≥ 1`.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64
  /// The linear solver.
  public let solver: DatasetSolver
  /// The preconditioner of GMRES and of the recycling solver (default: IC(0), SPD systems).
  public let preconditioner: PreconditionerKind
  /// Relative tolerance for iterative solvers (and the accepted residual of direct ones).
  public let rtol: Double
  /// Samples per shard.
  public let shardSize: Int

  /// A generator; throws ``DatasetError/invalidParameter(_:)`` for `samples < 1` or a bad
  /// resolution, tolerance or shard size.
  public init(
    resolution: Int, boundary: DarcyBoundary = .dirichlet, samples: Int, seed: UInt64,
    solver: DatasetSolver = .independent(.pcgMultigrid),
    preconditioner: PreconditionerKind = .ic,
    rtol: Double = 1e-8, shardSize: Int = 50
  ) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    guard rtol > 0, rtol < 1 else { throw DatasetError.invalidParameter("rtol must be in (0, 1), got \(rtol)") }
    guard shardSize >= 1 else { throw DatasetError.invalidParameter("shard size must be at least 1") }
    let needsMultigrid = solver == .independent(.pcgMultigrid) || (preconditioner == .multigrid && solver.usesPreconditioner)
    guard !(boundary == .periodic && needsMultigrid) else {
      throw DatasetError.invalidParameter(
        "periodic Darcy systems have no geometric multigrid hierarchy; use solver cholmod, pcg-ic or gmres/skr with ic")
    }
    problem = try DarcyProblem(resolution: resolution, boundary: boundary)
    self.samples = samples
    self.seed = seed
    self.solver = solver
    self.preconditioner = preconditioner
    self.rtol = rtol
    self.shardSize = shardSize
  }

  /// What a finished run reports.
  public struct Summary: Sendable, Codable {
    /// Samples in the dataset.
    public var samples: Int
    /// Samples solved by this run (the rest came from earlier, interrupted runs).
    public var solvedNow: Int
    /// Wall-clock seconds of this run.
    public var seconds: Double
    /// Operator applications of the iterative solves of this run.
    public var matvecs: Int
    /// Mean iterations per sample over the dataset.
    public var meanIterations: Double
    /// Largest true relative residual over the dataset.
    public var maxRelativeResidual: Double
  }

  /// Generates (or completes) the dataset in `directory`.
  /// - Parameter progress: called with (samples done, total) as samples finish, from worker
  ///   threads; must be thread-safe.
  /// - Throws: ``DatasetError`` for unusable files or a sample whose solve fails.
  public func generate(in directory: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Summary {
    let start = ContinuousClock.now
    let shardDirectory = (directory as NSString).appendingPathComponent("shards")
    do { try FileManager.default.createDirectory(atPath: shardDirectory, withIntermediateDirectories: true) } catch {
      throw DatasetError.io(path: shardDirectory, message: "cannot create: \(error.localizedDescription)")
    }
    // Shards are runs of consecutive samples — in index order, or along the nearest-neighbour
    // chain when recycling, so that each shard's systems follow one another closely.
    let order =
      solver.recycles
      ? SampleOrdering.greedyNearestNeighbour((0..<samples).map { problem.coefficient(index: $0, seed: seed) }) : Array(0..<samples)
    let shards = stride(from: 0, to: samples, by: shardSize).enumerated().map { k, start in
      Shard(index: k, samples: Array(order[start..<min(samples, start + shardSize)]), directory: shardDirectory)
    }
    let pending = shards.filter { !$0.isComplete(resolution: problem.resolution) }
    let done = Atomic<Int>(samples - pending.reduce(0) { $0 + $1.samples.count })
    let matvecs = Atomic<Int>(0)
    let next = Atomic<Int>(0)
    let failure = Mutex<Error?>(nil)
    progress(done.load(ordering: .relaxed), samples)
    let workers = max(1, min(SparseThreads.workerCount, pending.count))
    let saved = SparseThreads.workerCount
    SparseThreads.workerCount = 1  // parallel over shards, not inside each solve
    defer { SparseThreads.workerCount = saved }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      // Recycling: each worker walks its own contiguous part of the chain with one solver, so
      // the recycled subspace follows the chain; otherwise shards are handed out as they come.
      let recycler: Recycler? =
        switch solver {
        case .recycling: .gcrodr(GCRODR(size: problem.unknowns, options: iterativeOptions, recycleDimension: 20))
        case .recycledCG: .conjugateGradient(RecycledConjugateGradient(size: problem.unknowns, options: iterativeOptions))
        case .independent: nil
        }
      let group = (pending.count * worker / workers)..<(pending.count * (worker + 1) / workers)
      var position = group.lowerBound
      while failure.withLock({ $0 == nil }) {
        let k: Int
        if recycler != nil {
          k = position
          position += 1
          guard k < group.upperBound else { return }
        } else {
          k = next.add(1, ordering: .relaxed).oldValue
          guard k < pending.count else { return }
        }
        do {
          let used = try solve(pending[k], recycler: recycler) { progress(done.add(1, ordering: .relaxed).newValue, samples) }
          matvecs.add(used, ordering: .relaxed)
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    let statistics = try consolidate(shards, into: directory)
    let elapsed = (ContinuousClock.now - start).components
    return Summary(
      samples: samples, solvedNow: pending.reduce(0) { $0 + $1.samples.count },
      seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18,
      matvecs: matvecs.load(ordering: .relaxed), meanIterations: Double(statistics.iterations.reduce(0, +)) / Double(samples),
      maxRelativeResidual: statistics.residuals.max() ?? 0)
  }

  /// Options of the iterative solvers: the tolerance, GMRES(40) as in the SKR comparison.
  private var iterativeOptions: SolverOptions { SolverOptions(rtol: rtol, restart: 40, recordHistory: false) }

  /// Solves one shard (with `recycler` carrying its subspace from the previous system, when
  /// recycling) and writes it; returns the matvecs used. `finished()` is called after each
  /// sample.
  private func solve(_ shard: Shard, recycler: Recycler?, finished: () -> Void) throws -> Int {
    let s = problem.resolution
    var coefficients = [Double](), solutions = [Double]()
    var statistics = ShardStatistics(indices: shard.samples, iterations: [], residuals: [])
    var matvecs = 0
    for i in shard.samples {
      let a = problem.coefficient(index: i, seed: seed)
      let system = try problem.system(coefficient: a)
      let matrix = system.matrix
      let (solution, report, residual): ([Double], SolveReport?, Double)
      switch solver {
      case .recycling, .recycledCG:
        var x = [Double](repeating: 0, count: matrix.rowCount)
        let m = try SystemSolver.makePreconditioner(preconditioner, matrix, system.layout)
        let r: SolveReport
        switch recycler! {
        case .gcrodr(let solver): r = try solver.solve(matrix, system.rightHandSide, &x, preconditioner: m)
        case .conjugateGradient(let solver): r = try solver.solve(matrix, system.rightHandSide, &x, preconditioner: m)
        }
        (solution, report, residual) = (x, r, try SystemSolver.trueRelativeResidual(matrix, x, system.rightHandSide))
      case .independent(let method):
        let result = try SystemSolver.solve(
          matrix, rightHandSide: system.rightHandSide, method: method, options: iterativeOptions, layout: system.layout,
          preconditioner: preconditioner)
        (solution, report, residual) = (result.solution, result.report, result.relativeResidual)
      }
      guard report?.converged ?? true, residual <= Swift.max(rtol, 1e-10) * 1.01 else {
        throw DatasetError.solveFailed(sample: i, message: "\(solver.name) reached relative residual \(residual) (rtol \(rtol))")
      }
      coefficients += a
      solutions += problem.fullField(unknowns: solution)
      statistics.iterations.append(report?.iterations ?? 0)
      statistics.residuals.append(residual)
      matvecs += report?.matvecs ?? 0
      finished()
    }
    let shape = [shard.samples.count, s, s]
    try NumpyArray(shape: shape, values: coefficients, dtype: .float32).write(to: shard.coefficientPath)
    try NumpyArray(shape: shape, values: solutions, dtype: .float32).write(to: shard.solutionPath)
    // Written last: its presence marks the shard complete.
    try writeJSON(statistics, to: shard.statisticsPath)
    return matvecs
  }

  /// Joins the shards, in sample order, into the dataset files; returns all statistics.
  private func consolidate(_ shards: [Shard], into directory: String) throws -> ShardStatistics {
    // Rows go to their sample's place, whatever order the shards were solved in.
    let s = problem.resolution, points = s * s
    var coefficients = [Double](repeating: 0, count: samples * points), solutions = coefficients
    var iterations = [Int](repeating: 0, count: samples), residuals = [Double](repeating: 0, count: samples)
    for shard in shards {
      let a = try NumpyArray(contentsOf: shard.coefficientPath).values, u = try NumpyArray(contentsOf: shard.solutionPath).values
      let statistics: ShardStatistics = try readJSON(shard.statisticsPath)
      for (row, i) in shard.samples.enumerated() {
        coefficients.replaceSubrange((i * points)..<((i + 1) * points), with: a[(row * points)..<((row + 1) * points)])
        solutions.replaceSubrange((i * points)..<((i + 1) * points), with: u[(row * points)..<((row + 1) * points)])
        iterations[i] = statistics.iterations[row]
        residuals[i] = statistics.residuals[row]
      }
    }
    try NumpyArray(shape: [samples, s, s], values: coefficients, dtype: .float32).write(
      to: (directory as NSString).appendingPathComponent("coeff.npy"))
    try NumpyArray(shape: [samples, s, s], values: solutions, dtype: .float32).write(
      to: (directory as NSString).appendingPathComponent("sol.npy"))
    let all = ShardStatistics(indices: Array(0..<samples), iterations: iterations, residuals: residuals)
    let meta = DatasetMetadata(
      family: "darcy", boundary: problem.boundary.rawValue, resolution: s, samples: samples, seed: seed, solver: solver.name, rtol: rtol,
      alpha: problem.field.alpha,
      tau: problem.field.tau, coefficientValues: [3, 12], iterations: all.iterations, relativeResiduals: all.residuals)
    try writeJSON(meta, to: (directory as NSString).appendingPathComponent("meta.json"))
    return all
  }
}

/// How a dataset's systems are solved.
public enum DatasetSolver: Hashable, Sendable {
  /// Every sample on its own with a method of ``SystemSolver``.
  case independent(SolveMethod)
  /// Sorting Krylov Recycling: samples ordered along a nearest-neighbour chain of their
  /// coefficient fields and solved in that order by GCRO-DR(40, 20), each solve starting from
  /// the subspace the previous one left.
  case recycling
  /// Recycled (deflated) PCG along the same chain: the SPD counterpart of SKR
  /// (``RecycledConjugateGradient``, k = 10 vectors renewed from the last 20 directions).
  case recycledCG

  /// The command-line name (`skr`, `rcg` or a ``SolveMethod`` raw value).
  public var name: String {
    switch self {
    case .independent(let method): method.rawValue
    case .recycling: "skr"
    case .recycledCG: "rcg"
    }
  }

  /// Whether the solver carries a subspace from one system to the next (and so solves the
  /// samples along the nearest-neighbour chain).
  public var recycles: Bool { self == .recycling || self == .recycledCG }

  /// The fastest independent solver for a Darcy family according to the generation benchmark
  /// (`opkit bench --suite generation --samples 100`: Darcy 64² and 128², rtol 1e-8 on two
  /// cores): multigrid PCG (2.3× and 7.3× faster than GMRES(40)+IC(0), 1.3× and 2.0× faster
  /// than CHOLMOD reusing its analysis, 1.4× and 2.9× faster than IC(0)-PCG; SKR 0.50× and
  /// 0.63× of GMRES), and CHOLMOD for the periodic cell problem, which has no geometric
  /// multigrid hierarchy.
  public static func automatic(for boundary: DarcyBoundary) -> DatasetSolver {
    .independent(boundary == .periodic ? .cholmod : .pcgMultigrid)
  }

  /// The solver named `name`, or nil.
  public init?(name: String) {
    if name == "skr" {
      self = .recycling
    } else if name == "rcg" {
      self = .recycledCG
    } else if let method = SolveMethod(rawValue: name), method != .dcdm {
      self = .independent(method)
    } else {
      return nil
    }
  }

  /// Whether the solver takes the generator's preconditioner (GMRES and the recycling solvers).
  public var usesPreconditioner: Bool { recycles || self == .independent(.gmres) }

  /// Every solver, by name.
  public static var all: [DatasetSolver] { SolveMethod.standalone.map { .independent($0) } + [.recycling, .recycledCG] }
}

/// A worker's recycling solver, which keeps its subspace from one sample to the next.
enum Recycler {
  case gcrodr(GCRODR)
  case conjugateGradient(RecycledConjugateGradient)
}

/// The dataset's `meta.json`.
public struct DatasetMetadata: Codable, Sendable, Equatable {
  /// Problem family (`"darcy"`).
  public var family: String
  /// The boundary conditions (a ``DarcyBoundary`` raw value).
  public var boundary: String
  /// Grid points per side `s`.
  public var resolution: Int
  /// Number of samples `N`.
  public var samples: Int
  /// The dataset seed.
  public var seed: UInt64
  /// The solver's method name.
  public var solver: String
  /// The relative tolerance.
  public var rtol: Double
  /// The field's smoothness `α`.
  public var alpha: Double
  /// The field's inverse length scale `τ`.
  public var tau: Double
  /// The values the thresholded coefficient takes.
  public var coefficientValues: [Double]
  /// Iterations per sample (0 for direct solves).
  public var iterations: [Int]
  /// True relative residual per sample.
  public var relativeResiduals: [Double]

  enum CodingKeys: String, CodingKey {
    case family, boundary, resolution, samples, seed, solver, rtol, alpha, tau, iterations
    case coefficientValues = "coefficient_values", relativeResiduals = "relative_residuals"
  }
}

/// Per-sample statistics of one shard, with the samples it holds (in solve order).
struct ShardStatistics: Codable {
  var indices: [Int]
  var iterations: [Int]
  var residuals: [Double]
}

/// Samples stored together: consecutive indices, or a run of the recycling chain.
struct Shard {
  let index: Int
  let samples: [Int]
  let directory: String

  private func path(_ kind: String, _ ext: String) -> String {
    (directory as NSString).appendingPathComponent(String(format: "%@-%05d.%@", kind, index, ext))
  }
  var coefficientPath: String { path("coeff", "npy") }
  var solutionPath: String { path("sol", "npy") }
  var statisticsPath: String { path("stats", "json") }

  /// Whether an earlier run finished this shard: statistics for the same samples present,
  /// arrays of the right shape.
  func isComplete(resolution s: Int) -> Bool {
    guard let statistics: ShardStatistics = try? readJSON(statisticsPath), statistics.indices == samples,
      let a = try? NumpyArray(contentsOf: coefficientPath), let u = try? NumpyArray(contentsOf: solutionPath)
    else { return false }
    return a.shape == [samples.count, s, s] && u.shape == a.shape
  }
}

/// Writes `value` as pretty JSON, atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  do { try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
    throw DatasetError.io(path: path, message: "cannot write: \(error.localizedDescription)")
  }
}

/// Reads JSON written by ``writeJSON(_:to:)``.
func readJSON<T: Decodable>(_ path: String) throws -> T {
  guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError.io(path: path, message: "cannot read") }
  do { return try JSONDecoder().decode(T.self, from: data) } catch {
    throw DatasetError.io(path: path, message: "malformed: \(error.localizedDescription)")
  }
}
