import Foundation
import Meshes

/// A function of a point `x = [x, y, z]` (z = 0 in 2D), for coefficients, sources and boundary values.
public typealias MeshFunction = @Sendable (_ x: [Double]) -> Double

/// The P1 (piecewise-linear) finite-element system for `−div(a ∇u) = f` with Dirichlet data on
/// (part of) the boundary of a triangle or tetrahedron mesh, and natural (zero-flux Neumann)
/// conditions elsewhere.
///
/// Stiffness `K_ij = Σ_cells a_c |T| ∇λ_i·∇λ_j` with `a_c = a(centroid)`; load
/// `b_i = ∫ f λ_i` by a degree-2 quadrature (edge midpoints on triangles, the 4-point rule on
/// tetrahedra). Dirichlet nodes are eliminated: the system has one unknown per free node and
/// stays symmetric positive definite. L2 error is O(h²) for smooth solutions.
public struct FiniteElementSystem: Sendable {
  /// The mesh.
  public let mesh: Mesh
  /// Stiffness matrix on the free nodes (SPD when at least one node is Dirichlet).
  public let matrix: CSRMatrix
  /// Load vector on the free nodes, Dirichlet data moved to the right.
  public let rightHandSide: [Double]
  /// `freeNodes[k]`: the mesh node of unknown `k`.
  public let freeNodes: [Int32]
  /// Per mesh node: the Dirichlet value, or nil for a free node.
  public let dirichletValues: [Double?]

  /// Assembles the Poisson system on `mesh`.
  /// - Parameters:
  ///   - coefficient: `a(x) > 0`, evaluated at cell centroids.
  ///   - source: `f(x)`.
  ///   - dirichletTags: physical tags of the facets carrying Dirichlet data; nil for the whole
  ///     (topological) boundary.
  ///   - dirichletValue: `g(x)` on Dirichlet nodes.
  /// - Throws: ``SparseError/invalidStructure(_:)`` for a degenerate cell, a non-positive or
  ///   non-finite coefficient, or no Dirichlet node at all (the Neumann problem is singular);
  ///   `MeshError.unknownBoundaryTag` for a tag no facet has.
  public static func poisson(
    mesh: Mesh, coefficient: MeshFunction = { _ in 1 }, source: MeshFunction = { _ in 1 },
    dirichletTags: Set<Int32>? = nil, dirichletValue: MeshFunction = { _ in 0 }
  ) throws -> FiniteElementSystem {
    let onBoundary = try mesh.boundaryNodes(tags: dirichletTags)
    var dirichlet = [Double?](repeating: nil, count: mesh.nodeCount)
    var unknownOf = [Int](repeating: -1, count: mesh.nodeCount)
    var free = [Int32]()
    for node in 0..<mesh.nodeCount {
      if onBoundary[node] {
        dirichlet[node] = dirichletValue(mesh.point(node))
      } else {
        unknownOf[node] = free.count
        free.append(Int32(node))
      }
    }
    guard free.count < mesh.nodeCount else {
      throw SparseError.invalidStructure("no Dirichlet node: the pure Neumann problem is singular")
    }
    let k = mesh.nodesPerCell
    var coo = COOMatrix(rowCount: free.count, columnCount: free.count, reserve: mesh.cellCount * k * k)
    var rhs = [Double](repeating: 0, count: free.count)
    for c in 0..<mesh.cellCount {
      let nodes = mesh.cell(c).map(Int.init)
      let geometry = try SimplexGeometry(mesh: mesh, nodes: nodes, cell: c)
      let a = coefficient(geometry.centroid)
      guard a > 0, a.isFinite else {
        throw SparseError.invalidStructure("coefficient is \(a) at the centroid of cell \(c); it must be positive")
      }
      let load = geometry.loadIntegrals(source)
      for i in 0..<k {
        let row = unknownOf[nodes[i]]
        guard row >= 0 else { continue }
        rhs[row] += load[i]
        for j in 0..<k {
          let kij = a * geometry.measure * geometry.gradientDot(i, j)
          if let g = dirichlet[nodes[j]] {
            rhs[row] -= kij * g
          } else {
            coo.append(row: row, column: unknownOf[nodes[j]], value: kij)
          }
        }
      }
    }
    return FiniteElementSystem(
      mesh: mesh, matrix: try CSRMatrix(coo), rightHandSide: rhs, freeNodes: free, dirichletValues: dirichlet)
  }

  /// The full nodal field: `solution` on the free nodes, Dirichlet data on the others.
  public func nodalValues(_ solution: [Double]) -> [Double] {
    var u = dirichletValues.map { $0 ?? 0 }
    for (k, node) in freeNodes.enumerated() { u[Int(node)] = solution[k] }
    return u
  }

