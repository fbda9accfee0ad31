import Foundation
import Tensors

/// A fully connected layer in complex arithmetic, `y = x W + b`, on complex tensors (last axis
/// `(re, im)`).
///
/// Shapes: `x` is `[…, inputFeatures, 2]`, `y` is `[…, outputFeatures, 2]`; `weight` is
/// `[inputFeatures, outputFeatures, 2]` and `bias` `[outputFeatures, 2]`. The product runs on
/// `cblas_cgemm`. Initialization: real and imaginary parts uniform in `±1/√(2·inputFeatures)`,
/// so `E|w|²` matches a real layer's `1/(3·inputFeatures)`-variance default.
public struct ComplexLinear: DenseLayer, WeightAndShiftLayer {
  /// `[inputFeatures, outputFeatures, 2]`.
  public var weight: Tensor
  /// `[outputFeatures, 2]`.
  public var bias: Tensor

  /// A layer initialized from `generator`: ``WeightInitialization/uniform`` as in the type's
  /// description; ``WeightInitialization/glorotNormal`` with real and imaginary parts of
  /// standard deviation `√(1 / (fanIn + fanOut))` (so `E|w|² = 2 / (fanIn + fanOut)`, the complex
  /// Glorot of Trabelsi et al. 2018) and zero biases.
  public init<G: RandomNumberGenerator>(
    inputFeatures: Int, outputFeatures: Int, initialization: WeightInitialization = .uniform, using generator: inout G
  ) {
    let shape = [inputFeatures, outputFeatures, 2]
    switch initialization {
    case .uniform:
      let bound = 1 / Float(2 * inputFeatures).squareRoot()
      weight = Initializer.uniform(shape: shape, bound: bound, using: &generator)
      bias = Initializer.uniform(shape: [outputFeatures, 2], bound: bound, using: &generator)
    case .glorotNormal:
      let deviation = (1 / Float(inputFeatures + outputFeatures)).squareRoot()
      weight = Initializer.normal(shape: shape, standardDeviation: deviation, using: &generator)
      bias = Tensor(zeros: [outputFeatures, 2])
    }
  }

  /// Applies the layer.
  /// - Throws: ``TensorError`` if `x` is not complex with `inputFeatures` on its second-to-last axis.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    guard x.rank >= 2, x.shape.last == 2, x.shape[x.rank - 2] == weight.shape[0] else {
      throw TensorError.shapeMismatch(operation: "ComplexLinear (\(weight.shape[0]) complex features)", shapes: [x.shape, weight.shape])
    }
    let lead = Array(x.shape.dropLast(2))
    let y = try x.reshaped(to: [-1, weight.shape[0], 2]).complexMatmul(weight) + bias
    return try y.reshaped(to: lead + [weight.shape[1], 2])
  }
}

/// A multilayer perceptron in complex arithmetic: `ComplexLinear → σ → … → ComplexLinear`.
///
/// The nonlinearity is **split**: the real ``Activation`` applied to real and imaginary parts
/// separately, `σ(x + iy) = σ(x) + iσ(y)` (CReLU for ReLU). It is differentiable wherever `σ` is,
/// reduces to the real network on real data, and needs no phase handling; modReLU, the other
/// common choice, has a learned threshold and a phase singularity at zero, which we avoid.
public typealias ComplexMLP = Perceptron<ComplexLinear>
