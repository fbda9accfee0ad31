import Foundation
import OperatorKit

/// A Poisson system assembled for the CLI from a grid or a mesh, with what is needed to write
/// its solution back in the user's terms.
struct PoissonProblem {
  let matrix: CSRMatrix
  let rightHandSide: [Double]
  /// The grid layout (grid problems; enables multigrid).
  let layout: GridLayout?
  /// The finite-element system (mesh problems).
  let finiteElements: FiniteElementSystem?
  /// What was solved, for reports: "grid 512x512" or the mesh path.
  let domain: String
  /// The grid of unknowns, for grid problems (with or without obstacles).
  var gridShape: [Int]? { layout?.unknownCounts ?? obstacleGrid }
  /// The grid of an obstacle problem (which has no `layout`: multigrid does not apply).
  var obstacleGrid: [Int]? = nil
  /// Solid cells of an obstacle problem.
  var solid: [Bool]? = nil
  /// The rows `matrix` and `rightHandSide` hold when they are one rank's block of a distributed
  /// system (``onGrid(_:centring:coefficientFile:rows:)``); nil when they hold the whole system.
  var rowBlock: Range<Int>? = nil

  /// `−div(a ∇u) = 1`, `u = 0`, on the unit box with `counts` interior unknowns per axis.
  /// With `rows`, only those rows are assembled (a rank's block of the system).
  static func onGrid(_ counts: [Int], centring: GridCentring, coefficientFile: String?, rows: Range<Int>? = nil) throws -> PoissonProblem {
    let cells = counts.map { centring == .vertex ? $0 + 1 : $0 }
    let grid = try UniformGrid(cellCounts: cells, centring: centring)
    let coefficient = try coefficientFile.map { try loadCoefficient($0, grid: grid, interior: counts) } ?? .constant(1)
    let system = try GridSystem.diffusion(grid: grid, coefficient: coefficient, source: .constant(1), rows: rows)
    return PoissonProblem(
      matrix: CSRMatrix(system.matrix), rightHandSide: system.rightHandSide, layout: system.layout,
      finiteElements: nil, domain: "grid " + counts.map(String.init).joined(separator: "x"), rowBlock: rows)
  }

  /// `−Δu = 1` in the fluid cells of the unit box with solid obstacles (Neumann walls around
  /// them, `u = 0` on the box): `counts` cells per axis, the mask an `.npy` of that shape whose
  /// nonzero entries are solid. `CSRMatrix.maskedPoisson`, `h²`-scaled, `b = h²` in fluid cells.
  static func withObstacles(_ counts: [Int], maskFile: String) throws -> PoissonProblem {
    let array = try NumpyArray(contentsOf: maskFile)
    guard array.dtype.components == 1 else {
      throw CommandFailure("\(maskFile): mask is \(array.dtype.rawValue) (complex); it must be real")
    }
    guard array.shape == counts else {
      throw CommandFailure("\(maskFile): mask has shape \(shapeText(array.shape)), the grid is \(shapeText(counts))")
    }
    let solid = array.values.map { $0 != 0 }
    guard solid.contains(false) else { throw CommandFailure("\(maskFile): every cell is solid; nothing to solve") }
    let h = 1 / Double(counts[0] + 1)
    return PoissonProblem(
      matrix: try CSRMatrix.maskedPoisson(shape: counts, solid: solid), rightHandSide: solid.map { $0 ? 0 : h * h }, layout: nil,
      finiteElements: nil,
      domain: "grid " + counts.map(String.init).joined(separator: "x") + " with \(solid.filter { $0 }.count) solid cells",
      obstacleGrid: counts, solid: solid)
  }

