import Datasets
import Foundation
import Krylov
import Parallelism
import Sparse
import Synchronization
import Tensors

/// Generates a ``DatasetDirectory`` for any ``SampledSystemFamily``: the parameter fields as
/// inputs (`(N, s, s)` float32), the solutions on the grid as outputs (`(N, s, s)` float32, or
/// complex64 for complex families; `(N, s, s, s)` for 3D families, `(N, K, s, s)` for `K`
/// components) and the ``DatasetMetadata`` (parameters and per-sample solver statistics).
///
/// Sample `i` depends only on `(seed, i)`, so the dataset is the same whatever the solve order,
/// the shard size or the number of workers (solutions agree to the solver tolerance). Work is
/// split into shards of consecutive samples, solved on all cores; each shard is written
/// atomically under `shards/`, its statistics file last, so a killed run leaves only complete
/// shards and the same command resumes without recomputing them. Every solution's true relative
/// residual is checked against the tolerance.
public struct SystemDatasetGenerator<Family: SampledSystemFamily>: Sendable {
  /// The problem family.
  public let problem: Family
  /// Number of samples `N ≥ 1`.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64
  /// The linear solver.
  public let solver: DatasetSolver
  /// The preconditioner of GMRES and of the recycling solvers.
  public let preconditioner: PreconditionerKind
  /// Relative tolerance for iterative solvers (and the accepted residual of direct ones).
  public let rtol: Double
  /// Samples per shard.
  public let shardSize: Int

  /// A generator of `samples` samples of `problem`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for `samples < 1`, a bad tolerance or
  ///   shard size, or a solver or preconditioner the family's systems do not admit (CG,
  ///   CHOLMOD and IC(0) need SPD systems, multigrid a structured grid).
  public init(
    problem: Family, samples: Int, seed: UInt64, solver: DatasetSolver, preconditioner: PreconditionerKind, rtol: Double = 1e-8,
    shardSize: Int = 50
  ) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    guard rtol > 0, rtol < 1 else { throw DatasetError.invalidParameter("rtol must be in (0, 1), got \(rtol)") }
    guard shardSize >= 1 else { throw DatasetError.invalidParameter("shard size must be at least 1") }
    let family = Family.family.rawValue
    if !problem.isSymmetricPositiveDefinite {
      guard !solver.needsSymmetricPositiveDefinite else {
        throw DatasetError.invalidParameter(
          "\(family) systems are not symmetric positive definite; solver \(solver.name) needs them (use gmres, skr or umfpack)")
      }
      guard !(solver.usesPreconditioner && preconditioner == .ic) else {
        throw DatasetError.invalidParameter(
          "\(family) systems are not symmetric positive definite; IC(0) needs them (use the ILU(0) or Jacobi preconditioner)")
      }
    }
    let needsMultigrid = solver == .independent(.pcgMultigrid) || (preconditioner == .multigrid && solver.usesPreconditioner)
    guard problem.hasGridLayout || !needsMultigrid else {
      throw DatasetError.invalidParameter(
        "these \(family) systems have no geometric multigrid hierarchy (periodic or complex unknowns); use another solver or preconditioner"
      )
    }
    self.problem = problem
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
    let layout = DatasetDirectory(directory)
    try layout.create(shards: true)
    // Shards are runs of consecutive samples — in index order, or along the nearest-neighbour
    // chain when recycling, so that each shard's systems follow one another closely.
    let order =
      solver.recycles
      ? SampleOrdering.greedyNearestNeighbour((0..<samples).map { problem.coefficient(index: $0, seed: seed) }) : Array(0..<samples)
    let shards = stride(from: 0, to: samples, by: shardSize).enumerated().map { k, start in
      Shard(samples: Array(order[start..<min(samples, start + shardSize)]), files: layout.shard(k))
    }
    let pending = shards.filter {
      !$0.isComplete(inputShape: problem.fieldShape, outputShape: problem.solutionShape, complex: problem.solutionIsComplex)
    }
    let done = Atomic<Int>(samples - pending.reduce(0) { $0 + $1.samples.count })
    let matvecs = Atomic<Int>(0)
    let next = Atomic<Int>(0)
    let failure = Mutex<Error?>(nil)
    progress(done.load(ordering: .relaxed), samples)
    let workers = max(1, min(Parallel.availableWorkers, pending.count))
    func work(_ worker: Int) {
      // Recycling: each worker walks its own contiguous part of the chain with one solver, so
      // the recycled subspace follows the chain; otherwise shards are handed out as they come.
      let recycler = solver.makeRecycler(size: problem.unknowns, options: iterativeOptions)
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
    // Parallel over shards; every solve runs on its worker alone, so a sample's bits do not
    // depend on how many shards were pending.
    Parallel.forEach(count: workers) { worker in Parallel.serially { work(worker) } }
    if let error = failure.withLock({ $0 }) { throw error }
    let statistics = try consolidate(shards, into: layout)
    let elapsed = (ContinuousClock.now - start).components
    return Summary(
      samples: samples, solvedNow: pending.reduce(0) { $0 + $1.samples.count },
      seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18,
      matvecs: matvecs.load(ordering: .relaxed), meanIterations: Double(statistics.iterations.reduce(0, +)) / Double(samples),
      maxRelativeResidual: statistics.residuals.max() ?? 0)
  }

