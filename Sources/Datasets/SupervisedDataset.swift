import Tensors

/// Paired input and output tensors a model learns to map — what the trainer needs of a
/// dataset: samples along the first axis, subsets, seeded batches and splits, and whether the
/// outputs live on a grid (for derivative-based metrics).
public protocol SupervisedDataset: Sendable {
  /// Inputs, samples first.
  var inputs: Tensor { get }
  /// Outputs (targets), samples first.
  var outputs: Tensor { get }
  /// Per-sample query points `[N, P, d]` of unaligned data, or nil.
  var queries: Tensor? { get }
  /// The output grid's spacing per spatial axis (channel-first outputs `[N, C, s₁, …]`), or nil
  /// when the outputs are not fields on a grid.
  var gridSpacing: [Float]? { get }
  /// The samples at `indices`, in that order.
  func subset(_ indices: [Int]) -> Self
}

extension SupervisedDataset {
  /// Number of samples `N`.
  public var count: Int { inputs.shape[0] }

  /// A seeded split into a training part and a held-out part of `round(fraction·N)` samples
  /// (at least one of each when `N ≥ 2`).
  public func split(testFraction fraction: Double, seed: UInt64) -> (train: Self, test: Self) {
    var order = Array(0..<count)
    var generator = SplitMix64(seed: seed ^ 0x5EED_7E57)
    order.shuffle(using: &generator)
    let held = min(max(Int((fraction * Double(count)).rounded()), count >= 2 ? 1 : 0), count - 1)
    return (subset(Array(order[held...]).sorted()), subset(Array(order[..<held]).sorted()))
  }

  /// The mini-batches of epoch `epoch`: a permutation of the samples drawn from
  /// `(seed, epoch)` alone — so a resumed run sees the same batches as an uninterrupted one —
  /// cut into batches of `size` (the last may be smaller). The epochs' permutations are
  /// independent of each other (each from its own stream, ``SplitMix64/init(seed:stream:)``).
  public func batchIndices(size: Int, epoch: Int, seed: UInt64) -> [[Int]] {
    var order = Array(0..<count)
    var generator = SplitMix64(seed: seed, stream: UInt64(epoch))
    order.shuffle(using: &generator)
    return stride(from: 0, to: count, by: size).map { Array(order[$0..<min($0 + size, count)]) }
  }
}

/// Windows of a multichannel time series: lookback windows `[N, L, C]` and the `H` steps that
/// follow each, `[N, H, C]` — time first, channels last, as forecasting models take them. The
/// outputs are no spatial fields, so no grid metric applies.
public struct WindowDataset: SupervisedDataset {
  /// Lookback windows `[N, L, C]`.
  public let inputs: Tensor
  /// The following steps `[N, H, C]`.
  public let outputs: Tensor
  /// Always nil: every window is observed at the same steps.
  public var queries: Tensor? { nil }
  /// Always nil: windows are not fields on a grid.
  public var gridSpacing: [Float]? { nil }

  /// Windows and their targets.
  /// - Throws: ``DatasetFileError`` unless both are `[N, ·, C]` with the same `N` and `C`.
  public init(inputs: Tensor, targets: Tensor) throws {
    guard inputs.rank == 3, targets.rank == 3, inputs.shape[0] == targets.shape[0],
      inputs.shape[2] == targets.shape[2]
    else {
      throw DatasetFileError(file: "(windows)", message: "windows \(inputs.shape) and targets \(targets.shape) do not pair up")
    }
    self.inputs = inputs
    self.outputs = targets
  }

  public func subset(_ indices: [Int]) -> WindowDataset {
    // Safe: rows of two tensors that already pair up.
    (try? WindowDataset(inputs: inputs.rows(indices), targets: outputs.rows(indices)))!
  }
}
