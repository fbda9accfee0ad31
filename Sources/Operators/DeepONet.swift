import Layers
import Tensors

/// The hyperparameters of a ``DeepONet`` (and of a ``ComplexDeepONet``).
public struct DeepONetConfiguration: ModelConfiguration {
  /// Values of the input function per sample (the branch input, `m`): the input grid's points
  /// times its channels.
  public var sensors: Int
  /// Dimension `d` of the query coordinates (the trunk input).
  public var queryDimension: Int
  /// Output components, each with its own `basis` functions (a complex model's components are
  /// complex and take two real channels each).
  public var outputs: Int
  /// Hidden widths of the branch network.
  public var branchWidths: [Int]
  /// Hidden widths of the trunk network.
  public var trunkWidths: [Int]
  /// Basis functions per output component, `p`.
  public var basis: Int
  /// The nonlinearity of both networks (for complex models: applied to real and imaginary parts).
  public var activation: Activation
  /// Points per axis of the output grid the Cartesian layout queries (`linspace(0, 1, n)` per
  /// axis); nil: the input grid.
  public var queryShape: [Int]?
  /// Axes of `[0, 1]^d` whose two walls are perfect conductors: the output is then a vector
  /// field (`outputs = queryDimension`) whose tangential components vanish on those walls by
  /// construction (see `DeepONet+ConductingWalls.swift`); nil: no constraint.
  public var conductingWalls: [Int]?
  /// How the branch and trunk layers start; nil (configurations written before the choice
  /// existed) is ``WeightInitialization/uniform``.
  public var initialization: WeightInitialization?

  /// A configuration; the defaults are the DeepONet paper's antiderivative network (branch and
  /// trunk of depth 2, width 40, ReLU, `p = 40`, Glorot-normal weights and zero biases).
  public init(
    sensors: Int, queryDimension: Int, outputs: Int = 1, branchWidths: [Int] = [40], trunkWidths: [Int] = [40], basis: Int = 40,
    activation: Activation = .relu, queryShape: [Int]? = nil, conductingWalls: [Int]? = nil,
    initialization: WeightInitialization = .glorotNormal
  ) {
    self.sensors = sensors
    self.queryDimension = queryDimension
    self.outputs = outputs
    self.branchWidths = branchWidths
    self.trunkWidths = trunkWidths
    self.basis = basis
    self.activation = activation
    self.queryShape = queryShape
    self.conductingWalls = conductingWalls
    self.initialization = initialization
  }

  /// Checks that the numbers make a model.
  /// - Throws: ``DeepONetConfigurationError`` naming the first value that does not.
  public func validate() throws {
    func fail(_ message: String) -> DeepONetConfigurationError { DeepONetConfigurationError(message: message) }
    guard sensors >= 1 else { throw fail("sensors must be at least 1, got \(sensors)") }
    guard (1...3).contains(queryDimension) else { throw fail("query dimension must be 1, 2 or 3, got \(queryDimension)") }
    guard outputs >= 1 else { throw fail("outputs must be at least 1, got \(outputs)") }
    guard basis >= 1 else { throw fail("basis must be at least 1, got \(basis)") }
    if let w = (branchWidths + trunkWidths).first(where: { $0 < 1 }) { throw fail("hidden widths must be positive, got \(w)") }
    if let q = queryShape, q.count != queryDimension || q.contains(where: { $0 < 1 }) {
      throw fail("query grid \(q) is not a \(queryDimension)D grid")
    }
    try validateConductingWalls()
    let layers = [branchLayerWidths, trunkLayerWidths].flatMap { widths in zip(widths, widths.dropFirst()).map { [$0 + 1, $1] } }
    try ModelConfigurationError.requireMemory(forParameters: layers, model: "deeponet")
  }

  /// Checks that an input batch `[batch, channels, spatial…]` holds `sensors` values per sample
  /// on a `queryDimension`-dimensional grid (the branch is tied to its sensors).
  public func validate(input shape: [Int]) throws {
    guard shape.count == queryDimension + 2, shape.dropFirst().reduce(1, *) == sensors else {
      throw ModelConfigurationError(
        model: "deeponet", message: "takes \(sensors) sensor values per sample on a \(queryDimension)D grid, got an input of shape \(shape)")
    }
  }

