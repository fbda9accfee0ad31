import Foundation
import Tensors

/// A fully connected layer `y = x Wᵀ + b` on the last axis.
///
/// Shapes: `x` is `[…, inputFeatures]`, `y` is `[…, outputFeatures]`; `weight` is
/// `[outputFeatures, inputFeatures]` and `bias` `[outputFeatures]` (PyTorch's layout, so
/// checkpoints map one to one). Initialization follows PyTorch's default: weight and bias
/// uniform in `±1/√inputFeatures` (Kaiming-uniform with `a = √5`).
public struct Linear: WeightAndBiasLayer, Sendable {
  /// `[outputFeatures, inputFeatures]`.
  public var weight: Tensor
  /// `[outputFeatures]`, or nil for a layer without bias.
  public var bias: Tensor?

  /// A layer initialized from `generator` (PyTorch's default unless `initialization` says
  /// otherwise).
  public init<G: RandomNumberGenerator>(
    inputFeatures: Int, outputFeatures: Int, bias: Bool = true, initialization: WeightInitialization = .uniform,
    using generator: inout G
  ) {
    let shape = [outputFeatures, inputFeatures]
    switch initialization {
    case .uniform:
      let bound = 1 / Float(inputFeatures).squareRoot()
      weight = Initializer.uniform(shape: shape, bound: bound, using: &generator)
      self.bias = bias ? Initializer.uniform(shape: [outputFeatures], bound: bound, using: &generator) : nil
    case .glorotNormal:
      weight = Initializer.glorotNormal(shape: shape, fanIn: inputFeatures, fanOut: outputFeatures, using: &generator)
      self.bias = bias ? Tensor(zeros: [outputFeatures]) : nil
    }
  }

  /// Applies the layer.
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` if the last axis of `x` is not
  ///   `inputFeatures`.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let lead = Array(x.shape.dropLast())
    let flat = try x.reshaped(to: [-1, x.shape.last ?? 0])
    var y = try flat.matmul(weight.transposed())
    if let bias { y = try y + bias }
    return try y.reshaped(to: lead + [weight.shape[0]])
  }
}

/// Weight initializations from a seedable generator.
public enum Initializer {
  /// Uniform in `[−bound, bound)`.
  public static func uniform<G: RandomNumberGenerator>(shape: [Int], bound: Float, using generator: inout G) -> Tensor {
    let values = (0..<shape.reduce(1, *)).map { _ in generator.uniformFloat(in: -bound..<bound) }
    // Safe: the count matches the shape by construction.
    return (try? Tensor(shape: shape, scalars: values))!
  }

  /// Kaiming (He) uniform for ReLU-like activations: bound `√(6 / fanIn)`.
  public static func kaimingUniform<G: RandomNumberGenerator>(shape: [Int], fanIn: Int, using generator: inout G) -> Tensor {
    uniform(shape: shape, bound: (6 / Float(fanIn)).squareRoot(), using: &generator)
  }

  /// Normal with mean 0 and standard deviation `standardDeviation` (Box–Muller from two
  /// uniforms per pair of values).
  public static func normal<G: RandomNumberGenerator>(shape: [Int], standardDeviation: Float, using generator: inout G) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float]()
    values.reserveCapacity(count + 1)
    while values.count < count {
      let radius = (-2 * Foundation.log(generator.uniformFloat(in: Float.ulpOfOne..<1))).squareRoot()
      let angle = 2 * Float.pi * generator.uniformFloat(in: 0..<1)
      values += [radius * Foundation.cos(angle), radius * Foundation.sin(angle)].map { $0 * standardDeviation }
    }
    // Safe: the count matches the shape by construction.
    return (try? Tensor(shape: shape, scalars: Array(values.prefix(count))))!
  }

  /// Xavier (Glorot) normal: standard deviation `√(2 / (fanIn + fanOut))`.
  public static func glorotNormal<G: RandomNumberGenerator>(shape: [Int], fanIn: Int, fanOut: Int, using generator: inout G) -> Tensor {
    normal(shape: shape, standardDeviation: (2 / Float(fanIn + fanOut)).squareRoot(), using: &generator)
  }

  /// Xavier (Glorot) uniform: bound `√(6 / (fanIn + fanOut))`.
  public static func xavierUniform<G: RandomNumberGenerator>(shape: [Int], fanIn: Int, fanOut: Int, using generator: inout G) -> Tensor {
    uniform(shape: shape, bound: (6 / Float(fanIn + fanOut)).squareRoot(), using: &generator)
  }
}
