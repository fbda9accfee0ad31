import Foundation
import Parallelism

/// Reading Gmsh's MSH format, ASCII versions 2.2 and 4.1.
///
/// Read: `$MeshFormat`, `$PhysicalNames`, `$Entities` (4.1: maps entities to physical groups),
/// `$Nodes`, `$Elements`; other sections are skipped. Elements kept: 3-node triangles (type 2) and
/// 4-node tetrahedra (type 4) as cells, 2-node lines (type 1, 2D) and triangles (3D) as boundary
/// facets; points (type 15) are ignored. The mesh dimension is 3 if any tetrahedron is present.
/// Every failure names the file and line: a truncated file, a token that is not a number, a node
/// that an element references but `$Nodes` lacks, an unsupported element type.
extension Mesh {
  /// Reads a Gmsh `.msh` file (ASCII 2.2 or 4.1).
  /// - Throws: ``MeshError`` naming the file and line of the first problem.
  public init(gmshFile path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { throw MeshError.io(file: path, message: "no such file") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw MeshError.io(file: path, message: "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw MeshError.malformed(file: path, line: 1, message: "not a text file (binary MSH is not supported; save as ASCII)")
    }
    try self.init(gmshText: text, file: path)
  }

  /// Parses the text of a Gmsh `.msh` file; `file` is only used in error messages.
  public init(gmshText text: String, file: String = "<msh>") throws {
    var reader = GmshLineReader(text: text, file: file)
    var builder = GmshMeshBuilder()
    var version: Int?
    while !reader.isAtEnd {
      guard let header = try? reader.next(expecting: "a section") else { break }
      switch header {
      case "$MeshFormat":
        let t = try reader.tokens(expecting: "the format line 'version file-type data-size'")
        switch t.first {
        case "2.2": version = 2
        case "4.1": version = 4
        default: throw reader.unsupported("MSH version \(t.first ?? "?") (read: 2.2 and 4.1, ASCII)")
        }
        guard t.count >= 2, t[1] == "0" else { throw reader.unsupported("binary MSH (save the mesh as ASCII)") }
        try reader.expect("$EndMeshFormat")
      case "$PhysicalNames":
        try builder.readPhysicalNames(&reader)
      case "$Entities":
        guard version == 4 else { throw reader.malformed("$Entities before a 4.1 $MeshFormat") }
        try builder.readEntities(&reader)
      case "$Nodes":
        guard let version else { throw reader.malformed("$Nodes before $MeshFormat") }
        try version == 2 ? builder.readNodes22(&reader) : builder.readNodes41(&reader)
      case "$Elements":
        guard let version else { throw reader.malformed("$Elements before $MeshFormat") }
        try version == 2 ? builder.readElements22(&reader) : builder.readElements41(&reader)
      default:
        guard header.hasPrefix("$") else { throw reader.malformed("expected a section like $Nodes, found \(inputExcerpt(header))") }
        try reader.skip(through: "$End" + header.dropFirst())
      }
    }
    guard version != nil else { throw MeshError.malformed(file: file, line: max(reader.lineNumber, 1), message: "no $MeshFormat section") }
    self = try builder.mesh(file: file, line: reader.lineNumber)
  }
}

/// Accumulates what the sections of a Gmsh file say, then assembles a ``Mesh``.
struct GmshMeshBuilder {
  var coordinates: [Double] = []
  var nodeNumber: [Int: Int32] = [:]
  var triangles: [Int32] = [], triangleTags: [Int32] = []
  var tetrahedra: [Int32] = [], tetrahedronTags: [Int32] = []
  var lines: [Int32] = [], lineTags: [Int32] = []
  var groups: [PhysicalGroup] = []
  /// MSH 4.1: physical tags of each (dimension, entity tag).
  var entityPhysicals: [Int: [Int: [Int32]]] = [:]
  var sawNodes = false, sawElements = false

