import Tensors

/// The perfect-conductor condition built into a vector-valued DeepONet's output.
///
/// A DeepONet with `K = d` output components on `[0, 1]^d` (say the electric field `E`) learns
/// one set of basis functions per component, as the Maxwell DeepONet of Jiang et al. (2024)
/// trains one network per field component; the field is then assembled from the learned
/// components `G_c` so that the boundary condition holds by construction instead of being
/// learned. On a perfectly conducting wall the tangential field vanishes, `n × E = 0`; on the
/// walls `y_a ∈ {0, 1}` of axis `a` the tangential components are all `c ≠ a`, so
///
///     E_c(y) = G_c(y) · Π_{a ∈ walls, a ≠ c} 4 y_a (1 − y_a)
///
/// — every tangential component is multiplied by a smooth function that vanishes on exactly
/// those walls (and is 1 mid-channel), the normal component is left free. On walls aligned with
/// the axes the normal frame is the coordinate frame, so assembling `E` from its learned
/// components is this per-component product; `E` is exactly tangential-free on the walls for
/// any parameters, at every query point, in the Cartesian, per-sample and pointwise layouts.
extension DeepONetConfiguration {
  /// Checks ``conductingWalls`` against the model's shape.
  func validateConductingWalls() throws {
    guard let walls = conductingWalls else { return }
    let fail = { (message: String) in DeepONetConfigurationError(message: message) }
    guard outputs == queryDimension else {
      throw fail("conducting walls need a vector field of \(queryDimension) components, the model has \(outputs) outputs")
    }
    guard !walls.isEmpty, walls.allSatisfy({ (0..<queryDimension).contains($0) }), Set(walls).count == walls.count else {
      throw fail("conducting walls must be distinct axes of the \(queryDimension)D box, got \(walls)")
    }
  }

  /// The factors `[P, K]` (row `p`, component `c`) that assemble the field from its learned
  /// components at the points `y` (`P · d` coordinates, row-major); all ones without walls.
  func wallFactors(points y: [Float]) -> [Float] {
    let d = queryDimension, k = outputs, count = y.count / d
    var factors = [Float](repeating: 1, count: count * k)
    guard let walls = conductingWalls else { return factors }
    for p in 0..<count {
      for c in 0..<k {
        for a in walls where a != c { factors[p * k + c] *= 4 * y[p * d + a] * (1 - y[p * d + a]) }
      }
    }
    return factors
  }

  /// ``wallFactors(points:)`` of the grid `spatial` as a `[K, q]` tensor (nil without walls).
  func wallFactors(grid spatial: [Int]) throws -> Tensor? {
    guard conductingWalls != nil else { return nil }
    let points = spatial.reduce(1, *)
    let factors = wallFactors(points: try DeepONet.gridCoordinates(spatial).scalars)
    return try Tensor(shape: [points, outputs], scalars: factors).transposed()
  }
}
