import Layers
import Tensors

/// The configuration of a space-time FNO: a 3D ``FNO`` over (x, y, t) that maps the first
/// ``stepsIn`` snapshots of a trajectory to the ``stepsOut`` that follow, all at once.
public struct FNOSpaceTimeConfiguration: ModelConfiguration {
  /// Snapshots given (input channels, repeated along the time axis).
  public var stepsIn: Int
  /// Snapshots predicted (the extent of the time axis).
  public var stepsOut: Int
  /// The 3D network over (x, y, t): `stepsIn` input channels, one output channel, coordinates
  /// appended, time padded.
  public var network: FNOConfiguration

  /// A configuration; the defaults are the FNO paper's `fourier_3d` Navier–Stokes model (10
  /// input steps, modes 8 per axis, width 20, 4 layers, projection 128, time padded by 6).
  public init(
    stepsIn: Int = 10, stepsOut: Int = 10, modes: [Int] = [8, 8, 8], width: Int = 20, layers: Int = 4, projection: Int = 128,
    timePadding: Int = 6
  ) {
    self.stepsIn = stepsIn
    self.stepsOut = stepsOut
    network = FNOConfiguration(
      inputChannels: stepsIn, outputChannels: 1, modes: modes, width: width, layers: layers, projection: projection, appendsCoordinates: true,
      padding: Array(repeating: 0, count: max(modes.count - 1, 0)) + [timePadding])
  }

  /// Checks the step counts and the network (``FNOConfiguration/validate()``): `stepsIn`
  /// channels in, one out, at least one spatial axis besides time, the time axis long enough
  /// (padded) for its modes.
  /// - Throws: ``ModelConfigurationError`` naming the first value that does not fit.
  public func validate() throws {
    func fail(_ message: String) -> ModelConfigurationError { ModelConfigurationError(model: FNOSpaceTime.kind, message: message) }
    guard stepsIn >= 1, stepsOut >= 1 else { throw fail("steps in and out must be at least 1, got \(stepsIn) and \(stepsOut)") }
    guard network.inputChannels == stepsIn, network.outputChannels == 1 else {
      throw fail("the network must take \(stepsIn) channels and give 1, got \(network.inputChannels) and \(network.outputChannels)")
    }
    guard network.modes.count >= 2 else { throw fail("a space-time model needs space and time axes, got modes \(network.modes)") }
    try network.validate()
    let time = stepsOut + network.paddingPerAxis.last!
    guard time / 2 + 1 >= network.modes.last! else {
      throw fail("\(stepsOut) output steps (padded to \(time)) are too few for \(network.modes.last!) time modes")
    }
  }

  /// Checks that a batch is `[batch, stepsIn, spatial…]` on a grid large enough for the modes.
  public func validate(input shape: [Int]) throws {
    let dimension = network.modes.count - 1
    if let error = ModelConfigurationError.unlessInput(shape, model: FNOSpaceTime.kind, channels: stepsIn, dimension: dimension) {
      throw error
    }
    try network.validate(grid: Array(shape.dropFirst(2)) + [stepsOut])
  }
}

/// A space-time Fourier Neural Operator for time-dependent PDEs (the FNO paper's `fourier_3d`
/// recipe): the first `stepsIn` snapshots are repeated along a new time axis of `stepsOut`
/// points, the coordinates (x, y, t) appended, and a 3D FNO — time padded with zeros, since
/// time is not periodic — predicts all `stepsOut` snapshots at once. Shapes:
/// `[batch, stepsIn, n₁, …]` → `[batch, stepsOut, n₁, …]`, time along the channel axis as in a
/// trajectory dataset's `sol.npy`.
///
/// Parameter paths: `network.*` (those of ``FNO``).
///
/// Reference: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations", ICLR, §5.3 (Navier–Stokes, FNO-3D convolving in space-time).
public struct FNOSpaceTime: ConfiguredModel {
  /// The name checkpoints record for space-time FNO models.
  public static let kind = "fno-space-time"

  /// The configuration that built the model.
  public private(set) var configuration: FNOSpaceTimeConfiguration
  /// The network over space and time.
  public var network: FNO

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: FNOSpaceTimeConfiguration, using generator: inout G) {
    self.configuration = configuration
    network = FNO(configuration.network, using: &generator)
  }

  /// Predicts `stepsOut` snapshots from the first `stepsIn` (`[batch, stepsIn, n₁, …]`).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let steps = configuration.stepsOut
    let repeated = try x.reshaped(to: x.shape + [1]).broadcasted(to: x.shape + [steps])  // [B, stepsIn, n…, T]
    let y = try network(repeated)  // [B, 1, n…, T]
    let (batch, spatial) = (x.shape[0], Array(x.shape.dropFirst(2)))
    let rank = y.rank
    // [B, 1, n…, T] → [B, T, n…]: time becomes the channel axis.
    return try y.permuted([0, rank - 1] + Array(2..<(rank - 1)) + [1]).reshaped(to: [batch, steps] + spatial)
  }

  /// The Spectral-Refiner step's starting point: the same model on the grid `spatial` with its
  /// last Fourier layer keeping every frequency of the (time-padded) grid — its trained
  /// weights in place, the new frequencies at zero, so the output is unchanged until that layer
  /// is fine-tuned (the other layers stay frozen: ``TrainingOptions/trainablePrefixes`` with
  /// ``outputLayerPrefix``).
  ///
  /// Reference: Cao, Brarda, Li, Xi 2025, "Spectral-Refiner: Accurate Fine-Tuning of
  /// Spatiotemporal Fourier Neural Operator for Turbulent Flows", ICLR.
  public func refined(grid spatial: [Int]) -> FNOSpaceTime {
    let padded = zip(spatial + [configuration.stepsOut], configuration.network.paddingPerAxis).map { $0 + $1 }
    let full = padded.dropLast().map { $0 / 2 } + [padded.last! / 2 + 1]
    let last = configuration.network.layers - 1
    let modes = zip(full, network.spectral[last].modes).map { max($0, $1) }
    var copy = self
    copy.configuration.network.outputLayerModes = modes
    copy.network.configuration.outputLayerModes = modes
    copy.network.spectral[last] = network.spectral[last].expanded(toModes: modes)
    return copy
  }

  /// The parameter path prefix of the last Fourier layer (the one ``refined(grid:)`` fine-tunes).
  public var outputLayerPrefix: String { "network.spectral.\(configuration.network.layers - 1)." }

  /// The snapshots it takes and predicts (a forward pass predicts them all; no longer rollout).
  public var rolloutSteps: RolloutSteps? {
    RolloutSteps(history: configuration.stepsIn, predicted: configuration.stepsOut, dimension: configuration.network.modes.count - 1)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try network.visitParameters { try visit(parameterPath("network", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try network.updateParameters { try update(parameterPath("network", $0), &$1) }
  }
}
