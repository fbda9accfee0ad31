import Datasets
import Distributed
import Foundation
import Parallelism
import Synchronization
import Tensors

/// One generated sample: its input and output fields (`Double`, complex outputs interleaved)
/// and what producing it took.
struct GeneratedSample {
  var input: [Double]
  var output: [Double]
  /// Solver iterations or time steps (0 for a direct solve).
  var iterations: Int
  /// The true relative residual of a solve (0 where there is none).
  var residual: Double
  /// Operator applications.
  var matvecs: Int
}

/// The resumable, sharded, atomic, seed-addressed generation every dataset family goes
/// through: samples grouped into shards (consecutive in `order`), shards produced on all cores
/// and each written atomically under `shards/` (its statistics file last, marking it complete),
/// so a killed run leaves only complete shards and the same call resumes without recomputing
/// them; finished shards are joined in sample order. Every sample runs on its worker alone
/// (``Parallel/serially(_:)``), and every shard starts from a fresh state (a recycling solver
/// builds its subspace anew along the shard's run of the chain), so a sample's bits depend on
/// neither the worker, nor the rank, nor the run that produced its shard.
///
/// Across MPI ranks (``Communicator``) each rank produces the pending shards of its contiguous
/// block of shards into the shared directory; after a barrier every rank joins all shards and
/// rank 0 alone writes the dataset — byte for byte the one a single process writes. A killed
/// rank loses only the shard it was writing.
struct ShardedGeneration {
  /// Samples in the dataset.
  let samples: Int
  /// Samples per shard.
  let shardSize: Int
  /// The shape of one input and one output (without the sample axis).
  let inputShape: [Int], outputShape: [Int]
  /// The outputs' file type (float32 or complex64).
  let outputType: NumpyDType
  /// The order samples are grouped into shards: index order, or a chain of related samples.
  let order: [Int]

  /// What a run produced.
  struct Outcome {
    /// Samples produced by this run (the rest came from earlier runs).
    var producedNow: Int
    /// Operator applications of this run.
    var matvecs: Int
    /// Inputs and outputs of every sample, in sample order.
    var inputs: [Double], outputs: [Double]
    /// Per-sample iterations and residuals, in sample order.
    var iterations: [Int], residuals: [Double]
    /// Samples each rank produced in this run.
    var producedPerRank: [Int]
  }

