import Foundation
import Tensors

extension Loss {
  /// The `H⁻¹` norm of periodic fields on the unit torus, per sample: for `x`
  /// `[batch, channels, n₁, …, n_d]` sampled at `j/n` on the last `dimension` axes,
  /// `‖x‖²_{H⁻¹} = Σ_c Σ_k |x̂_c(k)|² / (1 + 4π²|k|²)` with the Fourier coefficients
  /// `x̂(k) = N⁻¹ Σ_j x_j e^{−2πi k·j/n}` (`N = n₁⋯n_d`, signed frequencies `k`). By Parseval the
  /// same weights with 1 in place of `(1 + 4π²|k|²)⁻¹` give the mean square, so this is the
  /// mean-square norm with frequency `k` damped by `1 + 4π²|k|²`. Computed with dense DFT
  /// matrices along each axis (exact, differentiable). Shape `[batch]`.
  ///
  /// Reference: Cao, Brarda, Li, Xi 2025, "Spectral-Refiner: Accurate Fine-Tuning of
  /// Spatiotemporal Fourier Neural Operator for Turbulent Flows", ICLR (the negative Sobolev
  /// norm through Parseval's identity as a fine-tuning loss).
  public static func negativeSobolevNorm(_ x: Tensor, dimension: Int) throws -> Tensor {
    guard dimension >= 1, x.rank >= dimension + 1 else {
      throw TensorError.invalidShape(operation: "negativeSobolevNorm", message: "\(dimension) spatial axes do not fit shape \(x.shape)")
    }
    let spatial = Array(x.shape.suffix(dimension))
    let first = x.rank - dimension
    // The DFT along each spatial axis, on (real, imaginary) pairs: (C − iS)(re + i im).
    var (re, im): (Tensor, Tensor?) = (x, nil)
    for (k, n) in spatial.enumerated() {
      let (cosine, sine) = try dftMatrices(n)
      let axis = first + k
      let (reC, reS) = (try re.applying(cosine, alongAxis: axis), try re.applying(sine, alongAxis: axis))
      if let imaginary = im {
        let (imC, imS) = (try imaginary.applying(cosine, alongAxis: axis), try imaginary.applying(sine, alongAxis: axis))
        (re, im) = (try reC + imS, try imC - reS)
      } else {
        (re, im) = (reC, reS * -1)
      }
    }
    let power = try re.squared() + (im ?? re * 0).squared()
    let weights = try sobolevWeights(spatial, leadingRank: first)
    let axes = Array(1..<x.rank)
    return try (power * weights).summed(alongAxes: axes).squareRoot()
  }

  /// `‖p − t‖_{H⁻¹} / ‖t‖_{H⁻¹}` per sample (``negativeSobolevNorm(_:dimension:)`` over all
  /// channels), averaged or summed over the batch: the Spectral-Refiner fine-tuning loss on data.
  public static func relativeNegativeSobolev(_ prediction: Tensor, _ target: Tensor, dimension: Int, reduction: Reduction = .mean) throws
    -> Tensor
  {
    guard prediction.shape == target.shape else {
      throw TensorError.shapeMismatch(operation: "relativeNegativeSobolev", shapes: [prediction.shape, target.shape])
    }
    let ratio = try negativeSobolevNorm(prediction - target, dimension: dimension) / negativeSobolevNorm(target.detached, dimension: dimension)
    return reduction == .mean ? try ratio.mean() : try ratio.sum()
  }

  /// `cos(2π k j/n)/n` and `sin(2π k j/n)/n` as `[n, n]` matrices (row `k`, column `j`).
  private static func dftMatrices(_ n: Int) throws -> (Tensor, Tensor) {
    var (c, s) = ([Float](), [Float]())
    for k in 0..<n {
      for j in 0..<n {
        let angle = 2 * Double.pi * Double((k * j) % n) / Double(n)
        c.append(Float(cos(angle) / Double(n)))
        s.append(Float(sin(angle) / Double(n)))
      }
    }
    return (try Tensor(shape: [n, n], scalars: c), try Tensor(shape: [n, n], scalars: s))
  }

  /// `1/(1 + 4π²|k|²)` on the frequency grid `spatial` (signed frequencies), shaped to
  /// broadcast after `leadingRank` axes.
  private static func sobolevWeights(_ spatial: [Int], leadingRank: Int) throws -> Tensor {
    let count = spatial.reduce(1, *)
    var weights = [Float](repeating: 0, count: count)
    for index in 0..<count {
      var (rest, squared) = (index, 0.0)
      for n in spatial.reversed() {
        let k = rest % n
        rest /= n
        let signed = Double(k <= n / 2 ? k : k - n)
        squared += signed * signed
      }
      weights[index] = Float(1 / (1 + 4 * Double.pi * Double.pi * squared))
    }
    return try Tensor(shape: Array(repeating: 1, count: leadingRank) + spatial, scalars: weights)
  }
}

extension Tensor {
  /// The matrix `m` (`[n, n]`) applied along `axis` (of extent `n`): `y[…, k, …] = Σ_j m[k, j] x[…, j, …]`.
  func applying(_ m: Tensor, alongAxis axis: Int) throws -> Tensor {
    let last = rank - 1
    if axis == last { return try matmul(m.transposed()) }
    var order = Array(0..<rank)
    order.swapAt(axis, last)
    return try permuted(order).matmul(m.transposed()).permuted(order)
  }
}
