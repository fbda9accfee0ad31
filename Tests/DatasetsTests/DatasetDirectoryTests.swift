import Datasets
import Foundation
import Tensors
import TestSupport
import XCTest

/// The one on-disk dataset layout: files written and read back, metadata recorded and read
/// back (grid spacing included), bad files named.
final class DatasetDirectoryTests: XCTestCase {
  private let directory = temporaryDirectory("datasets-tests")

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Written files numpy reads; the recorded spacing is what the dataset reports (not the
  /// vertex-grid default); a stale `queries.npy` is removed when a grid dataset replaces it.
  func testWrittenDatasetsReadBackWithTheirMetadata() throws {
    let layout = DatasetDirectory(path("torus"))
    var meta = DatasetMetadata(family: .darcy, samples: 2, seed: 5)
    (meta.resolution, meta.spacing, meta.boundary, meta.solver, meta.preconditioner) = (4, 0.25, .periodic, .cholmod, nil)
    let field = try NumpyArray(shape: [2, 4, 4], values: (0..<32).map { Double($0) / 32 }, dtype: .float32)
    try FileManager.default.createDirectory(atPath: layout.path, withIntermediateDirectories: true)
    try NumpyArray(shape: [2, 3], values: Array(repeating: 0, count: 6), dtype: .float32).write(to: layout.queriesPath)
    try layout.write(inputs: field, outputs: field, metadata: meta)
    XCTAssertFalse(layout.hasQueries, "a grid dataset replaces a stale queries.npy")
    XCTAssertEqual(try layout.metadata(), meta)
    let data = try OperatorDataset(directory: layout.path)
    XCTAssertEqual(data.spacing, [0.25, 0.25], "the torus' spacing 1/s, read from meta.json")
    XCTAssertEqual(data.gridSpacing, [0.25, 0.25])
    XCTAssertEqual(data.inputs.shape, [2, 1, 4, 4])
    let python = try runPython(
      """
      import numpy as np, json
      meta = json.load(open('\(layout.metadataPath)'))
      print(np.load('\(layout.outputsPath)').shape, meta['family'], meta['boundary'], meta['solver'], meta['spacing'])
      """)
    XCTAssertEqual(python, "(2, 4, 4) darcy periodic cholmod 0.25")
    // Without meta.json the spacing is the vertex grid's 1/(s − 1).
    try FileManager.default.removeItem(atPath: layout.metadataPath)
    XCTAssertEqual(try OperatorDataset(directory: layout.path).spacing, [Float(1) / 3, Float(1) / 3])
  }

  /// A choice outside its enum, a malformed `meta.json`, a missing or mismatched file, a NaN:
  /// each an error naming the file.
  func testBadFilesAreErrorsNamingTheFile() throws {
    let bad = path("bad")
    try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
    try NumpyArray(shape: [3, 8, 8], values: Array(repeating: 1, count: 192), dtype: .float32).write(to: bad + "/coeff.npy")
    XCTAssertThrowsError(try OperatorDataset(directory: bad)) { XCTAssertEqual("\($0)", bad + "/sol.npy: no such file") }
    try NumpyArray(shape: [3, 8, 7], values: Array(repeating: 1, count: 168), dtype: .float32).write(to: bad + "/sol.npy")
    XCTAssertThrowsError(try OperatorDataset(directory: bad)) {
      XCTAssertTrue("\($0)".contains("sol.npy: shape [3, 8, 7] does not match"), "\($0)")
    }
    try NumpyArray(shape: [3, 8, 8], values: [.nan] + Array(repeating: 1, count: 191), dtype: .float32).write(to: bad + "/sol.npy")
    XCTAssertThrowsError(try OperatorDataset(directory: bad)) {
      XCTAssertTrue("\($0)".hasPrefix(bad + "/sol.npy: ") && "\($0)".contains("non-finite value nan"), "\($0)")
    }
    try NumpyArray(shape: [3, 8, 8], values: Array(repeating: 1, count: 192), dtype: .float32).write(to: bad + "/sol.npy")
    for text in [#"{"family": "darcy", "samples": 3, "seed": 0, "boundary": "sideways"}"#, "{not json"] {
      try Data(text.utf8).write(to: URL(fileURLWithPath: bad + "/meta.json"))
      XCTAssertThrowsError(try OperatorDataset(directory: bad)) {
        XCTAssertTrue("\($0)".hasPrefix(bad + "/meta.json: malformed"), "\($0)")
      }
    }
  }

  /// Time-series windows pair inputs `[N, L, C]` with targets `[N, H, C]` and have no grid.
  func testWindowDatasetsPairAndHaveNoGrid() throws {
    let windows = try WindowDataset(inputs: randomTensor([5, 6, 2], seed: 1), targets: randomTensor([5, 3, 2], seed: 2))
    XCTAssertNil(windows.gridSpacing)
    XCTAssertEqual(windows.subset([4, 0]).outputs.scalars, windows.outputs.rows([4, 0]).scalars)
    XCTAssertEqual(windows.batchIndices(size: 2, epoch: 0, seed: 3).flatMap { $0 }.sorted(), [0, 1, 2, 3, 4])
    XCTAssertThrowsError(try WindowDataset(inputs: randomTensor([5, 6, 2], seed: 1), targets: randomTensor([5, 3, 1], seed: 2)))
  }
}
