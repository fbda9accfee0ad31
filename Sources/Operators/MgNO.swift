import Layers
import Tensors

/// The configuration of a multigrid neural operator; with the layer tree it makes a model, and a
/// checkpoint stores it so loading needs no extra arguments.
public struct MgNOConfiguration: ModelConfiguration {
  /// Channels of the input function.
  public var inputChannels: Int
  /// Channels of the output function.
  public var outputChannels: Int
  /// Spatial axes (1 to 3).
  public var dimension: Int
  /// Channels (neurons) of the hidden layers.
  public var width: Int
  /// Number of nonlinear operator layers.
  public var layers: Int
  /// Pre-smoothing steps per multigrid level, finest first; its count is the number of levels.
  public var preSmoothing: [Int]
  /// Post-smoothing steps per multigrid level, finest first.
  public var postSmoothing: [Int]
  /// Border handling of every convolution: `.zero` (Dirichlet), `.reflect` or `.replicate`
  /// (Neumann), `.circular` (periodic).
  public var paddingMode: Tensor.PaddingMode

  /// A configuration; the defaults (width 32, 5 layers, 4 levels with one pre- and one
  /// post-smoothing step, zero padding) fit the 32² and 64² Darcy sets with about 0.70M
  /// parameters. `postSmoothing` defaults to one step per level of `preSmoothing`.
  public init(
    inputChannels: Int = 1, outputChannels: Int = 1, dimension: Int = 2, width: Int = 32, layers: Int = 5,
    preSmoothing: [Int] = [1, 1, 1, 1], postSmoothing: [Int]? = nil, paddingMode: Tensor.PaddingMode = .zero
  ) {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.dimension = dimension
    self.width = width
    self.layers = layers
    self.preSmoothing = preSmoothing
    self.postSmoothing = postSmoothing ?? preSmoothing.map { _ in 1 }
    self.paddingMode = paddingMode
  }

  /// Checks that the numbers make a model.
  /// - Throws: ``MgNOConfigurationError`` naming the first value that does not.
  public func validate() throws {
    func fail(_ message: String) -> MgNOConfigurationError { MgNOConfigurationError(message: message) }
    guard inputChannels >= 1, outputChannels >= 1, width >= 1, layers >= 1 else {
      throw fail("channels, width and layers must be at least 1")
    }
    guard (1...3).contains(dimension) else { throw fail("dimension must be 1, 2 or 3, got \(dimension)") }
    guard !preSmoothing.isEmpty, postSmoothing.count == preSmoothing.count else {
      throw fail("one pre- and one post-smoothing count per level, got \(preSmoothing) and \(postSmoothing)")
    }
    guard (preSmoothing + postSmoothing).allSatisfy({ $0 >= 0 }), max(preSmoothing.last!, postSmoothing.last!) >= 1 else {
      throw fail("smoothing counts must be non-negative and the coarsest level needs one step, got \(preSmoothing), \(postSmoothing)")
    }
    // Per layer and level: a width×width 3^d kernel per smoothing step, restriction and prolongation.
    let kernel = [width, width] + Array(repeating: 3, count: dimension)
    let shapes = zip(preSmoothing, postSmoothing).flatMap { pre, post in [[layers, pre] + kernel, [layers, post] + kernel, [layers, 2] + kernel] }
    do { try ModelConfigurationError.requireMemory(forParameters: shapes, model: "mgno") } catch let error as ModelConfigurationError {
      throw fail(error.message)
    }
  }

  /// Number of multigrid levels.
  public var levels: Int { preSmoothing.count }

  /// Checks the channels, dimension and grid of an input batch (``validate(grid:)``).
  public func validate(input shape: [Int]) throws {
    if let error = ModelConfigurationError.unlessInput(shape, model: MgNO.kind, channels: inputChannels, dimension: dimension) {
      throw error
    }
    try validate(grid: Array(shape.dropFirst(2)))
  }