  /// Branch layer widths, input to output.
  var branchLayerWidths: [Int] { [sensors] + branchWidths + [outputs * basis] }
  /// Trunk layer widths, input to output.
  var trunkLayerWidths: [Int] { [queryDimension] + trunkWidths + [outputs * basis] }
}

/// A DeepONet configuration that cannot build a model.
public struct DeepONetConfigurationError: Error, Equatable, CustomStringConvertible {
  /// What is wrong.
  public let message: String
  public var description: String { "DeepONet configuration: \(message)" }
}

/// DeepONet (Lu et al. 2021): `G(u)(y)_k = Σ_j b_{kj}(u) t_{kj}(y) + c_k`, the branch network
/// `b` reading the input function at `m` fixed sensors and the trunk network `t` reading the
/// query point `y`; one set of `p` basis functions per output component `k` (the "unstacked"
/// DeepONet). The trunk's last layer is activated as in the paper; the branch's is linear.
///
/// Two layouts:
/// - **Cartesian product** (``callAsFunction(_:)``, what the shared ``Trainer`` uses): every
///   input function is queried on the same uniform grid, the points of `linspace(0, 1, n)` per
///   axis of the data; the trunk runs once per grid point and all outputs come from one batched
///   matrix product `[K, B, p] × [K, p, q]`.
/// - **Pointwise triples** (``callAsFunction(branchInputs:queries:)``): sample `i` is queried at
///   its own point, for unaligned data.
///
/// Parameter paths: `branch.layers.{i}.weight|bias`, `trunk.layers.{i}.weight|bias`, `bias`.
public struct DeepONet: ConfiguredModel {
  /// The name checkpoints record for DeepONet models.
  public static let kind = "deeponet"

  /// The configuration that built the model (its query grid changes with ``querying(_:)``).
  public private(set) var configuration: DeepONetConfiguration
  /// The branch and trunk networks and the output bias.
  public var networks: BranchTrunkNetworks<Linear>

  /// A model initialized from `generator`.
  public init<G: RandomNumberGenerator>(_ configuration: DeepONetConfiguration, using generator: inout G) {
    self.configuration = configuration
    networks = BranchTrunkNetworks(configuration, biasShape: [configuration.outputs], using: &generator)
  }

