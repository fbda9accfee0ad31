import Datasets
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
/// (``Parallel/serially(_:)``), so its bits do not depend on how many shards were pending.
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
  /// Whether each worker walks its own contiguous run of shards (a recycling solver following
  /// the chain) instead of taking shards as they come.
  let contiguousWorkers: Bool

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
  }

  /// Produces the missing shards with `produce(index, &state)` (`makeState()` once per worker:
  /// a recycling solver, a stepper's workspace) and joins every shard.
  /// - Parameter progress: called with (samples done, total) from worker threads.
  func run<State>(
    in layout: DatasetDirectory, makeState: () -> State, produce: (Int, inout State) throws -> GeneratedSample,
    progress: @escaping @Sendable (Int, Int) -> Void
  ) throws -> Outcome {
    try layout.create(shards: true)
    let shards = stride(from: 0, to: samples, by: shardSize).enumerated().map { k, start in
      Shard(samples: Array(order[start..<min(samples, start + shardSize)]), files: layout.shard(k))
    }
    let pending = shards.filter { !$0.isComplete(inputShape: inputShape, outputShape: outputShape, complex: outputType == .complex64) }
    let done = Atomic<Int>(samples - pending.reduce(0) { $0 + $1.samples.count })
    let matvecs = Atomic<Int>(0)
    let next = Atomic<Int>(0)
    let failure = Mutex<Error?>(nil)
    progress(done.load(ordering: .relaxed), samples)
    let workers = max(1, min(Parallel.availableWorkers, pending.count))
    func work(_ worker: Int) {
      var state = makeState()
      let group = (pending.count * worker / workers)..<(pending.count * (worker + 1) / workers)
      var position = group.lowerBound
      while failure.withLock({ $0 == nil }) {
        let k: Int
        if contiguousWorkers {
          k = position
          position += 1
          guard k < group.upperBound else { return }
        } else {
          k = next.add(1, ordering: .relaxed).oldValue
          guard k < pending.count else { return }
        }
        do {
          let used = try write(pending[k]) { i in
            let sample = try produce(i, &state)
            progress(done.add(1, ordering: .relaxed).newValue, samples)
            return sample
          }
          matvecs.add(used, ordering: .relaxed)
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    Parallel.forEach(count: workers) { worker in Parallel.serially { work(worker) } }
    if let error = failure.withLock({ $0 }) { throw error }
    var outcome = try consolidate(shards)
    (outcome.producedNow, outcome.matvecs) = (pending.reduce(0) { $0 + $1.samples.count }, matvecs.load(ordering: .relaxed))
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
      residuals: [Double](repeating: 0, count: samples))
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