  /// Checks that every axis of the grid `spatial` can be coarsened `levels − 1` times (each
  /// halving `n ↦ ⌊n/2⌋` needs `n ≥ 3`).
  /// - Throws: ``MgNOConfigurationError`` naming the grid and the levels.
  public func validate(grid spatial: [Int]) throws {
    guard spatial.count == dimension else { throw MgNOConfigurationError(message: "a \(dimension)D model cannot take the grid \(spatial)") }
    let coarsest = spatial.map { n in (1..<levels).reduce(n) { m, _ in m >= 3 ? m / 2 : 0 } }
    guard coarsest.allSatisfy({ $0 >= 1 }) else {
      throw MgNOConfigurationError(message: "grid \(spatial) is too small for \(levels) levels; use fewer levels")
    }
  }
}

/// A configuration that cannot make an MgNO model.
public struct MgNOConfigurationError: Error, Equatable, CustomStringConvertible {
  /// What is wrong.
  public let message: String
  public var description: String { "MgNO configuration: \(message)" }
}

/// MgNO, a neural operator whose neuron-to-neuron linear maps are multigrid V-cycles (He, Liu,
/// Xu, "MgNO: Efficient Parameterization of Linear Operators via Multigrid", ICLR 2024).
///
/// Each of the `layers` nonlinear operator layers computes
/// `v_i ← σ(Σ_j W_ij v_j + B_i(v))` with `W` one multi-channel ``MultigridConv`` and a
/// function-valued bias `B_i(v) = Σ_j c_ij v_j + b_i` (pointwise in space: a 1×…×1 convolution
/// with bias, so the model stays resolution-independent); `σ` is GELU. The first layer reads the
/// input channels directly — no lifting — and a pointwise linear map `width → outputChannels`
/// gives the output. Boundary conditions enter only through the V-cycles' padding mode.
///
/// Shapes: `[batch, inputChannels, n₁, …, n_d]` → `[batch, outputChannels, n₁, …, n_d]` for any
/// extents that allow `levels − 1` coarsenings.
///
/// Parameter paths: `layers.{i}.vcycle.…` (see ``MultigridConv``), `layers.{i}.bias.weight`,
/// `layers.{i}.bias.bias`, `projection.weight`, `projection.bias`.
public struct MgNO: ConfiguredModel {
  /// The name checkpoints record for MgNO models.
  public static let kind = "mgno"

  /// The configuration that built the model.
  public let configuration: MgNOConfiguration
  /// The V-cycles `W`, one per layer.
  public var vcycles: [MultigridConv]
  /// The pointwise function-valued biases `B`, one per layer.
  public var biases: [Conv]
  /// The pointwise output map.
  public var projection: Conv

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: MgNOConfiguration, using generator: inout G) {
    self.configuration = configuration
    let c = configuration
    let pointwise = Array(repeating: 1, count: c.dimension)
    var vcycles = [MultigridConv](), biases = [Conv]()
    for i in 0..<c.layers {
      let inputs = i == 0 ? c.inputChannels : c.width
      vcycles.append(
        MultigridConv(
          inputChannels: inputs, outputChannels: c.width, dimension: c.dimension, preSmoothing: c.preSmoothing,
          postSmoothing: c.postSmoothing, paddingMode: c.paddingMode, using: &generator))
      biases.append(Conv(inputChannels: inputs, outputChannels: c.width, kernel: pointwise, using: &generator))
    }
    self.vcycles = vcycles
    self.biases = biases
    projection = Conv(inputChannels: c.width, outputChannels: c.outputChannels, kernel: pointwise, using: &generator)
  }

  /// Applies the operator to a batch of input functions on a uniform grid.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    var v = x
    for i in 0..<configuration.layers {
      v = try vcycles[i](v) + biases[i](v)
      v.formGELU()
    }
    return try projection(v)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    for i in 0..<configuration.layers {
      try vcycles[i].visitParameters { try visit(parameterPath("layers.\(i).vcycle", $0), $1) }
      try biases[i].visitParameters { try visit(parameterPath("layers.\(i).bias", $0), $1) }
    }
    try projection.visitParameters { try visit(parameterPath("projection", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    for i in 0..<configuration.layers {
      try vcycles[i].updateParameters { try update(parameterPath("layers.\(i).vcycle", $0), &$1) }
      try biases[i].updateParameters { try update(parameterPath("layers.\(i).bias", $0), &$1) }
    }
    try projection.updateParameters { try update(parameterPath("projection", $0), &$1) }
  }
}