  /// `float32`, or `complex64` for complex families.
  private var solutionType: NumpyDType { problem.solutionIsComplex ? .complex64 : .float32 }

  /// Options of the iterative solvers: the tolerance, GMRES(40) as in the SKR comparison.
  private var iterativeOptions: SolverOptions { SolverOptions(rtol: rtol, restart: 40, recordHistory: false) }

  /// Solves one shard (with `recycler` carrying its subspace from the previous system, when
  /// recycling) and writes it; returns the matvecs used. `finished()` is called after each
  /// sample.
  private func solve(_ shard: Shard, recycler: (any RecyclingSolver)?, finished: () -> Void) throws -> Int {
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
        let r = try recycler!.solve(matrix, system.rightHandSide, &x, preconditioner: m, monitor: nil)
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
      solutions += problem.solutionField(unknowns: solution, index: i, seed: seed)
      statistics.iterations.append(report?.iterations ?? 0)
      statistics.residuals.append(residual)
      matvecs += report?.matvecs ?? 0
      finished()
    }
    let count = shard.samples.count
    try NumpyArray(shape: [count] + problem.fieldShape, values: coefficients, dtype: .float32).write(to: shard.files.inputs)
    try NumpyArray(shape: [count] + problem.solutionShape, values: solutions, dtype: solutionType).write(to: shard.files.outputs)
    // Written last: its presence marks the shard complete.
    try writeJSON(statistics, to: shard.files.statistics)
    return matvecs
  }

  /// Joins the shards, in sample order, into the dataset files; returns all statistics.
  private func consolidate(_ shards: [Shard], into layout: DatasetDirectory) throws -> ShardStatistics {
    // Rows go to their sample's place, whatever order the shards were solved in.
    let points = problem.fieldShape.reduce(1, *), values = problem.solutionShape.reduce(1, *) * solutionType.components
    var coefficients = [Double](repeating: 0, count: samples * points)
    var solutions = [Double](repeating: 0, count: samples * values)
    var iterations = [Int](repeating: 0, count: samples), residuals = [Double](repeating: 0, count: samples)
    for shard in shards {
      let a = try NumpyArray(contentsOf: shard.files.inputs).values, u = try NumpyArray(contentsOf: shard.files.outputs).values
      let statistics: ShardStatistics = try readJSON(shard.files.statistics)
      for (row, i) in shard.samples.enumerated() {
        coefficients.replaceSubrange((i * points)..<((i + 1) * points), with: a[(row * points)..<((row + 1) * points)])
        solutions.replaceSubrange((i * values)..<((i + 1) * values), with: u[(row * values)..<((row + 1) * values)])
        iterations[i] = statistics.iterations[row]
        residuals[i] = statistics.residuals[row]
      }
    }
    let all = ShardStatistics(indices: Array(0..<samples), iterations: iterations, residuals: residuals)
    var meta = DatasetMetadata(family: Family.family, samples: samples, seed: seed)
    meta.resolution = problem.resolution
    meta.spacing = problem.spacing
    meta.solver = solver.recordedName
    meta.preconditioner = solver.usesPreconditioner ? preconditioner.recordedName : nil
    (meta.rtol, meta.iterations, meta.relativeResiduals) = (rtol, all.iterations, all.residuals)
    problem.describe(&meta)
    try layout.write(
      inputs: NumpyArray(shape: [samples] + problem.fieldShape, values: coefficients, dtype: .float32),
      outputs: NumpyArray(shape: [samples] + problem.solutionShape, values: solutions, dtype: solutionType), metadata: meta)
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

  /// The name `meta.json` records.
  public var recordedName: SolverName {
    switch self {
    case .recycling: .skr
    case .recycledCG: .rcg
    case .independent(let method):
      switch method {
      case .cholmod: .cholmod
      case .umfpack: .umfpack
      case .cg: .cg
      case .pcgJacobi: .pcgJacobi
      case .pcgIC: .pcgIC
      case .pcgMultigrid: .pcgMultigrid
      case .gmres: .gmres
      }
    }
  }

  /// Whether the solver carries a subspace from one system to the next (and so solves the
  /// samples along the nearest-neighbour chain).
  public var recycles: Bool { self == .recycling || self == .recycledCG }

  /// The solver named `name`, or nil.
  public init?(name: String) {
    if name == "skr" {
      self = .recycling
    } else if name == "rcg" {
      self = .recycledCG
    } else if let method = SolveMethod(rawValue: name) {
      self = .independent(method)
    } else {
      return nil
    }
  }

  /// Whether the solver only works on symmetric positive definite systems (CG and its
  /// variants, CHOLMOD).
  public var needsSymmetricPositiveDefinite: Bool {
    switch self {
    case .recycling: false
    case .recycledCG: true
    case .independent(let method): ![.gmres, .umfpack].contains(method)
    }
  }

  /// Whether the solver takes the generator's preconditioner (GMRES and the recycling solvers).
  public var usesPreconditioner: Bool { recycles || self == .independent(.gmres) }

  /// Every solver, by name.
  public static var all: [DatasetSolver] { SolveMethod.allCases.map { .independent($0) } + [.recycling, .recycledCG] }
}

