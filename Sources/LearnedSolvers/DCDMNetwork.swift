import Foundation
import Layers
import Tensors

/// The hyperparameters of a ``DCDMNetwork``.
public struct DCDMConfiguration: ModelConfiguration {
  /// Spatial dimension of the grids, 2 or 3.
  public var dimension: Int
  /// Feature channels at every resolution.
  public var width: Int
  /// Residual blocks on the way down and on the way up, per level.
  public var blocks: Int
  /// Grids are halved while every extent is even and larger than this.
  public var coarsest: Int
  /// At most this many levels, finest included (nil: as many as the grid allows). Training
  /// sets it to the depth of the training grid: on larger grids the network then runs the
  /// V-cycle it was trained as, on a finer top level, instead of cascading through levels it
  /// never composed (at 256² a 64²-trained network needs 15 iterations with 5 levels, 177 with 7).
  public var maxLevels: Int?

  /// A configuration; the defaults train in minutes on two cores.
  public init(dimension: Int = 2, width: Int = 8, blocks: Int = 2, coarsest: Int = 4, maxLevels: Int? = nil) {
    self.dimension = dimension
    self.width = width
    self.blocks = blocks
    self.coarsest = coarsest
    self.maxLevels = maxLevels
  }

  /// Checks that the numbers make a network.
  /// - Throws: ``DCDMError/invalidConfiguration(_:)`` naming the first bad value.
  public func validate() throws {
    guard (2...3).contains(dimension) else { throw DCDMError.invalidConfiguration("dimension must be 2 or 3, got \(dimension)") }
    guard width >= 1, blocks >= 1 else { throw DCDMError.invalidConfiguration("width and blocks must be at least 1") }
    guard coarsest >= 2 else { throw DCDMError.invalidConfiguration("the coarsest grid must have at least 2 points per axis") }
    if let maxLevels, maxLevels < 1 { throw DCDMError.invalidConfiguration("maxLevels must be at least 1, got \(maxLevels)") }
  }

  /// The extents of every level of a grid `spatial`, finest first.
  public func levels(for spatial: [Int]) -> [[Int]] {
    var levels = [spatial]
    while levels.count < maxLevels ?? .max, let last = levels.last, last.allSatisfy({ $0 % 2 == 0 && $0 > coarsest }) {
      levels.append(last.map { $0 / 2 })
    }
    return levels
  }
}

/// Errors of the learned solver.
public enum DCDMError: Error, Equatable, CustomStringConvertible {
  /// A configuration or option that cannot work.
  case invalidConfiguration(String)
  /// A grid, mask or vector that does not fit the network or the matrix.
  case shapeMismatch(String)

  public var description: String {
    switch self {
    case .invalidConfiguration(let m): "DCDM: \(m)"
    case .shapeMismatch(let m): "DCDM: \(m)"
    }
  }
}

/// The network of DCDM (Kaneda et al. 2023): a convolutional approximation of the action of
/// `A⁻¹` (up to a scale) for the discrete Poisson operator, mapping a residual `r` on the grid,
/// `[B, 1, n₁, …]`, to a search direction of the same shape.
///
/// Architecture, in the paper's family of convolutions at several resolutions with down- and
/// upsampling and skips, arranged as a multigrid V-cycle with weights shared across levels:
/// a lifting convolution to `width` channels; on the way down, `blocks` residual blocks
/// (`h + conv(relu(conv(h)))`, 3^d kernels, zero padding — the Dirichlet boundary) and 2^d
/// average pooling, until the grid reaches ``DCDMConfiguration/coarsest``; on the way up,
/// (bi/tri)linear upsampling scaled by a learned gain (the coarse inverse is larger by about
/// 4 per level), added to the skip of that level, and `blocks` residual blocks; a projection to
/// one channel. Sharing the weights across levels lets the network run on any grid; it keeps
/// the depth it was trained with (``DCDMConfiguration/maxLevels``). Convolutions
/// have no biases and the activations are ReLU, so the map is positively homogeneous
/// (`f(c r) = c f(r)`, `c > 0`): the residual's scale does not matter.
///
/// Training (unsupervised, scale-invariant): ``callAsFunction(_:)`` returns `α A f(b)` with
/// `α = bᵀA f / ‖A f‖²` the best scale, so the trainer's relative L2 loss against `b` itself is
/// `‖b − α A f(b)‖ / ‖b‖` — the sine of the angle between `b` and `A f(b)`, zero exactly when
/// `f(b) ∝ A⁻¹ b`. `A` is the 5-/7-point Laplacian applied as a fixed convolution.
///
/// Parameter paths: `lift.weight`, `down.{i}.{first,second}.weight`, `up.{i}.{first,second}.weight`,
/// `coarseGain`, `project.weight`.
public struct DCDMNetwork: ConfiguredModel {
  /// The name checkpoints record for DCDM networks.
  public static let kind = "dcdm"

