import Datasets
import Distributed
import Foundation
import Krylov
import Parallelism
import Sparse
import Tensors

/// Generates a ``DatasetDirectory`` for any ``SampledSystemFamily``: the parameter fields as
/// inputs (`(N, s, s)` float32), the solutions on the grid as outputs (`(N, s, s)` float32, or
/// complex64 for complex families; `(N, s, s, s)` for 3D families, `(N, K, s, s)` for `K`
/// components) and the ``DatasetMetadata`` (parameters and per-sample solver statistics).
///
/// Sample `i` depends only on `(seed, i)`, so the dataset is the same whatever the solve order,
/// the shard size or the number of workers (solutions agree to the solver tolerance; for a
/// given shard size the bytes are the same for any number of workers and MPI ranks). Work is
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
    guard problem.hasShiftedLaplacian || preconditioner != .shiftedLaplacian || !solver.usesPreconditioner else {
      throw DatasetError.invalidParameter(
        "these \(family) systems carry no shifted Laplacian (it is built for helmholtz on the open square or cube); use another preconditioner"
      )
    }
    let needsMultigrid = solver == .independent(.pcgMultigrid) || (preconditioner == .multigrid && solver.usesPreconditioner)
    guard problem.hasGridLayout || !needsMultigrid else {
      throw DatasetError.invalidParameter(
        "these \(family) systems have no geometric multigrid hierarchy (periodic or complex unknowns); use another solver or preconditioner"
      )
    }
    // The joined dataset is assembled in memory (inputs and outputs as doubles), beside one
    // system and its solver (a few hundred bytes per unknown at least).
    do {
      try MemoryBudget.require(
        [
          [samples, MemoryLayout<Double>.size] + problem.fieldShape,
          [samples, MemoryLayout<Double>.size, problem.solutionIsComplex ? 2 : 1] + problem.solutionShape, [problem.unknowns, 200],
        ], what: "\(samples) samples of this \(family) family")
    } catch let error as MemoryBudgetError { throw DatasetError.invalidParameter(error.description) }
    (self.problem, self.samples, self.seed, self.shardSize) = (problem, samples, seed, shardSize)
    (self.solver, self.preconditioner, self.rtol) = (solver, preconditioner, rtol)
  }

  /// What a finished run reports.
  public struct Summary: Sendable, Codable {
    /// Samples in the dataset.
    public var samples: Int
    /// Samples solved by this run (the rest came from earlier, interrupted runs).
    public var solvedNow: Int
    /// Wall-clock seconds of this run.
    public var seconds: Double
    /// The MPI ranks that shared the work (1 without `mpirun`).
    public var ranks: Int
    /// Samples each rank produced in this run, in rank order.
    public var samplesPerRank: [Int]
    /// Operator applications of the iterative solves of this run.
    public var matvecs: Int
    /// Mean iterations per sample over the dataset.
    public var meanIterations: Double
    /// Largest true relative residual over the dataset.
    public var maxRelativeResidual: Double
  }

  /// Generates (or completes) the dataset in `directory` (``ShardedGeneration``: resumable,
  /// sharded, atomic). Recycling solvers walk the samples along a greedy nearest-neighbour chain
  /// of their parameter fields, each shard its run of the chain with a fresh solver. Over a
  /// `communicator` of several ranks each rank solves its block of shards and rank 0 writes
  /// the dataset (the same bytes as one rank's). Shards of a directory generated with other
  /// parameters are refused (``GenerationRequestError``) unless `replacing`, which removes them.
  /// - Parameter progress: called with (samples done, total) of this rank's block as samples
  ///   finish, from worker threads; must be thread-safe.
  /// - Throws: ``DatasetError`` for a sample whose solve fails, ``DatasetFileError`` for
  ///   unusable files.
  public func generate(
    in directory: String, communicator: Communicator = .single, replacing: Bool = false,
    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
  ) throws -> Summary {
    let start = ContinuousClock.now
    let layout = DatasetDirectory(directory)
    let order =
      solver.recycles
      ? SampleOrdering.greedyNearestNeighbour((0..<samples).map { problem.coefficient(index: $0, seed: seed) }) : Array(0..<samples)
    let generation = ShardedGeneration(
      samples: samples, shardSize: shardSize, inputShape: problem.fieldShape, outputShape: problem.solutionShape,
      outputType: problem.solutionIsComplex ? .complex64 : .float32, order: order)
    var meta = DatasetMetadata(family: Family.family, samples: samples, seed: seed)
    (meta.resolution, meta.spacing) = (problem.resolution, problem.spacing)
    meta.solver = solver.recordedName
    meta.preconditioner = solver.usesPreconditioner ? preconditioner.recordedName : nil
    meta.rtol = rtol
    problem.describe(&meta)
    let outcome = try generation.run(
      in: layout, request: meta, replacing: replacing, communicator: communicator,
      makeState: { solver.makeRecycler(size: problem.unknowns, options: iterativeOptions) },
      produce: { i, recycler in try solve(sample: i, recycler: recycler) }, progress: progress)
    (meta.iterations, meta.relativeResiduals) = (outcome.iterations, outcome.residuals)
    if communicator.isRoot { try generation.write(outcome, metadata: meta, to: layout) }
    return Summary(
      samples: samples, solvedNow: outcome.producedNow, seconds: (ContinuousClock.now - start) / .seconds(1), ranks: communicator.size,
      samplesPerRank: outcome.producedPerRank, matvecs: outcome.matvecs,
      meanIterations: Double(outcome.iterations.reduce(0, +)) / Double(samples),
      maxRelativeResidual: outcome.residuals.max() ?? 0)
  }

  /// Options of the iterative solvers: the tolerance, GMRES(40) as in the SKR comparison.
  private var iterativeOptions: SolverOptions { SolverOptions(rtol: rtol, restart: 40, recordHistory: false) }

  /// Solves sample `i` (with `recycler` carrying its subspace from the previous system, when
  /// recycling), checking the true residual against the tolerance.
  private func solve(sample i: Int, recycler: (any RecyclingSolver)?) throws -> GeneratedSample {
    let a = problem.coefficient(index: i, seed: seed)
    let system = try problem.system(coefficient: a)
    let matrix = system.matrix
    let (solution, report, residual): ([Double], SolveReport?, Double)
    switch solver {
    case .recycling, .recycledCG:
      var x = [Double](repeating: 0, count: matrix.rowCount)
      let m = try SystemSolver.makePreconditioner(preconditioner, matrix, system.layout, shiftedLaplacian: system.shiftedLaplacian)
      let r = try recycler!.solve(matrix, system.rightHandSide, &x, preconditioner: m, monitor: nil)
      (solution, report, residual) = (x, r, try SystemSolver.trueRelativeResidual(matrix, x, system.rightHandSide))
    case .independent(let method):
      let result = try SystemSolver.solve(
        matrix, rightHandSide: system.rightHandSide, method: method, options: iterativeOptions, layout: system.layout,
        preconditioner: preconditioner, shiftedLaplacian: system.shiftedLaplacian)
      (solution, report, residual) = (result.solution, result.report, result.relativeResidual)
    }
    guard report?.converged ?? true, residual <= Swift.max(rtol, 1e-10) * 1.01 else {
      throw DatasetError.solveFailed(sample: i, message: "\(solver.name) reached relative residual \(residual) (rtol \(rtol))")
    }
    return GeneratedSample(
      input: a, output: problem.solutionField(unknowns: solution, index: i, seed: seed), iterations: report?.iterations ?? 0,
      residual: residual, matvecs: report?.matvecs ?? 0)
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

extension PreconditionerKind {
  /// The name `meta.json` records.
  public var recordedName: PreconditionerName {
    switch self {
    case .none: .none
    case .jacobi: .jacobi
    case .ic: .ic
    case .ilu: .ilu
    case .multigrid: .multigrid
    case .shiftedLaplacian: .shiftedLaplacian
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
