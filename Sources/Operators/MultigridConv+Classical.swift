import Grids
import Layers
import Tensors

extension MultigridConv {
  /// A one-channel V-cycle holding the textbook geometric-multigrid weights for the
  /// `(2d+1)`-point Laplacian `−Δ_h` on a vertex grid with spacing `spacing` and zero Dirichlet
  /// values beyond its border: on level `ℓ` (spacing `h_ℓ = 2^ℓ·h`) `A` is `−Δ_{h_ℓ}`, every
  /// smoother is damped Jacobi `S = ω h_ℓ² / (2d)`, `R` is full weighting `⊗[¼, ½, ¼]` and `P`
  /// linear interpolation `⊗[½, 1, ½]`, both read from the vertex-grid ``GridTransfer`` of
  /// `Grids` that the classical multigrid preconditioner uses. Applied to a residual on a grid with `2^L·m − 1` points
  /// per axis it is one classical V-cycle (coarsest level: smoothing only) — the check that the
  /// learned layer contains classical multigrid as a special case.
  /// - Throws: never for `dimension` in 1…3; ``TensorError`` otherwise.
  public static func classicalPoisson(
    dimension: Int, spacing: Double, preSmoothing: [Int], postSmoothing: [Int], jacobiWeight: Double = 2.0 / 3.0
  ) throws -> MultigridConv {
    var generator = SplitMix64(seed: 0)
    var cycle = MultigridConv(
      inputChannels: 1, outputChannels: 1, dimension: dimension, preSmoothing: preSmoothing, postSmoothing: postSmoothing,
      using: &generator)
    let shape = [1, 1] + Array(repeating: 3, count: dimension)
    /// A 3^d kernel whose entry at offsets `o ∈ {−1, 0, 1}^d` is `value(o)`.
    func kernel(_ value: ([Int]) -> Double) throws -> Tensor {
      let entries = (0..<shape.reduce(1, *)).map { flat -> Float in
        var rest = flat
        var offsets = [Int](repeating: 0, count: dimension)
        for axis in (0..<dimension).reversed() {
          offsets[axis] = rest % 3 - 1
          rest /= 3
        }
        return Float(value(offsets))
      }
      return try Tensor(shape: shape, scalars: entries)
    }
    let product = { (weights: [Double]) in try kernel { o in o.reduce(1.0) { $0 * weights[$1 + 1] } } }
    let interpolation = try vertexInterpolationStencil()
    for l in cycle.levels.indices {
      let h = spacing * Double(1 << l)
      let centre = { (o: [Int]) in o.allSatisfy { $0 == 0 } }
      let laplacian = try kernel { o in
        centre(o) ? 2 * Double(dimension) / (h * h) : (o.map(abs).reduce(0, +) == 1 ? -1 / (h * h) : 0)
      }
      let jacobi = try kernel { o in centre(o) ? jacobiWeight * h * h / (2 * Double(dimension)) : 0 }
      cycle.levels[l].system.weight = laplacian
      for i in cycle.levels[l].pre.indices { cycle.levels[l].pre[i].weight = jacobi }
      for i in cycle.levels[l].post.indices { cycle.levels[l].post[i].weight = jacobi }
      cycle.levels[l].restriction?.weight = try product(interpolation.map { $0 / 2 })  // Pᵀ/2 per axis
      cycle.levels[l].prolongation?.weight = try product(interpolation)
    }
    return cycle
  }

  /// The weights with which one coarse vertex value enters the fine vertices at offsets −1, 0, 1
  /// under the `Grids` multigrid prolongation (a column of `P` on a Dirichlet vertex grid).
  static func vertexInterpolationStencil() throws -> [Double] {
    // 7 interior vertices coarsen to 3; coarse unknown 1 sits at fine unknown 3.
    let layout = try GridLayout(grid: try UniformGrid(cellCounts: [8]), boundary: .zeroDirichlet(dimension: 1))
    guard let transfer = GridTransfer.hierarchy(for: layout, coarsestUnknowns: 1).first, transfer.coarseCounts == [3] else {
      throw TensorError.invalidShape(
        operation: "classicalPoisson", message: "the Grids vertex hierarchy no longer coarsens 7 unknowns to 3")
    }
    return (2...4).map { fine in transfer.axisWeights[0][fine].first { $0.coarse == 1 }?.weight ?? 0 }
  }
}