extension DatasetSolver {
  /// A new recycling solver of this kind (GCRO-DR(m, 20) for SKR, recycled CG with 10 vectors
  /// renewed from the last 20 directions for rcg), or nil for independent solves. Each generator
  /// worker keeps one along its part of the chain.
  func makeRecycler(size: Int, options: SolverOptions) -> (any RecyclingSolver)? {
    switch self {
    case .recycling: GCRODR(size: size, options: options, recycleDimension: 20)
    case .recycledCG: RecycledConjugateGradient(size: size, options: options)
    case .independent: nil
    }
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
  let samples: [Int]
  /// Its files under the dataset's `shards/` (``DatasetDirectory/shard(_:)``).
  let files: (inputs: String, outputs: String, statistics: String)

  /// Whether an earlier run finished this shard: statistics for the same samples present,
  /// arrays of the right shape and type.
  func isComplete(inputShape: [Int], outputShape: [Int], complex: Bool) -> Bool {
    guard let statistics: ShardStatistics = try? readJSON(files.statistics), statistics.indices == samples,
      let a = try? NumpyArray(contentsOf: files.inputs), let u = try? NumpyArray(contentsOf: files.outputs)
    else { return false }
    return a.shape == [samples.count] + inputShape && u.shape == [samples.count] + outputShape && (u.dtype == .complex64) == complex
  }
}

extension PreconditionerKind {
  /// The name `meta.json` records.
  public var recordedName: PreconditionerName {
    switch self {
    case .none: .none
    case .jacobi: .jacobi
    case .ic: .ic
    case .ilu: .ilu
    case .multigrid: .multigrid
    }
  }
}

/// The Darcy benchmark's generator.
public typealias DarcyDatasetGenerator = SystemDatasetGenerator<DarcyProblem>

extension SystemDatasetGenerator where Family == DarcyProblem {
  /// A Darcy generator at `resolution` with `boundary`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a bad resolution or any reason of
  ///   ``init(problem:samples:seed:solver:preconditioner:rtol:shardSize:)``.
  public init(
    resolution: Int, boundary: DarcyBoundary = .dirichlet, samples: Int, seed: UInt64,
    solver: DatasetSolver = .independent(.pcgMultigrid), preconditioner: PreconditionerKind = .ic, rtol: Double = 1e-8,
    shardSize: Int = 50
  ) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    try self.init(
      problem: DarcyProblem(resolution: resolution, boundary: boundary), samples: samples, seed: seed, solver: solver,
      preconditioner: preconditioner, rtol: rtol, shardSize: shardSize)
  }
}
