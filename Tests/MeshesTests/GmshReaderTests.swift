import Foundation
import Meshes
import TestSupport
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class GmshReaderTests: XCTestCase {
  func testReadsTheShippedMeshesInBothFormats() throws {
    let square = try Mesh(gmshFile: Problems.meshPath("square.msh"))  // MSH 4.1
    XCTAssertEqual(square.dimension, 2)
    XCTAssertEqual(square.nodeCount, 1941)
    XCTAssertEqual(square.facetTagSet, [1, 2, 3, 4])
    XCTAssertEqual(square.boundaryTag(named: "left"), 4)
    assertClose(totalMeasure(square), 1, rtol: 1e-12)

    let lshape = try Mesh(gmshFile: Problems.meshPath("lshape.msh"))  // MSH 2.2
    XCTAssertEqual(lshape.dimension, 2)
    XCTAssertEqual(lshape.facetTagSet, [1])
    assertClose(totalMeasure(lshape), 3, rtol: 1e-12)

    let disk = try Mesh(gmshFile: Problems.meshPath("disk-with-hole.msh"))
    XCTAssertEqual(disk.facetTagSet, [1, 2])
    assertClose(totalMeasure(disk), .pi * (1 - 0.09), rtol: 0.01)  // polygonal circles

    let cube = try Mesh(gmshFile: Problems.meshPath("cube-with-hole.msh"))
    XCTAssertEqual(cube.dimension, 3)
    XCTAssertEqual(cube.facetTagSet, [1, 2])
    assertClose(totalMeasure(cube), 1 - 4.0 / 3 * .pi * 0.25 * 0.25 * 0.25, rtol: 0.01)
  }

  func testTopologicalBoundaryMatchesTheTaggedBoundary() throws {
    let square = try Mesh(gmshFile: Problems.meshPath("square.msh"))
    XCTAssertEqual(try square.boundaryNodes(), try square.boundaryNodes(tags: [1, 2, 3, 4]))
    XCTAssertThrowsError(try square.boundaryNodes(tags: [99])) { error in
      XCTAssertEqual(error as? MeshError, .unknownBoundaryTag(99, available: [1, 2, 3, 4]))
    }
  }

  func testTruncatedFileNamesTheLine() throws {
    let text = try String(contentsOfFile: Problems.meshPath("lshape.msh"), encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let cut = lines.prefix(200).joined(separator: "\n")  // inside $Nodes
    XCTAssertThrowsError(try Mesh(gmshText: cut, file: "cut.msh")) { error in
      guard case .malformed(let file, let line, let message) = error as? MeshError else { return XCTFail("\(error)") }
      XCTAssertEqual(file, "cut.msh")
      XCTAssertEqual(line, 200)
      XCTAssertTrue(message.contains("end of file"), message)
    }
  }

  func testCorruptedNumberNamesTheLine() throws {
    let text = try String(contentsOfFile: Problems.meshPath("lshape.msh"), encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[100] = "92 1.2.3 0 0"
    XCTAssertThrowsError(try Mesh(gmshText: lines.joined(separator: "\n"), file: "bad.msh")) { error in
      XCTAssertTrue("\(error)".hasPrefix("bad.msh:101: "), "\(error)")
    }
  }

  func testUnsupportedContentIsReported() throws {
    let quad = """
      $MeshFormat
      2.2 0 8
      $EndMeshFormat
      $Nodes
      4
      1 0 0 0
      2 1 0 0
      3 1 1 0
      4 0 1 0
      $EndNodes
      $Elements
      1
      1 3 2 0 1 1 2 3 4
      $EndElements
      """
    XCTAssertThrowsError(try Mesh(gmshText: quad, file: "quad.msh")) { error in
      XCTAssertTrue("\(error)".contains("quad.msh:13: unsupported: element type 3 (4-node quadrangle)"), "\(error)")
    }
    let binary = "$MeshFormat\n4.1 1 8\n$EndMeshFormat\n"
    XCTAssertThrowsError(try Mesh(gmshText: binary, file: "b.msh")) { error in
      XCTAssertTrue("\(error)".contains("binary"), "\(error)")
    }
    let dangling = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n1\n1 2 0 1 2 3\n$EndElements\n"
    XCTAssertThrowsError(try Mesh(gmshText: dangling, file: "d.msh")) { error in
      XCTAssertTrue("\(error)".contains("d.msh:10: element references node 2"), "\(error)")
    }
    XCTAssertThrowsError(try Mesh(gmshFile: "/nonexistent/x.msh")) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/x.msh"), "\(error)")
    }
  }

  func testUniformRefinementPreservesMeasureAndTags() throws {
    let lshape = try Mesh(gmshFile: Problems.meshPath("lshape.msh"))
    let fine = lshape.refinedUniformly()
    XCTAssertEqual(fine.cellCount, 4 * lshape.cellCount)
    XCTAssertEqual(fine.facetTags.count, 2 * lshape.facetTags.count)
    assertClose(totalMeasure(fine), 3, rtol: 1e-12)
    XCTAssertEqual(try fine.boundaryNodes(), try fine.boundaryNodes(tags: [1]))
    let cube = Problems.unitCubeMesh(2)
    let fineCube = cube.refinedUniformly()
    XCTAssertEqual(fineCube.cellCount, 8 * cube.cellCount)
    assertClose(totalMeasure(fineCube), 1, rtol: 1e-12)
  }

  func testVTKFilesAreWellFormed() throws {
    let mesh = try Mesh(gmshFile: Problems.meshPath("square.msh"))
    let u = (0..<mesh.nodeCount).map { Double($0) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vtk-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let vtu = dir.appendingPathComponent("u.vtu").path, vtk = dir.appendingPathComponent("u.vtk").path
    try mesh.writeVTK(to: vtu, pointData: [("u", u)])
    try mesh.writeVTK(to: vtk, pointData: [("u", u)])
    // The XML parses, and its counts match the mesh.
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: vtu))
    let piece = try document.nodes(forXPath: "//Piece").first as? XMLElement
    XCTAssertEqual(piece?.attribute(forName: "NumberOfPoints")?.stringValue, "\(mesh.nodeCount)")
    XCTAssertEqual(piece?.attribute(forName: "NumberOfCells")?.stringValue, "\(mesh.cellCount)")
    let legacy = try String(contentsOfFile: vtk, encoding: .utf8)
    XCTAssertTrue(legacy.contains("POINTS \(mesh.nodeCount) double"))
    XCTAssertTrue(legacy.contains("CELLS \(mesh.cellCount) \(4 * mesh.cellCount)"))
    XCTAssertThrowsError(try mesh.writeVTK(to: dir.appendingPathComponent("u.txt").path, pointData: [("u", u)]))
    XCTAssertThrowsError(try mesh.writeVTK(to: vtu, pointData: [("u", [1, 2])]))
  }

  /// Sum of cell areas (2D) or volumes (3D).
  private func totalMeasure(_ mesh: Mesh) -> Double {
    var total = 0.0
    for c in 0..<mesh.cellCount {
      let p = mesh.cell(c).map { mesh.point(Int($0)) }
      let e = (1..<p.count).map { k in (0..<3).map { p[k][$0] - p[0][$0] } }
      if mesh.dimension == 2 {
        total += abs(e[0][0] * e[1][1] - e[0][1] * e[1][0]) / 2
      } else {
        let det =
          e[0][0] * (e[1][1] * e[2][2] - e[1][2] * e[2][1]) - e[0][1] * (e[1][0] * e[2][2] - e[1][2] * e[2][0])
          + e[0][2] * (e[1][0] * e[2][1] - e[1][1] * e[2][0])
        total += abs(det) / 6
      }
    }
    return total
  }
}
