import Datasets
import Distributed
import Foundation
import Tensors

/// A time-dependent problem family: random initial conditions addressed by `(seed, index)`,
/// evolved by a time stepper and recorded at ``snapshotTimes``.
public protocol TimeDependentFamily: Sendable {
  /// The family `meta.json` records.
  static var family: DatasetFamily { get }
  /// The solver `meta.json` records.
  static var solverName: SolverName { get }
  /// The shape of a stored field, `[s]` or `[s, s]`.
  var storedShape: [Int] { get }
  /// The times of the stored snapshots.
  var snapshotTimes: [Double] { get }
  /// Time steps per sample.
  var stepsPerSample: Int { get }
  /// The initial condition of sample `index` under `seed` on the solver grid; depends on nothing else.
  func initialCondition(index: Int, seed: UInt64) -> [Double]
  /// A solver-grid field subsampled to the stored grid.
  func stored(_ field: [Double]) -> [Double]
  /// The solver-grid snapshots of the trajectory from `initial`.
  /// - Throws: ``DatasetError/solveFailed(sample:message:)`` when the stepper blows up.
  func solve(_ initial: [Double], sample: Int) throws -> [[Double]]
  /// Records the family's parameters in the dataset's metadata.
  func describe(_ metadata: inout DatasetMetadata)
}

/// Generates a trajectory ``DatasetDirectory`` for any ``TimeDependentFamily`` through the same
/// resumable, sharded, atomic generation as the steady families (``ShardedGeneration``): the
/// initial conditions as inputs (`(N, s)` or `(N, s, s)` float32) and the recorded trajectories
/// as outputs (`(N, T, s)` or `(N, T, s, s)` float32, time on the second axis), `meta.json` with
/// the snapshot times. Sample `i` depends only on `(seed, i)`.
public struct TrajectoryDatasetGenerator<Family: TimeDependentFamily>: Sendable {
  /// The problem family.
  public let problem: Family
  /// Number of samples `N ≥ 1`.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64
  /// Samples per shard.
  public let shardSize: Int

  /// A generator of `samples` samples of `problem`.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for `samples < 1` or `shardSize < 1`.
  public init(problem: Family, samples: Int, seed: UInt64, shardSize: Int = 10) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    guard shardSize >= 1 else { throw DatasetError.invalidParameter("shard size must be at least 1") }
    // The joined dataset is assembled in memory (inputs and every snapshot, as doubles).
    try requireMemory(
      fields: 1 + problem.snapshotTimes.count, of: [samples] + problem.storedShape, what: "\(samples) samples of this family")
    (self.problem, self.samples, self.seed, self.shardSize) = (problem, samples, seed, shardSize)
  }

  /// What a finished run reports.
  public struct Summary: Sendable, Codable {
    /// Samples in the dataset.
    public var samples: Int
    /// Samples produced by this run (the rest came from earlier, interrupted runs).
    public var solvedNow: Int
    /// Wall-clock seconds of this run.
    public var seconds: Double
    /// The MPI ranks that shared the work (1 without `mpirun`).
    public var ranks: Int
    /// Samples each rank produced in this run, in rank order.
    public var samplesPerRank: [Int]
    /// Time steps per sample.
    public var stepsPerSample: Int
  }

  /// Generates (or completes) the dataset in `directory`, over a `communicator` of several ranks
  /// each rank its block of shards, rank 0 writing the dataset; `progress(done, total)` (this
  /// rank's block) is called from worker threads. Shards of a directory generated with other
  /// parameters are refused (``GenerationRequestError``) unless `replacing`, which removes them.
  /// - Throws: ``DatasetError`` for a sample whose stepper fails, ``DatasetFileError`` for files.
  public func generate(
    in directory: String, communicator: Communicator = .single, replacing: Bool = false,
    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
  ) throws -> Summary {
    let start = ContinuousClock.now
    let layout = DatasetDirectory(directory)
    let times = problem.snapshotTimes
    let generation = ShardedGeneration(
      samples: samples, shardSize: shardSize, inputShape: problem.storedShape, outputShape: [times.count] + problem.storedShape,
      outputType: .float32, order: Array(0..<samples))
    var meta = DatasetMetadata(family: Family.family, samples: samples, seed: seed)
    (meta.resolution, meta.spacing, meta.boundary, meta.solver) = (problem.storedShape[0], 1 / Double(problem.storedShape[0]), .periodic, Family.solverName)
    (meta.times, meta.dimension) = (times, problem.storedShape.count)
    problem.describe(&meta)
    let outcome = try generation.run(
      in: layout, request: meta, replacing: replacing, communicator: communicator, makeState: {},
      produce: { i, _ in
        let initial = problem.initialCondition(index: i, seed: seed)
        let trajectory = try problem.solve(initial, sample: i)
        return GeneratedSample(
          input: problem.stored(initial), output: trajectory.flatMap(problem.stored), iterations: problem.stepsPerSample, residual: 0,
          matvecs: 0)
      }, progress: progress)
    if communicator.isRoot { try generation.write(outcome, metadata: meta, to: layout) }
    return Summary(
      samples: samples, solvedNow: outcome.producedNow, seconds: (ContinuousClock.now - start) / .seconds(1), ranks: communicator.size,
      samplesPerRank: outcome.producedPerRank,
      stepsPerSample: problem.stepsPerSample)
  }
}

extension BurgersProblem: TimeDependentFamily {
  public static let family = DatasetFamily.burgers
  public static let solverName = SolverName.spectralETDRK4
  public var storedShape: [Int] { [resolution] }
  public var snapshotTimes: [Double] { (1...record).map { time * Double($0) / Double(record) } }
  public var stepsPerSample: Int { Int((time / timeStep).rounded()) }
  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.solverResolution = solverResolution
    (metadata.alpha, metadata.tau) = (field.alpha, field.tau)
    metadata.parameters = ["viscosity": viscosity, "time": time, "time_step": timeStep, "sigma": field.sigma]
    metadata.coefficient = "float32 u0 (N, s) on x_j = j/s, u0 ~ N(0, 625(−Δ + 25 I)^−2)"
    metadata.solution = "float32 u (N, T, s): u_t + (u²/2)_x = ν u_xx at the snapshot times"
  }
}

extension NavierStokesProblem: TimeDependentFamily {
  public static let family = DatasetFamily.navierStokes
  public static let solverName = SolverName.spectralCrankNicolson
  public var storedShape: [Int] { [resolution, resolution] }
  public var snapshotTimes: [Double] { (1...snapshotCount).map { recordEvery * Double($0) } }
  public var stepsPerSample: Int { Int((time / timeStep).rounded()) }
  public func describe(_ metadata: inout DatasetMetadata) {
    metadata.solverResolution = solverResolution
    (metadata.alpha, metadata.tau) = (field.alpha, field.tau)
    metadata.parameters = ["viscosity": viscosity, "time": time, "time_step": timeStep, "record_every": recordEvery, "sigma": field.sigma]
    metadata.coefficient = "float32 w0 (N, s, s) on (i/s, j/s), w0 ~ N(0, 7^(3/2)(−Δ + 49 I)^−2.5)"
    metadata.solution =
      "float32 w (N, T, s, s): w_t + u·∇w = νΔw + f, f = " + (forced ? "0.1(sin 2π(x+y) + cos 2π(x+y))" : "0") + ", at the snapshot times"
  }
}
