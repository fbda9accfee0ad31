import Tensors

/// Per-channel Gaussian normalisation `x ↦ (x − μ_c) / (σ_c + ε)`, fitted on a training set and
/// stored in the checkpoint with the model.
///
/// Statistics are per channel over samples and grid points (not per grid point), so a model
/// trained at one resolution can be evaluated at another. `ε = 1e-5` as in the reference FNO
/// code. Shapes: `[batch, channels, spatial…]`.
public struct GaussianNormalizer: Sendable, Equatable {
  /// Mean per channel.
  public var mean: [Float]
  /// Standard deviation per channel.
  public var standardDeviation: [Float]
  /// Added to the standard deviation so constant channels do not divide by zero.
  public static let epsilon: Float = 1e-5

  /// A normalizer with the given statistics.
  public init(mean: [Float], standardDeviation: [Float]) {
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// The identity map on `channels` channels (mean 0, `σ + ε = 1`).
  public static func identity(channels: Int) -> GaussianNormalizer {
    GaussianNormalizer(mean: Array(repeating: 0, count: channels), standardDeviation: Array(repeating: 1 - epsilon, count: channels))
  }

  /// The same statistics on `channels` channels, if every channel has the same mean and
  /// deviation (the identity does); nil otherwise. An autoregressive model rolled out for
  /// another number of steps decodes its outputs with it.
  public func repeated(channels: Int) -> GaussianNormalizer? {
    guard let m = mean.first, let s = standardDeviation.first, mean.allSatisfy({ $0 == m }), standardDeviation.allSatisfy({ $0 == s })
    else { return nil }
    return GaussianNormalizer(mean: Array(repeating: m, count: channels), standardDeviation: Array(repeating: s, count: channels))
  }

  /// The statistics of `data` (`[N, channels, spatial…]`), accumulated in `Double`. Not
  /// `centered`: the mean is taken as zero and `σ` is the root mean square, so zero maps to
  /// zero both ways (for outputs whose zeros are constraints).
  public init(fitting data: Tensor, centered: Bool = true) {
    let channels = data.shape[1]
    let points = data.shape.dropFirst(2).reduce(1, *)
    var sums = [Double](repeating: 0, count: channels), squares = sums
    data.scalars.withUnsafeBufferPointer { x in
      for sample in 0..<data.shape[0] {
        for c in 0..<channels {
          for k in 0..<points {
            let v = Double(x[(sample * channels + c) * points + k])
            sums[c] += v
            squares[c] += v * v
          }
        }
      }
    }
    let n = Double(data.shape[0] * points)
    if !centered { sums = sums.map { _ in 0 } }
    mean = sums.map { Float($0 / n) }
    standardDeviation = zip(sums, squares).map { s, q in Float(max(q / n - (s / n) * (s / n), 0).squareRoot()) }
  }

  /// `(x − μ) / (σ + ε)` per channel.
  public func encode(_ x: Tensor) throws -> Tensor {
    let (shift, scale) = try broadcastable(x)
    return try (x - shift) / scale
  }

  /// `x (σ + ε) + μ` per channel (differentiable: used on model outputs inside the loss).
  public func decode(_ x: Tensor) throws -> Tensor {
    let (shift, scale) = try broadcastable(x)
    return try x * scale + shift
  }

  /// `μ` and `σ + ε` shaped `[channels, 1, …]` to broadcast against `x`.
  private func broadcastable(_ x: Tensor) throws -> (Tensor, Tensor) {
    guard x.rank >= 2, x.shape[1] == mean.count else {
      throw TensorError.shapeMismatch(operation: "GaussianNormalizer (\(mean.count) channels)", shapes: [x.shape])
    }
    let shape = [mean.count] + Array(repeating: 1, count: x.rank - 2)
    return (
      try Tensor(shape: shape, scalars: mean), try Tensor(shape: shape, scalars: standardDeviation.map { $0 + GaussianNormalizer.epsilon })
    )
  }
}