  /// The operator on a batch of input functions `[B, C, n₁, …]` (`C · Π nᵢ = sensors`), queried
  /// on the same grid or on ``DeepONetConfiguration/queryShape``: `[B, K, q₁, …]`.
  /// - Throws: ``TensorError`` if the input does not have `sensors` values per sample or its
  ///   grid is not `queryDimension`-dimensional.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let c = configuration
    let spatial = try DeepONet.queryGrid(for: x, configuration: c)
    let (batch, points, k, p) = (x.shape[0], spatial.reduce(1, *), c.outputs, c.basis)
    let coefficients = try networks.branch(x.reshaped(to: [batch, c.sensors]))  // [B, K·p]
    let basis = try c.activation(networks.trunk(DeepONet.gridCoordinates(spatial)))  // [q, K·p]
    let b = try coefficients.reshaped(to: [batch, k, p]).permuted([1, 0, 2])  // [K, B, p]
    let t = try basis.reshaped(to: [points, k, p]).permuted([1, 2, 0])  // [K, p, q]
    var y = try b.matmul(t).permuted([1, 0, 2]) + networks.bias.reshaped(to: [k, 1])  // [B, K, q]
    if let walls = try c.wallFactors(grid: spatial) { y = try y * walls }
    return try y.reshaped(to: [batch, k] + spatial)
  }

  /// The same network queried on another output grid (nil: the input grid) — the trunk takes
  /// any points, so a model trained on a few query points evaluates on a fine grid.
  public func querying(_ grid: [Int]?) -> DeepONet {
    var copy = self
    copy.configuration.queryShape = grid
    return copy
  }

  /// The operator at per-sample query points: input functions `[B, C, n₁, …]` (`sensors`
  /// values each), points `[B, P, d]`; returns `[B, K, P]` — unaligned data, where every
  /// function is observed at its own points. One batched product `[B, K, 1, p] × [B, K, p, P]`.
  /// - Throws: ``TensorError`` for inputs or points of other shapes.
  public func callAsFunction(_ x: Tensor, queries y: Tensor) throws -> Tensor {
    let c = configuration
    let (batch, k, p) = (x.shape[0], c.outputs, c.basis)
    guard x.shape.dropFirst().reduce(1, *) == c.sensors, y.rank == 3, y.shape[0] == batch, y.shape[2] == c.queryDimension else {
      throw TensorError.shapeMismatch(
        operation: "DeepONet (\(c.sensors) sensors, \(c.queryDimension)D queries)", shapes: [x.shape, y.shape])
    }
    let points = y.shape[1]
    let b = try networks.branch(x.reshaped(to: [batch, c.sensors])).reshaped(to: [batch, k, 1, p])
    let t = try c.activation(networks.trunk(y.reshaped(to: [batch * points, c.queryDimension])))
      .reshaped(to: [batch, points, k, p]).permuted([0, 2, 3, 1])  // [B, K, p, P]
    let out = try b.matmul(t).reshaped(to: [batch, k, points]) + networks.bias.reshaped(to: [k, 1])
    guard c.conductingWalls != nil else { return out }
    let walls = try Tensor(shape: [batch, points, k], scalars: c.wallFactors(points: y.scalars))
    return try out * walls.permuted([0, 2, 1])
  }

  /// The operator on unaligned triples: input functions `[N, sensors]`, one query point per
  /// sample `[N, d]`; returns `[N, K]`.
  /// - Throws: ``TensorError`` for inputs of other shapes.
  public func callAsFunction(branchInputs u: Tensor, queries y: Tensor) throws -> Tensor {
    let c = configuration
    guard u.rank == 2, u.shape[1] == c.sensors, y.rank == 2, y.shape == [u.shape[0], c.queryDimension] else {
      throw TensorError.shapeMismatch(
        operation: "DeepONet (\(c.sensors) sensors, \(c.queryDimension)D queries)", shapes: [u.shape, y.shape])
    }
    let n = u.shape[0]
    let b = try networks.branch(u).reshaped(to: [n, c.outputs, c.basis])
    let t = try c.activation(networks.trunk(y)).reshaped(to: [n, c.outputs, c.basis])
    let out = try (b * t).summed(alongAxes: [2]) + networks.bias
    guard c.conductingWalls != nil else { return out }
    return try out * Tensor(shape: [n, c.outputs], scalars: c.wallFactors(points: y.scalars))
  }

  /// The grid a Cartesian batch is queried on (``DeepONetConfiguration/queryShape`` or the
  /// input's), after checking the input against the configuration.
  static func queryGrid(for x: Tensor, configuration c: DeepONetConfiguration) throws -> [Int] {
    let spatial = Array(x.shape.dropFirst(2))
    guard x.rank >= 3, x.shape.dropFirst().reduce(1, *) == c.sensors, spatial.count == c.queryDimension else {
      throw TensorError.invalidShape(
        operation: "DeepONet",
        message: "input \(x.shape) does not fit \(c.sensors) sensors on a \(c.queryDimension)D grid (the branch is tied to its sensor grid)"
      )
    }
    return c.queryShape ?? spatial
  }

  /// The points of the uniform grid `spatial` on `[0, 1]^d` (`linspace(0, 1, n)` per axis),
  /// row-major: `[Π nᵢ, d]`.
  public static func gridCoordinates(_ spatial: [Int]) throws -> Tensor {
    let points = spatial.reduce(1, *)
    var values = [Float](repeating: 0, count: points * spatial.count)
    for flat in 0..<points {
      var rest = flat
      for axis in spatial.indices.reversed() {
        let n = spatial[axis]
        values[flat * spatial.count + axis] = n > 1 ? Float(rest % n) / Float(n - 1) : 0
        rest /= n
      }
    }
    return try Tensor(shape: [points, spatial.count], scalars: values)
  }

  /// True: the trunk takes any query points.
  public static var queriesAnyGrid: Bool { true }

  /// The same network queried on the output grid `shape` (``querying(_:)``).
  public func querying(outputGrid shape: [Int]) -> DeepONet { querying(shape) }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows { try networks.visitParameters(visit) }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try networks.updateParameters(update)
  }
}
