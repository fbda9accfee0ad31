import Foundation

/// Writing a mesh and nodal fields for ParaView: XML `.vtu` or legacy `.vtk`, both ASCII.
extension Mesh {
  /// VTK's output flavours.
  public enum VTKFormat: String, Sendable {
    /// XML UnstructuredGrid (`.vtu`).
    case xml = "vtu"
    /// Legacy ASCII unstructured grid (`.vtk`).
    case legacy = "vtk"
  }

  /// Writes the mesh with nodal scalar fields, atomically (temporary file, then rename).
  /// - Parameters:
  ///   - path: output path; the format follows the extension (`.vtu` or `.vtk`).
  ///   - pointData: named fields, each with ``nodeCount`` values.
  /// - Throws: ``MeshError/io(file:message:)`` for an unknown extension, a field of the wrong
  ///   length, or a failed write.
  public func writeVTK(to path: String, pointData: [(name: String, values: [Double])]) throws {
    guard let format = VTKFormat(rawValue: (path as NSString).pathExtension.lowercased()) else {
      throw MeshError.io(file: path, message: "VTK output needs a .vtu or .vtk extension")
    }
    for field in pointData where field.values.count != nodeCount {
      throw MeshError.io(file: path, message: "field '\(field.name)' has \(field.values.count) values for \(nodeCount) nodes")
    }
    let text = format == .xml ? vtuText(pointData) : legacyVTKText(pointData)
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw MeshError.io(file: path, message: "cannot write: \(error.localizedDescription)")
    }
  }

  private var vtkCellType: Int { dimension == 2 ? 5 : 10 }  // VTK_TRIANGLE, VTK_TETRA

  private func vtuText(_ pointData: [(name: String, values: [Double])]) -> String {
    var s = """
      <?xml version="1.0"?>
      <VTKFile type="UnstructuredGrid" version="0.1" byte_order="LittleEndian">
      <UnstructuredGrid>
      <Piece NumberOfPoints="\(nodeCount)" NumberOfCells="\(cellCount)">

      """
    s += "<PointData Scalars=\"\(pointData.first?.name ?? "")\">\n"
    for field in pointData {
      s += "<DataArray type=\"Float64\" Name=\"\(field.name)\" format=\"ascii\">\n"
      s += field.values.map { "\($0)" }.joined(separator: "\n") + "\n</DataArray>\n"
    }
    s += "</PointData>\n<Points>\n<DataArray type=\"Float64\" NumberOfComponents=\"3\" format=\"ascii\">\n"
    for n in 0..<nodeCount { s += "\(coordinates[3 * n]) \(coordinates[3 * n + 1]) \(coordinates[3 * n + 2])\n" }
    s += "</DataArray>\n</Points>\n<Cells>\n<DataArray type=\"Int32\" Name=\"connectivity\" format=\"ascii\">\n"
    for c in 0..<cellCount { s += cell(c).map(String.init).joined(separator: " ") + "\n" }
    s += "</DataArray>\n<DataArray type=\"Int32\" Name=\"offsets\" format=\"ascii\">\n"
    s += (1...max(cellCount, 1)).prefix(cellCount).map { String($0 * nodesPerCell) }.joined(separator: "\n")
    s += "\n</DataArray>\n<DataArray type=\"UInt8\" Name=\"types\" format=\"ascii\">\n"
    s += Array(repeating: String(vtkCellType), count: cellCount).joined(separator: "\n")
    s += "\n</DataArray>\n</Cells>\n</Piece>\n</UnstructuredGrid>\n</VTKFile>\n"
    return s
  }

  private func legacyVTKText(_ pointData: [(name: String, values: [Double])]) -> String {
    var s = "# vtk DataFile Version 3.0\nOperatorKit solution\nASCII\nDATASET UNSTRUCTURED_GRID\n"
    s += "POINTS \(nodeCount) double\n"
    for n in 0..<nodeCount { s += "\(coordinates[3 * n]) \(coordinates[3 * n + 1]) \(coordinates[3 * n + 2])\n" }
    s += "CELLS \(cellCount) \(cellCount * (nodesPerCell + 1))\n"
    for c in 0..<cellCount { s += "\(nodesPerCell) " + cell(c).map(String.init).joined(separator: " ") + "\n" }
    s += "CELL_TYPES \(cellCount)\n" + Array(repeating: String(vtkCellType), count: cellCount).joined(separator: "\n") + "\n"
    s += "POINT_DATA \(nodeCount)\n"
    for field in pointData {
      s += "SCALARS \(field.name) double 1\nLOOKUP_TABLE default\n"
      s += field.values.map { "\($0)" }.joined(separator: "\n") + "\n"
    }
    return s
  }
}
