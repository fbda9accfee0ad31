import Layers
import Tensors

/// The configuration of a Fourier Neural Operator; with the layer tree it makes a model, and a
/// checkpoint stores it so loading needs no extra arguments.
public struct FNOConfiguration: ModelConfiguration {
  /// Channels of the input function (not counting appended grid coordinates).
  public var inputChannels: Int
  /// Channels of the output function.
  public var outputChannels: Int
  /// Fourier modes kept per spatial axis; its count is the spatial dimension (1 to 3).
  public var modes: [Int]
  /// Channels inside the Fourier layers.
  public var width: Int
  /// Number of Fourier layers.
  public var layers: Int
  /// Hidden channels of the projection `width → projection → outputChannels`.
  public var projection: Int
  /// Whether the coordinates of each grid point (in `[0, 1]`) are appended as input channels.
  public var appendsCoordinates: Bool
  /// Zeros appended after the lifting along each spatial axis and cut off before the projection,
  /// so the Fourier layers need not treat a non-periodic axis as periodic (the FNO paper's
  /// space-time model pads time by 6); empty or all zero for none.
  public var padding: [Int]
  /// Modes of the last Fourier layer when it keeps other frequencies than the rest (a model
  /// refined without frequency truncation, ``FNOSpaceTime/refined(grid:)``); nil: ``modes``.
  public var outputLayerModes: [Int]?

  /// A configuration; the defaults are the original paper's Darcy model (modes 12, width 32,
  /// 4 layers, projection 128, coordinates appended: 2,368,001 parameters in 2D).
  public init(
    inputChannels: Int = 1, outputChannels: Int = 1, modes: [Int] = [12, 12], width: Int = 32, layers: Int = 4, projection: Int = 128,
    appendsCoordinates: Bool = true, padding: [Int] = [], outputLayerModes: [Int]? = nil
  ) {
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.modes = modes
    self.width = width
    self.layers = layers
    self.projection = projection
    self.appendsCoordinates = appendsCoordinates
    self.padding = padding
    self.outputLayerModes = outputLayerModes
  }

  enum CodingKeys: String, CodingKey {
    case inputChannels, outputChannels, modes, width, layers, projection, appendsCoordinates, padding, outputLayerModes
  }

  /// Decodes a configuration; checkpoints written before ``padding`` and ``outputLayerModes``
  /// existed have none.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      inputChannels: try c.decode(Int.self, forKey: .inputChannels), outputChannels: try c.decode(Int.self, forKey: .outputChannels),
      modes: try c.decode([Int].self, forKey: .modes), width: try c.decode(Int.self, forKey: .width),
      layers: try c.decode(Int.self, forKey: .layers), projection: try c.decode(Int.self, forKey: .projection),
      appendsCoordinates: try c.decode(Bool.self, forKey: .appendsCoordinates),
      padding: try c.decodeIfPresent([Int].self, forKey: .padding) ?? [],
      outputLayerModes: try c.decodeIfPresent([Int].self, forKey: .outputLayerModes))
  }

  /// Checks that the numbers make a model: 1 to 3 spatial axes, every count at least 1.
  /// - Throws: ``ModelConfigurationError`` naming the first value that does not.
  public func validate() throws {
    func fail(_ message: String) -> ModelConfigurationError { ModelConfigurationError(model: FNO.kind, message: message) }
    guard (1...3).contains(modes.count) else { throw fail("FNO takes 1D to 3D fields; modes \(modes) give \(modes.count) axes") }
    guard modes.allSatisfy({ $0 >= 1 }) else { throw fail("modes must be at least 1, got \(modes)") }
    if let last = outputLayerModes, last.count != modes.count || !last.allSatisfy({ $0 >= 1 }) {
      throw fail("the last layer's modes must be at least 1 on each of the \(modes.count) axes, got \(last)")
    }
    guard inputChannels >= 1, outputChannels >= 1 else {
      throw fail("channels must be at least 1, got \(inputChannels) in, \(outputChannels) out")
    }
    guard width >= 1, layers >= 1, projection >= 1 else {
      throw fail("width, layers and projection must be at least 1, got \(width), \(layers), \(projection)")
    }
    guard padding.isEmpty || (padding.count == modes.count && padding.allSatisfy { $0 >= 0 }) else {
      throw fail("padding must give a non-negative count for each of the \(modes.count) axes, got \(padding)")
    }
    // Per layer: complex width×width spectral weights on 2^(d−1) corners of the kept modes, the
    // pointwise width×width mixing; the lifting and the two-layer projection.
    let corners = 1 << (modes.count - 1)
    try ModelConfigurationError.requireMemory(
      forParameters: [
        [layers, width, width, 2 * corners] + modes, [layers, width + 1, width], [inputChannels + modes.count + 1, width],
        [width + 1, projection], [projection + 1, outputChannels],
      ], model: FNO.kind)
  }

  /// The padding of each spatial axis (zeros when none is set).
  var paddingPerAxis: [Int] { padding.isEmpty ? Array(repeating: 0, count: modes.count) : padding }

  /// Checks the channels, dimension and grid of an input batch (``validate(grid:)``).
  public func validate(input shape: [Int]) throws {
    if let error = ModelConfigurationError.unlessInput(shape, model: FNO.kind, channels: inputChannels, dimension: modes.count) {
      throw error
    }
    try validate(grid: Array(shape.dropFirst(2)))
  }

  /// Checks that a grid `spatial` has room for the modes: at least `2·modes` points on every
  /// axis but the last, and `modes ≤ n/2 + 1` on the last (the half spectrum).
  /// - Throws: ``ModelConfigurationError`` naming the grid and the modes.
  public func validate(grid spatial: [Int]) throws {
    guard spatial.count == modes.count else {
      throw ModelConfigurationError(model: FNO.kind, message: "a \(modes.count)D model cannot take the grid \(spatial)")
    }
    let padded = zip(spatial, paddingPerAxis).map { $0 + $1 }
    for kept in [modes] + (outputLayerModes.map { [$0] } ?? []) {
      guard zip(padded.dropLast(), kept).allSatisfy({ $0 >= 2 * $1 }), padded.last! / 2 + 1 >= kept.last! else {
        throw ModelConfigurationError(
          model: FNO.kind, message: "grid \(spatial) is too small for modes \(kept) (needs at least 2·modes points per axis)")
      }
    }
  }
}

