import Tensors

/// A convolution layer in 1, 2 or 3 dimensions, channel-first, with a choice of boundary padding.
///
/// Shapes: input `[batch, inputChannels, spatial…]`, output `[batch, outputChannels, spatial′…]`;
/// `weight` is `[outputChannels, inputChannels, kernel…]` and `bias` `[outputChannels]`
/// (PyTorch's layout). `padding` cells are added on both sides of every spatial axis with
/// `paddingMode`: `.zero` (Dirichlet-like), `.replicate` (Neumann-like) or `.circular`
/// (periodic). Initialization follows PyTorch: uniform in `±1/√fanIn`, `fanIn = inputChannels·Πkernel`.
public struct Conv: WeightAndBiasLayer, Sendable {
  /// `[outputChannels, inputChannels, kernel…]`.
  public var weight: Tensor
  /// `[outputChannels]`, or nil.
  public var bias: Tensor?
  /// Step between applications, per spatial axis.
  public let stride: [Int]
  /// Cells added on each side of every spatial axis.
  public let padding: [Int]
  /// How the padding is filled.
  public let paddingMode: Tensor.PaddingMode

  /// A layer with `kernel.count` spatial axes, initialized from `generator`.
  public init<G: RandomNumberGenerator>(
    inputChannels: Int, outputChannels: Int, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil,
    paddingMode: Tensor.PaddingMode = .zero, bias: Bool = true, using generator: inout G
  ) {
    precondition((1...3).contains(kernel.count), "1 to 3 spatial axes")
    let fanIn = inputChannels * kernel.reduce(1, *)
    let bound = 1 / Float(fanIn).squareRoot()
    weight = Initializer.uniform(shape: [outputChannels, inputChannels] + kernel, bound: bound, using: &generator)
    self.bias = bias ? Initializer.uniform(shape: [outputChannels], bound: bound, using: &generator) : nil
    self.stride = stride ?? kernel.map { _ in 1 }
    self.padding = padding ?? kernel.map { _ in 0 }
    self.paddingMode = paddingMode
  }

  /// Applies the layer.
  /// - Throws: ``TensorError`` naming the shapes when the input does not fit.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    if paddingMode == .zero || padding.allSatisfy({ $0 == 0 }) {
      return try x.convolved(with: weight, bias: bias, stride: stride, padding: padding)
    }
    let bordered = try x.padded(padding.map { (before: $0, after: $0) }, mode: paddingMode)
    return try bordered.convolved(with: weight, bias: bias, stride: stride)
  }
}