  /// P1 finite elements for `−Δu = 1` on a Gmsh mesh with `u = 0` on the chosen boundary.
  static func onMesh(path: String, dirichlet: String?) throws -> PoissonProblem {
    let mesh = try Mesh(gmshFile: path)
    let tags = try dirichlet.map { list in
      try Set(
        list.split(separator: ",").map { item -> Int32 in
          let name = item.trimmingCharacters(in: .whitespaces)
          if let tag = Int32(name) { return tag }
          guard let tag = mesh.boundaryTag(named: name) else {
            let names = mesh.physicalGroups.filter { $0.dimension == mesh.dimension - 1 }.map(\.name)
            throw CommandFailure("\(path): no boundary group named '\(name)' (groups: \(names.joined(separator: ", ")))")
          }
          return tag
        })
    }
    let system = try FiniteElementSystem.poisson(mesh: mesh, dirichletTags: tags)
    return PoissonProblem(
      matrix: system.matrix, rightHandSide: system.rightHandSide, layout: nil, finiteElements: system,
      domain: "mesh \(path) (\(mesh.dimension)D, \(mesh.nodeCount) nodes, \(mesh.cellCount) cells)")
  }

  /// Reads `a` from `.npy`: all grid points, or (vertex grids) the interior points, whose
  /// boundary values are then copied from the nearest interior point.
  static func loadCoefficient(_ path: String, grid: UniformGrid, interior: [Int]) throws -> GridField {
    let array = try NumpyArray(contentsOf: path)
    guard array.dtype.components == 1 else {
      throw CommandFailure("\(path): coefficient is \(array.dtype.rawValue) (complex); a(x) must be a real array")
    }
    let all = grid.pointCounts
    guard array.shape == all || (grid.centring == .vertex && array.shape == interior) else {
      let expected = grid.centring == .vertex ? "\(shapeText(all)) (all vertices) or \(shapeText(interior)) (interior)" : shapeText(all)
      throw CommandFailure("\(path): coefficient has shape \(shapeText(array.shape)), expected \(expected)")
    }
    // Checked in the file's own index space, so the index named is the one the user wrote.
    if let k = array.values.firstIndex(where: { !$0.isFinite || $0 <= 0 }) {
      let requirement = array.values[k].isFinite ? "positive" : "finite"
      throw CommandFailure(
        "\(path): coefficient is \(array.values[k]) at index \(multiIndex(k, shape: array.shape)); it must be \(requirement)")
    }
    let values = array.shape == all ? array.values : padByReplication(array.values, interior: interior)
    return .values(values)
  }

  /// The row-major multi-index `[i, j, …]` of flat position `flat` in an array of `shape`.
  private static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return index
  }

  /// Extends interior vertex values to the boundary vertices by copying the nearest interior value.
  private static func padByReplication(_ inner: [Double], interior: [Int]) -> [Double] {
    let outer = interior.map { $0 + 2 }
    var result = [Double](repeating: 0, count: outer.reduce(1, *))
    for flat in 0..<result.count {
      var rest = flat, source = 0
      for axis in stride(from: outer.count - 1, through: 0, by: -1) {
        let i = rest % outer[axis]
        rest /= outer[axis]
        let clamped = min(max(i - 1, 0), interior[axis] - 1)
        source += clamped * interior[(axis + 1)...].reduce(1, *)
      }
      result[flat] = inner[source]
    }
    return result
  }

  /// Writes the solution to `out` (.npy, .vtu, .vtk) and `png`.
  func writeOutputs(solution: [Double], out: String?, png: String?) throws {
    if let out {
      if let fem = finiteElements {
        let nodal = fem.nodalValues(solution)
        if out.hasSuffix(".npy") {
          try NumpyArray(shape: [nodal.count], values: nodal).write(to: out)
        } else {
          try fem.mesh.writeVTK(to: out, pointData: [("u", nodal)])
        }
      } else if let gridShape {
        guard out.hasSuffix(".npy") else { throw CommandFailure("\(out): grid solutions are written as .npy") }
        try NumpyArray(shape: gridShape, values: solution).write(to: out)
      }
    }
    if let png, let gridShape {
      try FieldGrid(
        solution, rows: gridShape[0], columns: gridShape[1], title: "Poisson on a \(gridShape[0])×\(gridShape[1]) grid",
        columnTitle: "solution u"
      ).write(to: png)
    }
  }
}

private func shapeText(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
