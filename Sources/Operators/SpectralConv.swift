import Layers
import Spectral
import Tensors

/// The Fourier layer's linear operator: `y = F⁻¹(R · F x)`, with `R` a learned complex weight on
/// the lowest Fourier modes and zero above them, in 1, 2 or 3 dimensions.
///
/// Modes kept: on every axis but the last, frequencies `0 ..< m` and their negatives
/// `n − m ..< n` (both signs); on the last (halved) axis, `0 ..< m` (see ``SpectralModeSet``).
/// Each of the `2^(d−1)` corner blocks has its own complex weights, stored together as
/// `weight: [2^(d−1), m₁, …, m_d, inputChannels, outputChannels, 2]` (interleaved, mode-major so
/// that each mode's `in × out` matrix is contiguous), contracted over input channels mode by
/// mode with one complex GEMM per mode. Because the weights live on modes, not grid points, the
/// same layer applies at any resolution with `n ≥ 2m` (zero-shot
/// super-resolution). Shapes: `x` is `[batch, inputChannels, n₁, …, n_d]`, `y` is
/// `[batch, outputChannels, n₁, …, n_d]`. Initialization as the reference implementation:
/// uniform in `[0, 1/(in·out))` for real and imaginary parts.
///
/// References: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations", ICLR.
public struct SpectralConv: Module, Sendable {
  /// The complex weights of all corner blocks, `[blocks, m₁, …, m_d, in, out, 2]`.
  public var weight: Tensor
  /// Modes kept per axis.
  public let modes: [Int]

  /// A layer keeping `modes` (one count per spatial axis), initialized from `generator`.
  public init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, modes: [Int], using generator: inout G) {
    precondition((1...3).contains(modes.count) && modes.allSatisfy { $0 >= 1 }, "1 to 3 spatial axes with at least one mode")
    self.modes = modes
    let scale = 1 / Float(inputChannels * outputChannels)
    let shape = [1 << (modes.count - 1)] + modes + [inputChannels, outputChannels, 2]
    let values = (0..<shape.reduce(1, *)).map { _ in generator.uniformFloat(in: 0..<scale) }
    // Safe: the count matches the shape by construction.
    weight = (try? Tensor(shape: shape, scalars: values))!
  }

  /// Applies the layer.
  /// - Throws: ``TensorError`` if the channels do not match or an axis is shorter than twice
  ///   its modes (or, on the last axis, than `2m − 1`).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let d = modes.count
    let (inChannels, outChannels) = (weight.shape[d + 1], weight.shape[d + 2])
    guard x.rank == d + 2, x.shape[1] == inChannels else {
      throw TensorError.shapeMismatch(operation: "SpectralConv", shapes: [x.shape, weight.shape])
    }
    let sizes = Array(x.shape.suffix(d))
    let kept = try SpectralModeSet(sizes: sizes, modes: modes)
    let spectrum = try x.realFFT(dimensions: d)  // [b, i, n₁, …, n_d/2+1, 2]
    // [modes, b, i, 2] × [modes, i, o, 2] → [modes, b, o, 2]
    let mixed = try kept.gathered(spectrum).complexMatmul(weight.reshaped(to: [kept.bins.count, inChannels, outChannels, 2]))
    return try kept.scattered(mixed).inverseRealFFT(sizes: sizes)
  }

  /// The same layer keeping `larger` modes per axis (each at least the current count): every
  /// frequency it kept keeps its weight — a negative frequency moves to its place in the larger
  /// corner — and the added frequencies start at zero, so on grids that hold both mode sets the
  /// output is unchanged. For fine-tuning without frequency truncation.
  public func expanded(toModes larger: [Int]) -> SpectralConv {
    precondition(larger.count == modes.count && zip(larger, modes).allSatisfy { $0 >= $1 }, "more modes on every axis")
    let d = modes.count
    let (blocks, channels) = (weight.shape[0], weight.shape[(d + 1)...].reduce(1, *))
    var values = [Float](repeating: 0, count: blocks * larger.reduce(1, *) * channels)
    let old = weight.scalars
    for block in 0..<blocks {
      for mode in 0..<modes.reduce(1, *) {
        var (rest, target) = (mode, 0)
        var index = [Int](repeating: 0, count: d)
        for axis in (0..<d).reversed() {
          index[axis] = rest % modes[axis]
          rest /= modes[axis]
        }
        for axis in 0..<d {
          let negative = axis < d - 1 && block >> axis & 1 == 1
          target = target * larger[axis] + index[axis] + (negative ? larger[axis] - modes[axis] : 0)
        }
        let from = (block * modes.reduce(1, *) + mode) * channels
        let to = (block * larger.reduce(1, *) + target) * channels
        for c in 0..<channels { values[to + c] = old[from + c] }
      }
    }
    // Safe: the count matches the shape by construction.
    let grown = (try? Tensor(shape: [blocks] + larger + Array(weight.shape[(d + 1)...]), scalars: values))!
    return SpectralConv(weight: grown, modes: larger)
  }

  private init(weight: Tensor, modes: [Int]) { (self.weight, self.modes) = (weight, modes) }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try visit("weight", weight)
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try update("weight", &weight)
  }
}
