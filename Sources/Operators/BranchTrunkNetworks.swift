import Layers
import Tensors

/// The learned parts of a DeepONet: the branch network `[m] → [K·p]`, the trunk network
/// `[d] → [K·p]` — perceptrons of real (``Linear``) or complex (``ComplexLinear``) layers — and
/// the output bias. Shared by ``DeepONet`` and ``ComplexDeepONet``, which differ only in how they
/// combine them.
///
/// Parameter paths: `branch.layers.{i}.weight|bias`, `trunk.layers.{i}.weight|bias`, `bias`.
public struct BranchTrunkNetworks<Layer: DenseLayer>: Module, Sendable {
  /// The branch network.
  public var branch: Perceptron<Layer>
  /// The trunk network.
  public var trunk: Perceptron<Layer>
  /// The output bias `c`: `[K]`, or `[K, 2]` for complex models.
  public var bias: Tensor

  /// Networks of the widths and initialization `configuration` asks for, drawn from
  /// `generator`; the bias starts at zero with shape `biasShape`.
  init<G: RandomNumberGenerator>(_ configuration: DeepONetConfiguration, biasShape: [Int], using generator: inout G) {
    let (activation, initialization) = (configuration.activation, configuration.initialization ?? .uniform)
    branch = Perceptron(
      widths: configuration.branchLayerWidths, activation: activation, initialization: initialization, using: &generator)
    trunk = Perceptron(widths: configuration.trunkLayerWidths, activation: activation, initialization: initialization, using: &generator)
    bias = Tensor(zeros: biasShape)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try branch.visitParameters { try visit(parameterPath("branch", $0), $1) }
    try trunk.visitParameters { try visit(parameterPath("trunk", $0), $1) }
    try visit("bias", bias)
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try branch.updateParameters { try update(parameterPath("branch", $0), &$1) }
    try trunk.updateParameters { try update(parameterPath("trunk", $0), &$1) }
    try update("bias", &bias)
  }
}
