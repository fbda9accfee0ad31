import Layers
import Tensors

/// The configuration of an autoregressive FNO: a one-step ``FNO`` that maps the last
/// ``stepsIn`` snapshots of a trajectory to the next one, rolled out ``stepsOut`` times.
public struct FNORolloutConfiguration: ModelConfiguration {
  /// Snapshots the one-step network takes (its input channels).
  public var stepsIn: Int
  /// Snapshots a forward pass predicts by feeding its own predictions back.
  public var stepsOut: Int
  /// The one-step network: `stepsIn` input channels, one output channel.
  public var network: FNOConfiguration

  /// A configuration; the defaults are the FNO paper's `fourier_2d_time` Navier–Stokes model
  /// (10 input steps, modes 12, width 20, 4 layers, projection 128, coordinates appended).
  public init(stepsIn: Int = 10, stepsOut: Int = 10, modes: [Int] = [12, 12], width: Int = 20, layers: Int = 4, projection: Int = 128) {
    self.stepsIn = stepsIn
    self.stepsOut = stepsOut
    network = FNOConfiguration(
      inputChannels: stepsIn, outputChannels: 1, modes: modes, width: width, layers: layers, projection: projection, appendsCoordinates: true)
  }

  /// Checks the step counts and the one-step network (``FNOConfiguration/validate()``), whose
  /// channels must be `stepsIn` in and one out.
  /// - Throws: ``ModelConfigurationError`` naming the first value that does not fit.
  public func validate() throws {
    func fail(_ message: String) -> ModelConfigurationError { ModelConfigurationError(model: FNORollout.kind, message: message) }
    guard stepsIn >= 1, stepsOut >= 1 else { throw fail("steps in and out must be at least 1, got \(stepsIn) and \(stepsOut)") }
    guard network.inputChannels == stepsIn, network.outputChannels == 1 else {
      throw fail(
        "the one-step network must take \(stepsIn) channels and give 1, got \(network.inputChannels) and \(network.outputChannels)")
    }
    try network.validate()
  }

  /// Checks that a batch is `[batch, stepsIn, spatial…]` on a grid large enough for the modes.
  public func validate(input shape: [Int]) throws {
    if let error = ModelConfigurationError.unlessInput(shape, model: FNORollout.kind, channels: stepsIn, dimension: network.modes.count) {
      throw error
    }
    try network.validate(grid: Array(shape.dropFirst(2)))
  }
}

/// An autoregressive Fourier Neural Operator for time-dependent PDEs (the FNO paper's
/// `fourier_2d_time` recipe): a one-step FNO maps the last `stepsIn` snapshots (plus grid
/// coordinates) to the next snapshot; the prediction is appended to the window, the oldest
/// snapshot dropped, and this repeats `stepsOut` times. Gradients flow through the whole
/// rollout. Shapes: `[batch, stepsIn, n₁, …]` → `[batch, stepsOut, n₁, …]`, time along the
/// channel axis as in a trajectory dataset's `sol.npy`.
///
/// Parameter paths: `network.*` (those of ``FNO``).
///
/// Reference: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations", ICLR, §5.3 (Navier–Stokes, FNO-2D with a recurrent structure in time).
public struct FNORollout: ConfiguredModel {
  /// The name checkpoints record for autoregressive FNO models.
  public static let kind = "fno-rollout"

  /// The configuration that built the model.
  public private(set) var configuration: FNORolloutConfiguration
  /// The one-step network.
  public var network: FNO

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: FNORolloutConfiguration, using generator: inout G) {
    self.configuration = configuration
    network = FNO(configuration.network, using: &generator)
  }

  /// Rolls out `stepsOut` snapshots from the window `x` (`[batch, stepsIn, n₁, …]`).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let (batch, stepsIn) = (x.shape[0], configuration.stepsIn)
    let spatial = x.shape.dropFirst(2).map { 0..<$0 }
    var window = x
    var predictions = [Tensor]()
    predictions.reserveCapacity(configuration.stepsOut)
    for _ in 0..<configuration.stepsOut {
      let next = try network(window)
      predictions.append(next)
      window = stepsIn == 1 ? next : try Tensor.concatenated([window.sliced([0..<batch, 1..<stepsIn] + spatial), next], alongAxis: 1)
    }
    return try Tensor.concatenated(predictions, alongAxis: 1)
  }

  /// Predictions run for as many steps as asked: the same weights rolling out `steps` snapshots.
  public func rollingOut(steps: Int) -> FNORollout? {
    guard steps >= 1 else { return nil }
    var copy = self
    copy.configuration.stepsOut = steps
    return copy
  }

  /// The snapshots a forward pass takes and predicts.
  public var rolloutSteps: RolloutSteps? {
    RolloutSteps(history: configuration.stepsIn, predicted: configuration.stepsOut, dimension: configuration.network.modes.count)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try network.visitParameters { try visit(parameterPath("network", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try network.updateParameters { try update(parameterPath("network", $0), &$1) }
  }
}
