/// An unstructured simplicial mesh: triangles in 2D or tetrahedra in 3D, with tagged boundary facets.
///
/// Nodes are numbered `0..<nodeCount` (Gmsh's own node tags are renumbered in file order).
/// Coordinates are stored as `x, y, z` triples even in 2D (Gmsh writes `z = 0`).
public struct Mesh: Sendable, Equatable {
  /// 2 (triangles) or 3 (tetrahedra).
  public let dimension: Int
  /// Node coordinates, `3 · nodeCount` values: `x₀ y₀ z₀ x₁ y₁ z₁ …`.
  public var coordinates: [Double]
  /// Cell connectivity, `dimension + 1` node numbers per cell.
  public var cells: [Int32]
  /// Physical group tag of each cell (0 when the file gives none).
  public var cellTags: [Int32]
  /// Boundary facets from the file (lines in 2D, triangles in 3D), `dimension` nodes each.
  public var facets: [Int32]
  /// Physical group tag of each facet (0 when the file gives none).
  public var facetTags: [Int32]
  /// Named physical groups from the file.
  public var physicalGroups: [PhysicalGroup]

  /// Creates a mesh from its arrays.
  /// - Precondition: array lengths match `dimension` (a programmer error otherwise).
  public init(
    dimension: Int, coordinates: [Double], cells: [Int32], cellTags: [Int32]? = nil,
    facets: [Int32] = [], facetTags: [Int32]? = nil, physicalGroups: [PhysicalGroup] = []
  ) {
    precondition(dimension == 2 || dimension == 3, "mesh dimension must be 2 or 3")
    precondition(coordinates.count % 3 == 0 && cells.count % (dimension + 1) == 0 && facets.count % dimension == 0)
    self.dimension = dimension
    self.coordinates = coordinates
    self.cells = cells
    self.cellTags = cellTags ?? Array(repeating: 0, count: cells.count / (dimension + 1))
    self.facets = facets
    self.facetTags = facetTags ?? Array(repeating: 0, count: facets.count / dimension)
    self.physicalGroups = physicalGroups
  }

  /// Number of nodes.
  public var nodeCount: Int { coordinates.count / 3 }
  /// Number of cells (triangles or tetrahedra).
  public var cellCount: Int { cells.count / (dimension + 1) }
  /// Nodes per cell: 3 for triangles, 4 for tetrahedra.
  public var nodesPerCell: Int { dimension + 1 }

  /// The node numbers of cell `c`.
  public func cell(_ c: Int) -> ArraySlice<Int32> {
    cells[(c * nodesPerCell)..<((c + 1) * nodesPerCell)]
  }

  /// Coordinates of node `n` as `[x, y, z]`.
  public func point(_ n: Int) -> [Double] { Array(coordinates[(3 * n)..<(3 * n + 3)]) }

  /// Physical tags that name boundary facets.
  public var facetTagSet: Set<Int32> { Set(facetTags) }

  /// The tag of the physical group called `name` among groups of dimension `dimension − 1`.
  public func boundaryTag(named name: String) -> Int32? {
    physicalGroups.first { $0.name == name && $0.dimension == dimension - 1 }?.tag
  }

  /// Marks the nodes that lie on the boundary.
  ///
  /// With `tags == nil`, the topological boundary: every node of a facet that belongs to exactly
  /// one cell (this needs no boundary elements in the file). Otherwise the nodes of the file's
  /// facets whose physical tag is in `tags`.
  /// - Throws: ``MeshError/unknownBoundaryTag(_:available:)`` if a tag names no facet.
  public func boundaryNodes(tags: Set<Int32>? = nil) throws -> [Bool] {
    var marked = [Bool](repeating: false, count: nodeCount)
    if let tags {
      let available = facetTagSet
      if let missing = tags.subtracting(available).sorted().first {
        throw MeshError.unknownBoundaryTag(missing, available: available.sorted())
      }
      for f in 0..<facetTags.count where tags.contains(facetTags[f]) {
        for k in 0..<dimension { marked[Int(facets[f * dimension + k])] = true }
      }
      return marked
    }
    for facet in topologicalBoundaryFacets() { for node in facet { marked[Int(node)] = true } }
    return marked
  }

  /// The facets (sorted node lists) that belong to exactly one cell.
  public func topologicalBoundaryFacets() -> [[Int32]] {
    var count: [[Int32]: Int] = [:]
    for c in 0..<cellCount {
      let nodes = Array(cell(c))
      for skip in 0..<nodesPerCell {
        var facet = nodes
        facet.remove(at: skip)
        count[facet.sorted(), default: 0] += 1
      }
    }
    return count.filter { $0.value == 1 }.map(\.key).sorted { $0.lexicographicallyPrecedes($1) }
  }
}

/// A named physical group from a Gmsh file (`$PhysicalNames`).
public struct PhysicalGroup: Sendable, Equatable, Codable {
  /// Dimension of the group's entities (1: curves, 2: surfaces, 3: volumes).
  public var dimension: Int
  /// The group's tag, as used in element tags.
  public var tag: Int32
  /// The group's name.
  public var name: String

  /// Creates a physical group record.
  public init(dimension: Int, tag: Int32, name: String) {
    self.dimension = dimension
    self.tag = tag
    self.name = name
  }
}

/// Errors from reading, checking and writing meshes; messages name the file and line.
public enum MeshError: Error, Equatable, CustomStringConvertible {
  /// The file's content is not what the format says, at a given line (1-based).
  case malformed(file: String, line: Int, message: String)
  /// The file uses a feature we do not read (binary MSH, an old version, quadrilaterals…).
  case unsupported(file: String, line: Int, message: String)
  /// A boundary tag that no facet carries.
  case unknownBoundaryTag(Int32, available: [Int32])
  /// A file that cannot be read or written.
  case io(file: String, message: String)

  public var description: String {
    switch self {
    case .malformed(let file, let line, let m): return "\(file):\(line): \(m)"
    case .unsupported(let file, let line, let m): return "\(file):\(line): unsupported: \(m)"
    case .unknownBoundaryTag(let tag, let available):
      return "no boundary facet has physical tag \(tag) (tags present: \(available.map(String.init).joined(separator: ", ")))"
    case .io(let file, let m): return "\(file): \(m)"
    }
  }
}