  mutating func readPhysicalNames(_ r: inout GmshLineReader) throws {
    let count = try r.count(r.tokens(expecting: "the number of physical names").first, "count of physical names")
    for _ in 0..<count {
      let line = try r.next(expecting: "a physical name")
      let t = line.split(separator: " ", maxSplits: 2)
      guard t.count == 3 else { throw r.malformed("expected 'dimension tag \"name\"', found \(inputExcerpt(line))") }
      let name = t[2].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      groups.append(PhysicalGroup(dimension: try r.integer(t[0], "dimension"), tag: try r.int32(t[1], "tag"), name: name))
    }
    try r.expect("$EndPhysicalNames")
  }

  mutating func readEntities(_ r: inout GmshLineReader) throws {
    let counts = try r.tokens(expecting: "entity counts").map { try r.count($0, "entity count") }
    guard counts.count == 4 else { throw r.malformed("expected 4 entity counts, found \(counts.count)") }
    for dim in 0..<4 {
      for _ in 0..<counts[dim] {
        let t = try r.tokens(expecting: "a \(dim)D entity")
        let tag = try r.integer(t.first, "entity tag")
        let physicalAt = dim == 0 ? 4 : 7  // points: tag x y z; others: tag + bounding box
        let n = try r.count(t.count > physicalAt ? t[physicalAt] : nil, "number of physical tags")
        guard t.count > physicalAt + n else { throw r.malformed("entity \(tag) lists fewer physical tags than \(n)") }
        entityPhysicals[dim, default: [:]][tag] = try (0..<n).map { try r.int32(t[physicalAt + 1 + $0], "physical tag") }
      }
    }
    try r.expect("$EndEntities")
  }

  mutating func addNode(tag: Int, x: Double, y: Double, z: Double, _ r: GmshLineReader) throws {
    guard nodeNumber[tag] == nil else { throw r.malformed("node \(tag) is defined twice") }
    nodeNumber[tag] = Int32(coordinates.count / 3)
    coordinates += [x, y, z]
  }

  mutating func readNodes22(_ r: inout GmshLineReader) throws {
    let count = try r.count(r.tokens(expecting: "the number of nodes").first, "node count")
    for _ in 0..<count {
      let t = try r.tokens(expecting: "a node 'tag x y z'")
      guard t.count >= 4 else { throw r.malformed("expected 'tag x y z', found \(t.count) value(s)") }
      try addNode(tag: r.integer(t[0], "node tag"), x: r.real(t[1], "x"), y: r.real(t[2], "y"), z: r.real(t[3], "z"), r)
    }
    try r.expect("$EndNodes")
    sawNodes = true
  }

  mutating func readNodes41(_ r: inout GmshLineReader) throws {
    let header = try r.tokens(expecting: "'numEntityBlocks numNodes minNodeTag maxNodeTag'")
    let blocks = try r.count(header.first, "number of node blocks")
    for _ in 0..<blocks {
      let b = try r.tokens(expecting: "a node block header 'entityDim entityTag parametric numNodes'")
      guard b.count >= 4 else { throw r.malformed("expected 4 values in a node block header, found \(b.count)") }
      let parametric = try r.integer(b[2], "parametric flag") != 0
      let n = try r.count(b[3], "nodes in block")
      var tags = [Int]()  // appended one by one: a header claiming billions of nodes reserves nothing
      for _ in 0..<n { tags.append(try r.integer(r.tokens(expecting: "a node tag").first, "node tag")) }
      for tag in tags {
        let c = try r.tokens(expecting: "node coordinates 'x y z'")
        guard c.count >= (parametric ? 4 : 3) else { throw r.malformed("expected 'x y z', found \(c.count) value(s)") }
        try addNode(tag: tag, x: r.real(c[0], "x"), y: r.real(c[1], "y"), z: r.real(c[2], "z"), r)
      }
    }
    try r.expect("$EndNodes")
    sawNodes = true
  }

  mutating func readElements22(_ r: inout GmshLineReader) throws {
    let count = try r.count(r.tokens(expecting: "the number of elements").first, "element count")
    for _ in 0..<count {
      let t = try r.tokens(expecting: "an element 'tag type ntags tags… nodes…'")
      guard t.count >= 3 else { throw r.malformed("element line has \(t.count) value(s)") }
      let type = try r.integer(t[1], "element type")
      let ntags = try r.count(t[2], "number of tags")
      let physical = ntags > 0 && t.count > 3 ? try r.int32(t[3], "physical tag") : 0
      let nodes = Array(t.dropFirst(3 + ntags))
      try addElement(type: type, nodes: nodes, physicals: [physical], r)
    }
    try r.expect("$EndElements")
    sawElements = true
  }

