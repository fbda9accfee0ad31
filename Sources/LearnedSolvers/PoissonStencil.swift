import Tensors

/// The discrete Poisson operator of the unit box with zero Dirichlet values, scaled by `h²`:
/// `(A u)ᵢ = 2d·uᵢ − Σ_{neighbours j} uⱼ` on a grid of interior unknowns (the 5-point stencil in
/// 2D, 7-point in 3D), applied to `[B, 1, n₁, …]` as a fixed convolution with zero padding —
/// the boundary values are zero. Differentiable in its input (the DCDM loss needs `A f(b)`).
/// Equal to `h²` times the matrix of `GridSystem.diffusion` with `a = 1` on the same grid.
public enum PoissonStencil {
  /// The `[1, 1, 3, …]` kernel of dimension `d`.
  public static func kernel(dimension d: Int) -> Tensor {
    let count = Array(repeating: 3, count: d).reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    let center = (count - 1) / 2
    values[center] = Float(2 * d)
    var stride = 1
    for _ in 0..<d {
      values[center - stride] = -1
      values[center + stride] = -1
      stride *= 3
    }
    // Safe: the count matches the shape by construction.
    return (try? Tensor(shape: [1, 1] + Array(repeating: 3, count: d), scalars: values))!
  }

  /// `A u` for `u` of shape `[B, 1, n₁, …]` with `d` spatial axes.
  /// - Throws: ``TensorError`` for another shape.
  public static func apply(_ u: Tensor, dimension d: Int) throws -> Tensor {
    try u.convolved(with: kernel(dimension: d), padding: Array(repeating: 1, count: d))
  }
}
