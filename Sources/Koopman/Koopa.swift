import Layers
import Tensors

/// The hyperparameters of a ``Koopa`` forecaster (defaults as the paper's: 3 blocks, state
/// dimension 64, encoder/decoder MLPs with 2 hidden layers of 64).
public struct KoopaConfiguration: ModelConfiguration {
  /// Variables (channels) `C`.
  public var channels: Int
  /// Input steps `L`.
  public var lookback: Int
  /// Forecast steps `H`.
  public var horizon: Int
  /// Segment length `S` of the time-variant predictor (Koopa uses `H/2`… `L/2`; `L/4` here by
  /// default so that a window has four segments).
  public var segment: Int
  /// Stacked blocks.
  public var blocks: Int
  /// Koopman state dimension `D`.
  public var stateDimension: Int
  /// Hidden width of the encoders and decoders.
  public var hiddenWidth: Int
  /// Hidden layers of the encoders and decoders.
  public var hiddenLayers: Int
  /// The Fourier filter's time-invariant frequencies (fitted on the training windows).
  public var invariantFrequencies: [Int]

  /// A configuration.
  public init(
    channels: Int, lookback: Int, horizon: Int, segment: Int? = nil, blocks: Int = 3, stateDimension: Int = 64, hiddenWidth: Int = 64,
    hiddenLayers: Int = 2, invariantFrequencies: [Int]
  ) {
    self.channels = channels
    self.lookback = lookback
    self.horizon = horizon
    self.segment = segment ?? max(1, lookback / 4)
    self.blocks = blocks
    self.stateDimension = stateDimension
    self.hiddenWidth = hiddenWidth
    self.hiddenLayers = hiddenLayers
    self.invariantFrequencies = invariantFrequencies
  }

  /// Checks that the numbers make a model: positive sizes, a segment that cuts the lookback
  /// into at least two segments, frequencies of the lookback's spectrum.
  /// - Throws: ``ModelConfigurationError`` naming the first value that does not.
  public func validate() throws {
    func fail(_ message: String) -> ModelConfigurationError { ModelConfigurationError(model: Koopa.kind, message: message) }
    guard channels >= 1, horizon >= 1, lookback >= 2 else {
      throw fail("channels and horizon must be at least 1 and lookback at least 2, got \(channels), \(horizon), \(lookback)")
    }
    guard segment >= 1, lookback / segment >= 2 else { throw fail("segment \(segment) must leave at least 2 segments of \(lookback)") }
    guard blocks >= 1, stateDimension >= 1, hiddenWidth >= 1, hiddenLayers >= 0 else {
      throw fail("blocks, state dimension and hidden width must be at least 1, got \(blocks), \(stateDimension), \(hiddenWidth)")
    }
    guard invariantFrequencies.allSatisfy({ (0...(lookback / 2)).contains($0) }) else {
      throw fail("invariant frequencies \(invariantFrequencies) must lie in 0...\(lookback / 2)")
    }
    // The four encoder/decoder MLPs and one D×D operator per block (products checked).
    func mlp(_ input: [Int], _ output: [Int]) -> [[Int]] {
      [input + [hiddenWidth], [hiddenLayers, hiddenWidth, hiddenWidth], [hiddenWidth] + output]
    }
    try ModelConfigurationError.requireMemory(
      forParameters: mlp([lookback], [stateDimension]) + mlp([stateDimension], [horizon]) + mlp([segment, channels], [stateDimension])
        + mlp([stateDimension], [segment, channels]) + [[blocks, stateDimension, stateDimension]],
      model: Koopa.kind)
  }
}

/// Koopa (Liu et al., NeurIPS 2023): a Koopman forecaster for non-stationary series.
///
/// Each window is first normalized by its own mean and standard deviation (restored on the
/// forecast). Then `blocks` blocks act on a residual: the ``FourierFilter`` splits it into a
/// time-invariant part, forecast by the block's ``TimeInvariantPredictor``, and a time-variant
/// part, backcast and forecast by a ``TimeVariantPredictor``; the backcast is subtracted from the
/// residual handed to the next block, and all blocks' forecasts add up. The encoders and
/// decoders are shared by the blocks (ReLU for the invariant, tanh for the variant path).
///
/// Shapes: `[B, L, C]` → `[B, H, C]`. Parameter paths: `invariantEncoder.…`,
/// `invariantDecoder.…`, `variantEncoder.…`, `variantDecoder.…`, `blocks.{i}.operator`.
public struct Koopa: ConfiguredModel {
  /// The name checkpoints record for Koopa models.
  public static let kind = "koopa"