  mutating func readElements41(_ r: inout GmshLineReader) throws {
    let header = try r.tokens(expecting: "'numEntityBlocks numElements minTag maxTag'")
    let blocks = try r.count(header.first, "number of element blocks")
    for _ in 0..<blocks {
      let b = try r.tokens(expecting: "an element block header 'entityDim entityTag elementType numElements'")
      guard b.count >= 4 else { throw r.malformed("expected 4 values in an element block header, found \(b.count)") }
      let dim = try r.integer(b[0], "entity dimension")
      let entity = try r.integer(b[1], "entity tag")
      let type = try r.integer(b[2], "element type")
      let n = try r.count(b[3], "elements in block")
      let physicals = entityPhysicals[dim]?[entity] ?? []
      for _ in 0..<n {
        let t = try r.tokens(expecting: "an element 'tag nodes…'")
        try addElement(type: type, nodes: Array(t.dropFirst()), physicals: physicals.isEmpty ? [0] : physicals, r)
      }
    }
    try r.expect("$EndElements")
    sawElements = true
  }

  /// Records one element; a facet in several physical groups is recorded once per group.
  mutating func addElement(type: Int, nodes tokens: [Substring], physicals: [Int32], _ r: GmshLineReader) throws {
    let expected: Int
    switch type {
    case 15: return
    case 1: expected = 2
    case 2: expected = 3
    case 4: expected = 4
    default:
      let names = [
        3: "4-node quadrangle", 5: "8-node hexahedron", 6: "prism", 7: "pyramid", 8: "3-node line", 9: "6-node triangle",
        11: "10-node tetrahedron",
      ]
      throw r.unsupported(
        "element type \(type)\(names[type].map { " (\($0))" } ?? ""); P1 assembly reads lines, 3-node triangles and 4-node tetrahedra")
    }
    guard tokens.count == expected else {
      throw r.malformed("element of type \(type) needs \(expected) nodes, found \(tokens.count)")
    }
    let nodes = try tokens.map { token -> Int32 in
      let tag = try r.integer(token, "node tag")
      guard let n = nodeNumber[tag] else { throw r.malformed("element references node \(tag), which $Nodes does not define") }
      return n
    }
    switch type {
    case 1: for p in physicals { lines += nodes; lineTags.append(p) }
    case 2: for p in physicals { triangles += nodes; triangleTags.append(p) }
    default: tetrahedra += nodes; tetrahedronTags.append(physicals[0])
    }
  }

  func mesh(file: String, line: Int) throws -> Mesh {
    guard sawNodes else { throw MeshError.malformed(file: file, line: line, message: "no $Nodes section") }
    guard sawElements else { throw MeshError.malformed(file: file, line: line, message: "no $Elements section") }
    if !tetrahedra.isEmpty {
      return Mesh(
        dimension: 3, coordinates: coordinates, cells: tetrahedra, cellTags: tetrahedronTags,
        facets: triangles, facetTags: triangleTags, physicalGroups: groups)
    }
    guard !triangles.isEmpty else {
      throw MeshError.malformed(file: file, line: line, message: "the mesh has no triangles or tetrahedra")
    }
    // A 2D mesh: triangles in several physical groups are listed once per group; keep the first.
    var seen = Set<[Int32]>(), cells = [Int32](), tags = [Int32]()
    for t in 0..<triangleTags.count {
      let nodes = Array(triangles[(3 * t)..<(3 * t + 3)])
      if seen.insert(nodes.sorted()).inserted { cells += nodes; tags.append(triangleTags[t]) }
    }
    return Mesh(
      dimension: 2, coordinates: coordinates, cells: cells, cellTags: tags,
      facets: lines, facetTags: lineTags, physicalGroups: groups)
  }
}
