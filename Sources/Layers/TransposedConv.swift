import Tensors

/// A transposed convolution layer in 1, 2 or 3 dimensions (PyTorch's `ConvTranspose1d/2d/3d`):
/// the adjoint of a strided ``Conv``, used for learned upsampling and multigrid prolongation.
///
/// Shapes: input `[batch, inputChannels, spatial…]`, output `[batch, outputChannels,
/// (spatial − 1)·stride − 2·padding + kernel + outputPadding …]`; `weight` is
/// `[inputChannels, outputChannels, kernel…]` (PyTorch's layout) and `bias` `[outputChannels]`.
/// Initialization follows PyTorch: uniform in `±1/√fanIn`, `fanIn = outputChannels·Πkernel`.
public struct TransposedConv: WeightAndBiasLayer, Sendable {
  /// `[inputChannels, outputChannels, kernel…]`.
  public var weight: Tensor
  /// `[outputChannels]`, or nil.
  public var bias: Tensor?
  /// Upsampling factor per spatial axis.
  public let stride: [Int]

  /// A layer with `kernel.count` spatial axes, initialized from `generator`.
  public init<G: RandomNumberGenerator>(
    inputChannels: Int, outputChannels: Int, kernel: [Int], stride: [Int], bias: Bool = true, using generator: inout G
  ) {
    precondition((1...3).contains(kernel.count) && stride.count == kernel.count, "1 to 3 spatial axes, one stride per axis")
    let bound = 1 / Float(outputChannels * kernel.reduce(1, *)).squareRoot()
    weight = Initializer.uniform(shape: [inputChannels, outputChannels] + kernel, bound: bound, using: &generator)
    self.bias = bias ? Initializer.uniform(shape: [outputChannels], bound: bound, using: &generator) : nil
    self.stride = stride
  }

  /// Applies the layer with `padding` cells cropped from each side of the full output and
  /// `outputPadding` cells added at the high end (to reach an even fine extent).
  /// - Throws: ``TensorError`` naming the shapes when the input does not fit.
  public func callAsFunction(_ x: Tensor, padding: [Int]? = nil, outputPadding: [Int]? = nil) throws -> Tensor {
    try x.transposedConvolved(with: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
  }
}