  /// Produces this rank's missing shards with `produce(index, &state)` (`makeState()` once per
  /// shard: a recycling solver) and joins every shard. Finished shards are reused only when the
  /// directory was generated with the same `request` (``DatasetDirectory/checkGenerationRequest(_:)``);
  /// with `replacing`, whatever was generated there before is removed first.
  /// - Parameter progress: called with (samples done, total) of this rank's block, from worker
  ///   threads.
  /// - Throws: the first failure of a sample or a file. Over several ranks a rank that throws
  ///   leaves the others waiting at the barrier: the program must abort the job
  ///   (``Communicator/abort(code:)``).
  func run<State>(
    in layout: DatasetDirectory, request: DatasetMetadata, replacing: Bool, communicator: Communicator = .single,
    makeState: () -> State, produce: (Int, inout State) throws -> GeneratedSample, progress: @escaping @Sendable (Int, Int) -> Void
  ) throws -> Outcome {
    if replacing {
      if communicator.isRoot { try layout.removeGenerated() }
      communicator.barrier()
    }
    try layout.checkGenerationRequest(request)
    try layout.create(shards: true)
    let shards = stride(from: 0, to: samples, by: shardSize).enumerated().map { k, start in
      Shard(samples: Array(order[start..<min(samples, start + shardSize)]), files: layout.shard(k))
    }
    let mine = shards[communicator.block(of: shards.count)]
    let pending = mine.filter { !$0.isComplete(inputShape: inputShape, outputShape: outputShape, complex: outputType == .complex64) }
    let total = mine.reduce(0) { $0 + $1.samples.count }
    let done = Atomic<Int>(total - pending.reduce(0) { $0 + $1.samples.count })
    let matvecs = Atomic<Int>(0)
    let next = Atomic<Int>(0)
    let failure = Locked<Error?>(nil)
    progress(done.load(ordering: .relaxed), total)
    let workers = max(1, min(Parallel.availableWorkers, pending.count))
    func work() {
      while failure.withLock({ $0 == nil }) {
        let k = next.add(1, ordering: .relaxed).oldValue
        guard k < pending.count else { return }
        do {
          var state = makeState()
          let used = try write(pending[k]) { i in
            let sample = try produce(i, &state)
            progress(done.add(1, ordering: .relaxed).newValue, total)
            return sample
          }
          matvecs.add(used, ordering: .relaxed)
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    Parallel.forEach(count: workers) { _ in Parallel.serially { work() } }
    if let error = failure.withLock({ $0 }) { throw error }
    var counts = [Int](repeating: 0, count: communicator.size + 1)
    counts[communicator.rank] = pending.reduce(0) { $0 + $1.samples.count }
    counts[communicator.size] = matvecs.load(ordering: .relaxed)
    communicator.allReduceSum(&counts)  // also the barrier: every shard is on disk after it
    var outcome = try consolidate(shards)
    outcome.producedPerRank = Array(counts.prefix(communicator.size))
    (outcome.producedNow, outcome.matvecs) = (outcome.producedPerRank.reduce(0, +), counts[communicator.size])
    return outcome
  }

  /// Writes the joined dataset into `layout`: inputs float32, outputs of ``outputType``, and `metadata`.
  func write(_ outcome: Outcome, metadata: DatasetMetadata, to layout: DatasetDirectory) throws {
    try layout.write(
      inputs: NumpyArray(shape: [samples] + inputShape, values: outcome.inputs, dtype: .float32),
      outputs: NumpyArray(shape: [samples] + outputShape, values: outcome.outputs, dtype: outputType), metadata: metadata)
  }

  /// Produces the samples of `shard` and writes it; returns the matvecs used.
  private func write(_ shard: Shard, _ produce: (Int) throws -> GeneratedSample) throws -> Int {
    var inputs = [Double](), outputs = [Double]()
    var statistics = ShardStatistics(indices: shard.samples, iterations: [], residuals: [])
    var matvecs = 0
    for i in shard.samples {
      let sample = try produce(i)
      inputs += sample.input
      outputs += sample.output
      statistics.iterations.append(sample.iterations)
      statistics.residuals.append(sample.residual)
      matvecs += sample.matvecs
    }
    let count = shard.samples.count
    try NumpyArray(shape: [count] + inputShape, values: inputs, dtype: .float32).write(to: shard.files.inputs)
    try NumpyArray(shape: [count] + outputShape, values: outputs, dtype: outputType).write(to: shard.files.outputs)
    // Written last: its presence marks the shard complete.
    try writeJSON(statistics, to: shard.files.statistics)
    return matvecs
  }

  /// Joins the shards, in sample order (rows go to their sample's place, whatever order the
  /// shards were produced in).
  private func consolidate(_ shards: [Shard]) throws -> Outcome {
    let points = inputShape.reduce(1, *), values = outputShape.reduce(1, *) * outputType.components
    var outcome = Outcome(
      producedNow: 0, matvecs: 0, inputs: [Double](repeating: 0, count: samples * points),
      outputs: [Double](repeating: 0, count: samples * values), iterations: [Int](repeating: 0, count: samples),
      residuals: [Double](repeating: 0, count: samples), producedPerRank: [])
    for shard in shards {
      let a = try NumpyArray(contentsOf: shard.files.inputs).values, u = try NumpyArray(contentsOf: shard.files.outputs).values
      let statistics: ShardStatistics = try readJSON(shard.files.statistics)
      for (row, i) in shard.samples.enumerated() {
        outcome.inputs.replaceSubrange((i * points)..<((i + 1) * points), with: a[(row * points)..<((row + 1) * points)])
        outcome.outputs.replaceSubrange((i * values)..<((i + 1) * values), with: u[(row * values)..<((row + 1) * values)])
        outcome.iterations[i] = statistics.iterations[row]
        outcome.residuals[i] = statistics.residuals[row]
      }
    }
    return outcome
  }
}

/// Per-sample statistics of one shard, with the samples it holds (in production order).
struct ShardStatistics: Codable {
  var indices: [Int]
  var iterations: [Int]
  var residuals: [Double]
}

/// Samples stored together: consecutive indices, or a run of a chain of related samples.
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
