import Tensors

/// An elementwise nonlinearity, chosen by name in configurations.
public enum Activation: String, Sendable, Codable, CaseIterable {
  /// `max(x, 0)`.
  case relu
  /// `x Φ(x)` (exact GELU).
  case gelu
  /// `tanh x`.
  case tanh
  /// `x σ(x)`.
  case silu

  /// Applies the activation.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    switch self {
    case .relu: return x.relu()
    case .gelu: return x.gelu()
    case .tanh: return x.tanh()
    case .silu: return x.silu()
    }
  }
}

/// A layer an MLP can stack: maps `[…, inputFeatures]` (complex layers: `[…, inputFeatures, 2]`)
/// to the same with `outputFeatures`.
public protocol DenseLayer: Module, Sendable {
  /// A layer initialized from `generator` as `initialization` says.
  init<G: RandomNumberGenerator>(
    inputFeatures: Int, outputFeatures: Int, initialization: WeightInitialization, using generator: inout G)
  /// Applies the layer.
  func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// A multilayer perceptron: `Layer → activation → … → Layer` (no activation after the last
/// layer). `widths` lists the feature counts from input to output, e.g. `[1, 64, 64, 1]`.
/// Parameter paths: `layers.0.weight`, `layers.0.bias`, `layers.1.weight`, ….
///
/// ``MLP`` stacks ``Linear`` layers; ``ComplexMLP`` stacks ``ComplexLinear`` layers, where the
/// activation is applied to real and imaginary parts separately (split activation).
public struct Perceptron<Layer: DenseLayer>: Module, Sendable {
  /// The layers, input first.
  public var layers: [Layer]
  /// The nonlinearity between layers.
  public var activation: Activation

  /// An MLP with the given widths (at least two), initialized from `generator` (every layer as
  /// `initialization` says).
  public init<G: RandomNumberGenerator>(
    widths: [Int], activation: Activation = .gelu, initialization: WeightInitialization = .uniform, using generator: inout G
  ) {
    precondition(widths.count >= 2, "an MLP needs an input and an output width")
    layers = zip(widths, widths.dropFirst()).map {
      Layer(inputFeatures: $0, outputFeatures: $1, initialization: initialization, using: &generator)
    }
    self.activation = activation
  }

  /// Applies the network to `[…, widths.first]`, giving `[…, widths.last]` (complex layers:
  /// with a trailing axis of 2).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    var h = x
    for (i, layer) in layers.enumerated() {
      h = try layer(h)
      if i < layers.count - 1 { h = activation(h) }
    }
    return h
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    for (i, layer) in layers.enumerated() { try layer.visitParameters { try visit(parameterPath("layers.\(i)", $0), $1) } }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    for i in layers.indices { try layers[i].updateParameters { try update(parameterPath("layers.\(i)", $0), &$1) } }
  }
}

/// A real multilayer perceptron of ``Linear`` layers.
public typealias MLP = Perceptron<Linear>

extension Linear: DenseLayer {
  /// A layer with bias (see ``init(inputFeatures:outputFeatures:bias:initialization:using:)``).
  public init<G: RandomNumberGenerator>(
    inputFeatures: Int, outputFeatures: Int, initialization: WeightInitialization, using generator: inout G
  ) {
    self.init(inputFeatures: inputFeatures, outputFeatures: outputFeatures, bias: true, initialization: initialization, using: &generator)
  }
}
