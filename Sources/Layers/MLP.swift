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

/// A multilayer perceptron: `Linear → activation → … → Linear` (no activation after the last
/// layer). `widths` lists the feature counts from input to output, e.g. `[1, 64, 64, 1]`.
/// Parameter paths: `layers.0.weight`, `layers.0.bias`, `layers.1.weight`, ….
public struct MLP: Module, Sendable {
  /// The linear layers, input first.
  public var layers: [Linear]
  /// The nonlinearity between layers.
  public var activation: Activation

  /// An MLP with the given widths (at least two), initialized from `generator`.
  public init<G: RandomNumberGenerator>(widths: [Int], activation: Activation = .gelu, using generator: inout G) {
    precondition(widths.count >= 2, "an MLP needs an input and an output width")
    layers = zip(widths, widths.dropFirst()).map { Linear(inputFeatures: $0, outputFeatures: $1, using: &generator) }
    self.activation = activation
  }

  /// Applies the network to `[…, widths.first]`, giving `[…, widths.last]`.
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