  /// The configuration that built the network.
  public let configuration: DCDMConfiguration
  /// `1 → width` channels.
  public var lift: Conv
  /// Residual blocks before each coarsening.
  public var down: [ResidualBlock]
  /// Residual blocks after each refinement.
  public var up: [ResidualBlock]
  /// Scale of the upsampled coarse correction, `[1]`.
  public var coarseGain: Tensor
  /// `width → 1` channels.
  public var project: Conv

  /// A network initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: DCDMConfiguration, using generator: inout G) {
    self.configuration = configuration
    let (c, kernel) = (configuration.width, Array(repeating: 3, count: configuration.dimension))
    let padding = kernel.map { _ in 1 }
    lift = Conv(inputChannels: 1, outputChannels: c, kernel: kernel, padding: padding, bias: false, using: &generator)
    down = (0..<configuration.blocks).map { _ in ResidualBlock(width: c, dimension: configuration.dimension, using: &generator) }
    up = (0..<configuration.blocks).map { _ in ResidualBlock(width: c, dimension: configuration.dimension, using: &generator) }
    coarseGain = Tensor(flat: [1])
    project = Conv(inputChannels: c, outputChannels: 1, kernel: kernel, padding: padding, bias: false, using: &generator)
  }

  /// The search direction `f(r)` for residuals `[B, 1, n₁, …]` (same shape).
  /// - Throws: ``TensorError`` for inputs of another dimension or channel count.
  public func direction(_ r: Tensor) throws -> Tensor {
    let d = configuration.dimension
    guard r.rank == d + 2, r.shape[1] == 1 else {
      throw TensorError.invalidShape(operation: "DCDM", message: "expected [batch, 1, \(d) grid axes], got \(r.shape)")
    }
    let levels = configuration.levels(for: Array(r.shape.dropFirst(2)))
    var skips = [Tensor]()
    var h = try lift(r)
    for level in levels.indices {
      for block in down { h = try block(h) }
      skips.append(h)
      if level + 1 < levels.count { h = try h.averagePooled(kernel: Array(repeating: 2, count: d)) }
    }
    for level in levels.indices.dropLast().reversed() {
      h = try h.resized(to: levels[level]) * coarseGain + skips[level]
      for block in up { h = try block(h) }
    }
    return try project(h)
  }

  /// The training view: `α A f(b)` with the best scale `α` per sample (see the type's notes);
  /// its relative L2 distance to `b` is the DCDM loss.
  public func callAsFunction(_ b: Tensor) throws -> Tensor {
    let f = try direction(b)
    let af = try PoissonStencil.apply(f, dimension: configuration.dimension)
    let axes = Array(1..<b.rank)
    let numerator = try (b * af).summed(alongAxes: axes, keepingAxes: true)
    let denominator = try af.squared().summed(alongAxes: axes, keepingAxes: true) + Tensor(1e-20)
    return try af * (numerator / denominator)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try lift.visitParameters { try visit(parameterPath("lift", $0), $1) }
    for (i, block) in down.enumerated() { try block.visitParameters { try visit(parameterPath("down.\(i)", $0), $1) } }
    for (i, block) in up.enumerated() { try block.visitParameters { try visit(parameterPath("up.\(i)", $0), $1) } }
    try visit("coarseGain", coarseGain)
    try project.visitParameters { try visit(parameterPath("project", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try lift.updateParameters { try update(parameterPath("lift", $0), &$1) }
    for i in down.indices { try down[i].updateParameters { try update(parameterPath("down.\(i)", $0), &$1) } }
    for i in up.indices { try up[i].updateParameters { try update(parameterPath("up.\(i)", $0), &$1) } }
    try update("coarseGain", &coarseGain)
    try project.updateParameters { try update(parameterPath("project", $0), &$1) }
  }
}

/// `h + conv₂(relu(conv₁(h)))` with bias-free 3^d convolutions and zero padding.
///
/// Parameter paths: `first.weight`, `second.weight`.
public struct ResidualBlock: Module, Sendable {
  /// The first convolution.
  public var first: Conv
  /// The second convolution.
  public var second: Conv

  /// A block of `width` channels in `dimension` spatial axes.
  public init<G: RandomNumberGenerator>(width: Int, dimension: Int, using generator: inout G) {
    let kernel = Array(repeating: 3, count: dimension), padding = Array(repeating: 1, count: dimension)
    first = Conv(inputChannels: width, outputChannels: width, kernel: kernel, padding: padding, bias: false, using: &generator)
    second = Conv(inputChannels: width, outputChannels: width, kernel: kernel, padding: padding, bias: false, using: &generator)
  }

  /// Applies the block.
  public func callAsFunction(_ h: Tensor) throws -> Tensor { try h + second(first(h).relu()) }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try first.visitParameters { try visit(parameterPath("first", $0), $1) }
    try second.visitParameters { try visit(parameterPath("second", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try first.updateParameters { try update(parameterPath("first", $0), &$1) }
    try second.updateParameters { try update(parameterPath("second", $0), &$1) }
  }
}
