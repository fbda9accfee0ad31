import Tensors

/// A trained ``Koopa`` model forecasting past its horizon while observations keep arriving —
/// the paper's operator adaptation ("scaling up the forecast horizon").
///
/// Feed it the successive lookback windows of one stream of observations (for instance through
/// ``rollingForecast(_:lookback:horizon:steps:input:forecaster:)`` with `.observations`): each
/// call forecasts the next `H` steps as the model does, except that every block's time-variant
/// operator is fitted by least squares on the snapshot pairs of all windows seen so far, not
/// only the current one, so the local operator keeps learning from the incoming ground truth
/// without retraining. The invariant path and the weights are unchanged. Each window of a
/// batch `[B, L, C]` keeps its own history; call ``reset()`` before a new stream.
public struct KoopaOperatorAdaptation: Sendable {
  /// The trained forecaster.
  public let model: Koopa
  /// Per block, the snapshot pairs remembered so far (nil before the first window).
  private var memories: [TimeVariantPredictor.SnapshotPairs?]

  /// Adaptation of `model`, with nothing remembered yet.
  public init(model: Koopa) {
    self.model = model
    memories = Array(repeating: nil, count: model.invariantPredictors.count)
  }

  /// Snapshot pairs remembered per window so far (0 before the first call).
  public var rememberedPairs: Int { memories.first??.before.shape[1] ?? 0 }

  /// The forecast `[B, H, C]` of the newest windows `[B, L, C]`, with the time-variant
  /// operators fitted on these windows and all earlier ones; remembers these windows' pairs.
  /// - Throws: ``TensorError`` for windows of another shape or another batch size than before.
  public mutating func forecast(_ window: Tensor) throws -> Tensor {
    var state: [TimeVariantPredictor.SnapshotPairs?]? = memories
    let result = try model.forecast(window, memories: &state)
    memories = state!
    return result
  }

  /// Forgets the remembered pairs (a new stream begins).
  public mutating func reset() {
    memories = Array(repeating: nil, count: model.invariantPredictors.count)
  }
}