/// A Fourier Neural Operator: pointwise lifting to `width` channels, `layers` Fourier layers
/// `v ← σ(K v + W v)` (spectral convolution `K` plus a pointwise linear skip `W`; GELU after
/// every layer but the last), and a pointwise projection `width → projection → output` with
/// GELU between. Shapes: `[batch, inputChannels, n₁, …, n_d]` → `[batch, outputChannels, n₁, …]`,
/// at any resolution with `n ≥ 2·modes`.
///
/// Parameter paths: `lifting.*`, `spectral.{i}.weight`, `skip.{i}.*`, `projection1.*`,
/// `projection2.*`.
///
/// References: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations", ICLR; the `neuraloperator` library.
public struct FNO: ConfiguredModel {
  /// The name checkpoints record for FNO models.
  public static let kind = "fno"

  /// The configuration that built the model.
  public internal(set) var configuration: FNOConfiguration
  /// Pointwise lifting (a 1×…×1 convolution).
  public var lifting: Conv
  /// The spectral convolutions, one per Fourier layer.
  public var spectral: [SpectralConv]
  /// The pointwise skips, one per Fourier layer.
  public var skip: [Conv]
  /// First projection layer (pointwise).
  public var projection1: Conv
  /// Second projection layer (pointwise).
  public var projection2: Conv

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: FNOConfiguration, using generator: inout G) {
    self.configuration = configuration
    let d = configuration.modes.count
    let pointwise = Array(repeating: 1, count: d)
    let inputs = configuration.inputChannels + (configuration.appendsCoordinates ? d : 0)
    lifting = Conv(inputChannels: inputs, outputChannels: configuration.width, kernel: pointwise, using: &generator)
    spectral = (0..<configuration.layers).map { i in
      let modes = i == configuration.layers - 1 ? configuration.outputLayerModes ?? configuration.modes : configuration.modes
      return SpectralConv(inputChannels: configuration.width, outputChannels: configuration.width, modes: modes, using: &generator)
    }
    skip = (0..<configuration.layers).map { _ in
      Conv(inputChannels: configuration.width, outputChannels: configuration.width, kernel: pointwise, using: &generator)
    }
    projection1 = Conv(inputChannels: configuration.width, outputChannels: configuration.projection, kernel: pointwise, using: &generator)
    projection2 = Conv(
      inputChannels: configuration.projection, outputChannels: configuration.outputChannels, kernel: pointwise, using: &generator)
  }

  /// Applies the operator to a batch of input functions sampled on a uniform grid.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    var v = try lifting(configuration.appendsCoordinates ? FNO.appendingCoordinates(x) : x)
    let padding = configuration.paddingPerAxis
    let padded = padding.contains { $0 > 0 }
    if padded { v = try v.padded(padding.map { (0, $0) }) }
    for i in 0..<configuration.layers {
      v = try spectral[i](v) + skip[i](v)
      if i < configuration.layers - 1 { v.formGELU() }
    }
    if padded { v = try v.sliced(v.shape.enumerated().map { axis, n in 0..<(axis < 2 ? n : n - padding[axis - 2]) }) }
    var hidden = try projection1(v)
    hidden.formGELU()
    return try projection2(hidden)
  }

  /// `x` with one channel per spatial axis holding that axis' coordinate, `linspace(0, 1, n)`.
  static func appendingCoordinates(_ x: Tensor) throws -> Tensor {
    let spatial = Array(x.shape.dropFirst(2))
    var channels = [x]
    for (axis, n) in spatial.enumerated() {
      let line = (0..<n).map { n > 1 ? Float($0) / Float(n - 1) : 0 }
      var shape = Array(repeating: 1, count: x.rank)
      shape[2 + axis] = n
      let coordinate = try Tensor(shape: shape, scalars: line).broadcasted(to: [x.shape[0], 1] + spatial)
      channels.append(coordinate)
    }
    return try Tensor.concatenated(channels, alongAxis: 1)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try lifting.visitParameters { try visit(parameterPath("lifting", $0), $1) }
    for i in 0..<configuration.layers {
      try spectral[i].visitParameters { try visit(parameterPath("spectral.\(i)", $0), $1) }
      try skip[i].visitParameters { try visit(parameterPath("skip.\(i)", $0), $1) }
    }
    try projection1.visitParameters { try visit(parameterPath("projection1", $0), $1) }
    try projection2.visitParameters { try visit(parameterPath("projection2", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try lifting.updateParameters { try update(parameterPath("lifting", $0), &$1) }
    for i in 0..<configuration.layers {
      try spectral[i].updateParameters { try update(parameterPath("spectral.\(i)", $0), &$1) }
      try skip[i].updateParameters { try update(parameterPath("skip.\(i)", $0), &$1) }
    }
    try projection1.updateParameters { try update(parameterPath("projection1", $0), &$1) }
    try projection2.updateParameters { try update(parameterPath("projection2", $0), &$1) }
  }
}
