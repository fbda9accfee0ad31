import Datasets
import Layers
import Tensors

/// A DeepONet whose forward pass runs in complex arithmetic, for complex fields such as
/// time-harmonic waves: `G(u)(y)_k = Σ_j b_{kj}(u) t_{kj}(y) + c_k` with complex branch and trunk
/// networks (``ComplexMLP``: complex weights and biases, split activation), complex biases and
/// the bilinear complex inner product (no conjugation, so the output is holomorphic in the
/// basis coefficients). Real inputs and query points enter with zero imaginary part.
///
/// With ``DeepONetConfiguration/conductingWalls`` the complex vector field is assembled from
/// its components so that its tangential part vanishes on those walls (`n × E = 0`), as for
/// ``DeepONet``.
///
/// Data layout (Cartesian product, as ``DeepONet``): inputs `[B, C, n₁, …]`; outputs
/// `[B, 2K, n₁, …]` with the real and imaginary parts of component `k` in channels `2k` and
/// `2k + 1` — the layout of a complex `sol.npy` read by `OperatorDataset`.
///
/// Parameter paths: `branch.layers.{i}.weight|bias`, `trunk.layers.{i}.weight|bias`, `bias`.
public struct ComplexDeepONet: ConfiguredModel {
  /// The name checkpoints record for complex DeepONet models.
  public static let kind = "complex-deeponet"

  /// The configuration that built the model (widths count complex features).
  public let configuration: DeepONetConfiguration
  /// The branch and trunk networks and the output bias.
  public var networks: BranchTrunkNetworks<ComplexLinear>

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: DeepONetConfiguration, using generator: inout G) {
    self.configuration = configuration
    networks = BranchTrunkNetworks(configuration, biasShape: [configuration.outputs, 2], using: &generator)
  }

  /// The complex operator on a batch of real input functions `[B, C, n₁, …]` queried on the
  /// same grid, as real and imaginary channels `[B, 2K, n₁, …]`.
  /// - Throws: ``TensorError`` if the input does not fit the configuration.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let c = configuration
    let spatial = try DeepONet.queryGrid(for: x, configuration: c)
    let (batch, points, k, p) = (x.shape[0], spatial.reduce(1, *), c.outputs, c.basis)
    let coefficients = try networks.branch(x.reshaped(to: [batch, c.sensors]).embeddedAsComplex())  // [B, K·p, 2]
    let basis = try c.activation(networks.trunk(DeepONet.gridCoordinates(spatial).embeddedAsComplex()))  // [q, K·p, 2]
    let b = try coefficients.reshaped(to: [batch, k, p, 2]).permuted([1, 0, 2, 3])  // [K, B, p, 2]
    let t = try basis.reshaped(to: [points, k, p, 2]).permuted([1, 2, 0, 3])  // [K, p, q, 2]
    var y = try b.complexMatmul(t) + networks.bias.reshaped(to: [k, 1, 1, 2])  // [K, B, q, 2]
    if let walls = try c.wallFactors(grid: spatial) { y = try y * walls.reshaped(to: [k, 1, points, 1]) }
    return try y.permuted([1, 0, 3, 2]).reshaped(to: [batch, 2 * k] + spatial)  // [B, K, 2, q] → channels
  }

  /// True: outputs may sit on the configuration's query grid.
  public static var queriesAnyGrid: Bool { true }
  /// True: channel pairs are the real and imaginary parts of each component.
  public static var outputsAreComplex: Bool { true }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows { try networks.visitParameters(visit) }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try networks.updateParameters(update)
  }
}