  /// The configuration that built the model.
  public let configuration: KoopaConfiguration
  /// Window → state, per channel (`L → D`).
  public var invariantEncoder: MLP
  /// State → forecast, per channel (`D → H`).
  public var invariantDecoder: MLP
  /// Segment → state (`S·C → D`).
  public var variantEncoder: MLP
  /// State → segment (`D → S·C`).
  public var variantDecoder: MLP
  /// The blocks' global operators.
  public var invariantPredictors: [TimeInvariantPredictor]

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ c: KoopaConfiguration, using generator: inout G) {
    configuration = c
    let hidden = Array(repeating: c.hiddenWidth, count: c.hiddenLayers)
    invariantEncoder = MLP(widths: [c.lookback] + hidden + [c.stateDimension], activation: .relu, using: &generator)
    invariantDecoder = MLP(widths: [c.stateDimension] + hidden + [c.horizon], activation: .relu, using: &generator)
    variantEncoder = MLP(widths: [c.segment * c.channels] + hidden + [c.stateDimension], activation: .tanh, using: &generator)
    variantDecoder = MLP(widths: [c.stateDimension] + hidden + [c.segment * c.channels], activation: .tanh, using: &generator)
    invariantPredictors = (0..<c.blocks).map { _ in TimeInvariantPredictor(dimension: c.stateDimension, using: &generator) }
  }

  /// The forecast `[B, H, C]` of windows `[B, L, C]`.
  /// - Throws: ``TensorError`` for windows of another shape.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    var memories: [TimeVariantPredictor.SnapshotPairs?]? = nil
    return try forecast(x, memories: &memories)
  }

  /// The forecast of windows `x`; with `memories` (one per block), each block's time-variant
  /// operator is fitted on the snapshot pairs remembered from earlier windows as well, and this
  /// window's pairs are remembered (see ``KoopaOperatorAdaptation``).
  func forecast(_ x: Tensor, memories: inout [TimeVariantPredictor.SnapshotPairs?]?) throws -> Tensor {
    let c = configuration
    guard x.rank == 3, x.shape[1] == c.lookback, x.shape[2] == c.channels else {
      throw TensorError.invalidShape(operation: "Koopa", message: "expects windows [B, \(c.lookback), \(c.channels)], got \(x.shape)")
    }
    // Per-window stationarization (statistics treated as constants, as in the paper's code).
    let mean = try x.mean(alongAxes: [1], keepingAxes: true).detached
    let centred = try x - mean
    let deviation = try (centred.squared().mean(alongAxes: [1], keepingAxes: true) + Tensor(repeating: 1e-5, shape: [1])).squareRoot()
      .detached
    var residual = try centred / deviation
    let filter = FourierFilter(length: c.lookback, invariantFrequencies: c.invariantFrequencies)
    let variant = TimeVariantPredictor(lookback: c.lookback, horizon: c.horizon, segment: c.segment)
    var forecast: Tensor?
    for (i, block) in invariantPredictors.enumerated() {
      let parts = try filter(residual)
      let invariantForecast = try block(parts.invariant, encoder: invariantEncoder, decoder: invariantDecoder)
      let (backcast, variantForecast) =
        memories == nil
        ? try variant(parts.variant, encoder: variantEncoder, decoder: variantDecoder)
        : try variant(parts.variant, encoder: variantEncoder, decoder: variantDecoder, remembering: &memories![i])
      residual = try residual - backcast
      let sum = try invariantForecast + variantForecast
      forecast = try forecast.map { try $0 + sum } ?? sum
    }
    return try forecast! * deviation + mean
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try invariantEncoder.visitParameters { try visit(parameterPath("invariantEncoder", $0), $1) }
    try invariantDecoder.visitParameters { try visit(parameterPath("invariantDecoder", $0), $1) }
    try variantEncoder.visitParameters { try visit(parameterPath("variantEncoder", $0), $1) }
    try variantDecoder.visitParameters { try visit(parameterPath("variantDecoder", $0), $1) }
    for (i, block) in invariantPredictors.enumerated() { try block.visitParameters { try visit(parameterPath("blocks.\(i)", $0), $1) } }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try invariantEncoder.updateParameters { try update(parameterPath("invariantEncoder", $0), &$1) }
    try invariantDecoder.updateParameters { try update(parameterPath("invariantDecoder", $0), &$1) }
    try variantEncoder.updateParameters { try update(parameterPath("variantEncoder", $0), &$1) }
    try variantDecoder.updateParameters { try update(parameterPath("variantDecoder", $0), &$1) }
    for i in invariantPredictors.indices {
      try invariantPredictors[i].updateParameters { try update(parameterPath("blocks.\(i)", $0), &$1) }
    }
  }
}
