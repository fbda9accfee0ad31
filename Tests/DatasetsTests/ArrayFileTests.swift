import Datasets
import Foundation
import Tensors
import TestSupport
import XCTest

/// The datasets users already have: HDF5 written by h5py (PDEBench's layouts), MATLAB files
/// written by scipy.io.savemat (v5, plain and compressed) and v7.3 (HDF5 behind a MATLAB header),
/// and the HDF5 copy `--format h5` writes, read back by h5py.
final class ArrayFileTests: XCTestCase {
  private let directory = temporaryDirectory("array-files")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Every format gives the same arrays in MATLAB's (or numpy's) axis order, complex values as
  /// (real, imaginary) pairs, and datasets from files pair like dataset directories.
  func testHDF5AndMATFilesReadAsNumpyWouldSeeThem() throws {
    _ = try runPython(
      """
      import numpy as np, scipy.io, h5py
      a = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4) / 7
      u = (np.arange(2 * 3 * 4).reshape(2, 3, 4) % 5).astype(np.float32)
      z = (a + 2j * a)[:, :2, :2]
      scipy.io.savemat('\(path("v5.mat"))', {'a': a, 'u': u, 'z': z, 'name': 'text'})
      scipy.io.savemat('\(path("v5z.mat"))', {'a': a, 'u': u}, do_compression=True)
      with h5py.File('\(path("v73.mat"))', 'w', userblock_size=512) as f:
          f['a'] = a.T; f['u'] = u.T
      with open('\(path("v73.mat"))', 'r+b') as f:
          f.write(b'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by a test'.ljust(116))
      with h5py.File('\(path("pdebench.h5"))', 'w') as f:
          f['nu'] = a.astype(np.float32); f['tensor'] = u[:, None]; f['x-coordinate'] = np.linspace(0, 1, 4)
          f.create_group('0000')['data'] = a[0]
      """)
    let a = (0..<24).map { Double($0) / 7 }, u = (0..<24).map { Double($0 % 5) }
    for file in ["v5.mat", "v5z.mat", "v73.mat"] {
      let read = try ArrayFile.read("a", from: path(file))
      XCTAssertEqual(read.shape, [2, 3, 4], file)
      for (x, y) in zip(read.values, a) { XCTAssertEqual(x, y, accuracy: 1e-15, file) }
      XCTAssertEqual(try ArrayFile.read("u", from: path(file)).values, u, file)
    }
    let z = try ArrayFile.read("z", from: path("v5.mat"))
    XCTAssertEqual(z.dtype, .complex64)
    XCTAssertEqual(z.shape, [2, 2, 2])
    XCTAssertEqual(z.values[2 * 1], a[1], accuracy: 1e-15, "element [0, 0, 1], real part")
    XCTAssertEqual(z.values[2 * 1 + 1], 2 * a[1], accuracy: 1e-15, "and imaginary part")
    XCTAssertEqual(try ArrayFile.read("tensor", from: path("pdebench.h5")).shape, [2, 1, 3, 4])
    XCTAssertEqual(try ArrayFile.read("0000/data", from: path("pdebench.h5")).shape, [3, 4])
    // PDEBench's per-seed groups stacked along a new first axis.
    _ = try runPython(
      """
      import numpy as np, h5py
      with h5py.File('\(path("seeds.h5"))', 'w') as f:
          for seed in range(3): f.create_group('%04d' % seed)['data'] = np.full((2, 5, 1), float(seed))
      """)
    let stacked = try ArrayFile.read("*/data", from: path("seeds.h5"))
    XCTAssertEqual(stacked.shape, [3, 2, 5, 1])
    XCTAssertEqual(stacked.values[2 * 5 * 2], 2, "group 0002 is sample 2")
    // PDEBench's Darcy layout: the component axis of `tensor` becomes the channel.
    let data = try OperatorDataset(file: path("pdebench.h5"), input: "nu", output: "tensor")
    XCTAssertEqual(data.inputs.shape, [2, 1, 3, 4])
    XCTAssertEqual(data.outputs.shape, [2, 1, 3, 4])
    XCTAssertEqual(try OperatorDataset(file: path("v73.mat"), input: "a", output: "u").outputs.scalars, u.map(Float.init))
  }

  /// Wrong keys, non-numeric variables, truncated and foreign files: errors naming file and key.
  func testBadFilesAreErrorsNamingTheFileAndKey() throws {
    try testHDF5AndMATFilesReadAsNumpyWouldSeeThem()
    let cases: [(String, String, String)] = [
      ("pdebench.h5", "sol", "pdebench.h5: no dataset 'sol' (the file has: 0000, nu, tensor, x-coordinate)"),
      ("pdebench.h5", "0000", "'0000' is not a dataset"),
      ("v5.mat", "sol", "v5.mat: no variable 'sol' (the file has: a, u, z)"),
      ("v5.mat", "name", "'name' is not a numeric array"),
      ("v73.mat", "b", "v73.mat: no dataset 'b'"),
    ]
    for (file, key, expected) in cases {
      XCTAssertThrowsError(try ArrayFile.read(key, from: path(file))) { XCTAssertTrue("\($0)".contains(expected), "\($0)") }
    }
    for (file, cut) in [("v5.mat", 300), ("v5z.mat", 200), ("pdebench.h5", 600)] {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path(file)))
      let truncated = path("truncated-" + file)
      try bytes.prefix(cut).write(to: URL(fileURLWithPath: truncated))
      XCTAssertThrowsError(try ArrayFile.read("a", from: truncated)) { XCTAssertTrue("\($0)".hasPrefix(truncated + ": "), "\($0)") }
    }
    try Data("not a mat file at all".utf8).write(to: URL(fileURLWithPath: path("text.mat")))
    XCTAssertThrowsError(try ArrayFile.read("a", from: path("text.mat"))) { XCTAssertTrue("\($0)".contains("not a MATLAB .mat file"), "\($0)") }
    XCTAssertThrowsError(try ArrayFile.read("a", from: path("data.npz"))) { XCTAssertTrue("\($0)".contains("unknown array file"), "\($0)") }
    XCTAssertThrowsError(try OperatorDataset(file: path("v5.mat"), input: "a", output: "z")) {
      XCTAssertTrue("\($0)".contains("v5.mat: 'z' of shape [2, 2, 2] does not pair with 'a' of shape [2, 3, 4]"), "\($0)")
    }
  }

  /// `--format h5`: a steady dataset as `nu`/`tensor`, a trajectory dataset as `tensor` with the
  /// initial condition first and `t-coordinate`; h5py reads both.
  func testDatasetsWrittenAsHDF5ReadBackWithPDEBenchNames() throws {
    let steady = DatasetDirectory(path("steady"))
    var meta = DatasetMetadata(family: .darcy, samples: 2, seed: 0)
    meta.spacing = 0.5
    let field = try NumpyArray(shape: [2, 3, 3], values: (0..<18).map(Double.init), dtype: .float32)
    try steady.write(inputs: field, outputs: field, metadata: meta)
    try steady.writeHDF5(to: steady.hdf5Path)
    let trajectory = DatasetDirectory(path("trajectory"))
    var timed = DatasetMetadata(family: .burgers, samples: 2, seed: 0)
    (timed.times, timed.spacing) = ([0.5, 1], 0.25)
    try trajectory.write(
      inputs: try NumpyArray(shape: [2, 4], values: Array(repeating: 7, count: 8), dtype: .float32),
      outputs: try NumpyArray(shape: [2, 2, 4], values: (0..<16).map(Double.init), dtype: .float32), metadata: timed)
    try trajectory.writeHDF5(to: trajectory.hdf5Path)
    let seen = try runPython(
      """
      import h5py
      s = h5py.File('\(steady.hdf5Path)'); t = h5py.File('\(trajectory.hdf5Path)')
      print(sorted(s.keys()), s['tensor'].shape, s['nu'].dtype, s['x-coordinate'][:].tolist(), sorted(t.keys()), t['tensor'].shape,
            t['t-coordinate'][:].tolist(), float(t['tensor'][1, 0, 0]), float(t['tensor'][1, 2, 3]))
      """)
    XCTAssertEqual(
      seen,
      "['nu', 'tensor', 'x-coordinate', 'y-coordinate'] (2, 1, 3, 3) float32 [0.0, 0.5, 1.0] ['t-coordinate', 'tensor', 'x-coordinate'] "
        + "(2, 3, 4) [0.0, 0.5, 1.0] 7.0 15.0")
  }
}
