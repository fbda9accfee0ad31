/// Uniform (red) refinement: every edge is halved, so the mesh size `h` halves.
///
/// Triangles split into 4 through their edge midpoints; tetrahedra into 8 (four corner tetrahedra
/// and the inner octahedron cut along one diagonal, as in Bey's scheme). Boundary facets split the
/// same way and keep their tags. Curved boundaries are not followed: new boundary nodes lie on the
/// old straight facets.
extension Mesh {
  /// The mesh refined once (4× the triangles or 8× the tetrahedra).
  public func refinedUniformly() -> Mesh {
    var coordinates = self.coordinates
    var midpoint: [Edge: Int32] = [:]
    func mid(_ a: Int32, _ b: Int32) -> Int32 {
      let key = Edge(a, b)
      if let m = midpoint[key] { return m }
      let m = Int32(coordinates.count / 3)
      for k in 0..<3 { coordinates.append(0.5 * (coordinates[Int(a) * 3 + k] + coordinates[Int(b) * 3 + k])) }
      midpoint[key] = m
      return m
    }
    var cells = [Int32](), cellTags = [Int32]()
    for c in 0..<cellCount {
      let v = Array(cell(c))
      let pieces: [[Int32]]
      if dimension == 2 {
        let (m01, m12, m02) = (mid(v[0], v[1]), mid(v[1], v[2]), mid(v[0], v[2]))
        pieces = [[v[0], m01, m02], [m01, v[1], m12], [m02, m12, v[2]], [m01, m12, m02]]
      } else {
        let (m01, m02, m03) = (mid(v[0], v[1]), mid(v[0], v[2]), mid(v[0], v[3]))
        let (m12, m13, m23) = (mid(v[1], v[2]), mid(v[1], v[3]), mid(v[2], v[3]))
        pieces = [
          [v[0], m01, m02, m03], [m01, v[1], m12, m13], [m02, m12, v[2], m23], [m03, m13, m23, v[3]],
          [m01, m02, m03, m13], [m01, m02, m12, m13], [m02, m03, m13, m23], [m02, m12, m13, m23],
        ]
      }
      for p in pieces {
        cells += p
        cellTags.append(self.cellTags[c])
      }
    }
    var facets = [Int32](), facetTags = [Int32]()
    for f in 0..<self.facetTags.count {
      let v = Array(self.facets[(f * dimension)..<((f + 1) * dimension)])
      let pieces: [[Int32]]
      if dimension == 2 {
        let m = mid(v[0], v[1])
        pieces = [[v[0], m], [m, v[1]]]
      } else {
        let (m01, m12, m02) = (mid(v[0], v[1]), mid(v[1], v[2]), mid(v[0], v[2]))
        pieces = [[v[0], m01, m02], [m01, v[1], m12], [m02, m12, v[2]], [m01, m12, m02]]
      }
      for p in pieces {
        facets += p
        facetTags.append(self.facetTags[f])
      }
    }
    return Mesh(
      dimension: dimension, coordinates: coordinates, cells: cells, cellTags: cellTags,
      facets: facets, facetTags: facetTags, physicalGroups: physicalGroups)
  }
}

/// An undirected edge between two nodes.
private struct Edge: Hashable {
  let a: Int32, b: Int32
  init(_ x: Int32, _ y: Int32) { (a, b) = x < y ? (x, y) : (y, x) }
}