  /// `‖u_h − u‖_{L²(Ω)}` for a nodal P1 field `u_h` and an exact solution `u`, by a degree-4
  /// quadrature on triangles (6 points) and degree 2 on tetrahedra (4 points).
  public func l2Error(nodalValues uh: [Double], exact: MeshFunction) throws -> Double {
    var sum = 0.0
    for c in 0..<mesh.cellCount {
      let nodes = mesh.cell(c).map(Int.init)
      let geometry = try SimplexGeometry(mesh: mesh, nodes: nodes, cell: c)
      for (weight, lambda) in SimplexGeometry.errorRule(dimension: mesh.dimension) {
        var value = 0.0
        for i in 0..<nodes.count { value += lambda[i] * uh[nodes[i]] }
        let e = value - exact(geometry.point(barycentric: lambda))
        sum += weight * geometry.measure * e * e
      }
    }
    return sum.squareRoot()
  }
}

/// Geometry of one triangle or tetrahedron: measure, barycentric gradients, quadrature.
struct SimplexGeometry {
  let vertices: [[Double]]
  /// Area (2D) or volume (3D).
  let measure: Double
  /// `gradients[i]`: ∇λ_i, constant on the cell.
  let gradients: [[Double]]

  init(mesh: Mesh, nodes: [Int], cell: Int) throws {
    let d = mesh.dimension
    let vertices = nodes.map { mesh.point($0) }
    self.vertices = vertices
    // Jacobian columns e_k = x_{k+1} − x_0; ∇λ_{k+1} are the rows of J⁻¹.
    let e = (1...d).map { k in (0..<d).map { vertices[k][$0] - vertices[0][$0] } }
    let det: Double
    let inverseRows: [[Double]]
    if d == 2 {
      det = e[0][0] * e[1][1] - e[1][0] * e[0][1]
      inverseRows = [[e[1][1] / det, -e[1][0] / det], [-e[0][1] / det, e[0][0] / det]]
    } else {
      let (a, b, c) = (e[0], e[1], e[2])
      let bxc = [b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]]
      let cxa = [c[1] * a[2] - c[2] * a[1], c[2] * a[0] - c[0] * a[2], c[0] * a[1] - c[1] * a[0]]
      let axb = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
      det = a[0] * bxc[0] + a[1] * bxc[1] + a[2] * bxc[2]
      inverseRows = [bxc.map { $0 / det }, cxa.map { $0 / det }, axb.map { $0 / det }]
    }
    let volume = abs(det) / (d == 2 ? 2 : 6)
    // Degenerate when the measure is tiny relative to (longest edge from vertex 0)^d.
    let edge = e.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
    guard det.isFinite, volume > 1e-12 * pow(edge, Double(d)) else {
      throw SparseError.invalidStructure("cell \(cell) is degenerate (measure \(volume))")
    }
    measure = volume
    let first = (0..<d).map { axis in -inverseRows.reduce(0) { $0 + $1[axis] } }
    gradients = [first] + inverseRows
  }

  func gradientDot(_ i: Int, _ j: Int) -> Double {
    zip(gradients[i], gradients[j]).reduce(0) { $0 + $1.0 * $1.1 }
  }

  var centroid: [Double] {
    (0..<3).map { axis in vertices.reduce(0) { $0 + $1[axis] } / Double(vertices.count) }
  }

  func point(barycentric lambda: [Double]) -> [Double] {
    (0..<3).map { axis in zip(lambda, vertices).reduce(0) { $0 + $1.0 * $1.1[axis] } }
  }

  /// `∫ f λ_i` for every vertex `i`, by a degree-2 rule.
  func loadIntegrals(_ f: MeshFunction) -> [Double] {
    var load = [Double](repeating: 0, count: vertices.count)
    for (weight, lambda) in Self.loadRule(dimension: vertices.count - 1) {
      let fx = f(point(barycentric: lambda)) * weight * measure
      for i in 0..<load.count { load[i] += fx * lambda[i] }
    }
    return load
  }

  /// Degree-2 rules: triangle edge midpoints; tetrahedron 4-point rule (Keast).
  static func loadRule(dimension: Int) -> [(Double, [Double])] {
    if dimension == 2 {
      return [(1.0 / 3, [0.5, 0.5, 0]), (1.0 / 3, [0, 0.5, 0.5]), (1.0 / 3, [0.5, 0, 0.5])]
    }
    let a = 0.5854101966249685, b = 0.1381966011250105
    return [(0.25, [a, b, b, b]), (0.25, [b, a, b, b]), (0.25, [b, b, a, b]), (0.25, [b, b, b, a])]
  }

  /// Rules for error norms: Dunavant's degree-4, 6-point triangle rule; the degree-2
  /// tetrahedron rule.
  static func errorRule(dimension: Int) -> [(Double, [Double])] {
    guard dimension == 2 else { return loadRule(dimension: 3) }
    let (w1, a1, b1) = (0.223381589678011, 0.445948490915965, 0.108103018168070)
    let (w2, a2, b2) = (0.109951743655322, 0.091576213509771, 0.816847572980459)
    return [
      (w1, [a1, a1, b1]), (w1, [a1, b1, a1]), (w1, [b1, a1, a1]),
      (w2, [a2, a2, b2]), (w2, [a2, b2, a2]), (w2, [b2, a2, a2]),
    ]
  }
}
