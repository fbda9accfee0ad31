import Foundation
import TestSupport
import XCTest

/// End-to-end runs of the built `opkit` binary: outputs, the scipy cross-check, and bad input.
final class CommandLineTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-tests")

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  private func opkit(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }

  private func python(_ script: String) throws -> ProcessResult {
    try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script])
  }

  func testJSONReportAndOutputsThatNumpyReads() throws {
    let result = try opkit([
      "solve", "poisson", "--grid", "40x30", "--method", "pcg-mg", "--json", "--out", path("u.npy"), "--png", path("u.png"),
    ])
    XCTAssertEqual(result.status, 0, result.err)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    XCTAssertEqual(json["unknowns"] as? Int, 1200)
    XCTAssertEqual(json["method"] as? String, "pcg-mg")
    XCTAssertEqual(json["converged"] as? Bool, true)
    XCTAssertLessThanOrEqual(try XCTUnwrap(json["relative_residual"] as? Double), 1.01e-8)
    for key in ["iterations", "seconds", "assembly_seconds"] { XCTAssertNotNil(json[key], key) }
    let check = try python(
      """
      import numpy as np
      u = np.load('\(path("u.npy"))')
      assert u.shape == (40, 30) and u.dtype == np.float64, (u.shape, u.dtype)
      assert 0.05 < u.max() < 0.08, u.max()
      png = open('\(path("u.png"))', 'rb').read()
      assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
      import zlib, struct
      w, h = struct.unpack('>II', png[16:24])
      assert 200 < w < h < 400, (w, h)  # a 40-row, 30-column field: a portrait panel
      print('ok')
      """)
    XCTAssertEqual(check.out.trimmingCharacters(in: .whitespacesAndNewlines), "ok", check.err)
  }

  func testScipyReadsTheExportedMatrixAndAgreesWithOurSolution() throws {
    for (arguments, name) in [
      (["--grid", "48x40", "--method", "cholmod"], "grid"),
      (["--mesh", Problems.meshPath("lshape.msh"), "--method", "pcg-ic", "--rtol", "1e-12"], "mesh"),
    ] {
      let result = try opkit(
        ["solve", "poisson"] + arguments + [
          "--export-matrix", path("A-\(name).mtx"), "--export-rhs", path("b-\(name).mtx"), "--out", path("x-\(name).npy"),
        ])
      XCTAssertEqual(result.status, 0, result.err)
      let check = try python(
        """
        import numpy as np, scipy.io, scipy.sparse.linalg as sla
        A = scipy.io.mmread('\(path("A-\(name).mtx"))').tocsc()
        b = scipy.io.mmread('\(path("b-\(name).mtx"))').ravel()
        x = sla.spsolve(A, b)
        ours = np.load('\(path("x-\(name).npy"))').ravel()
        if ours.size != x.size:  # mesh output is nodal: keep the free nodes (nonzero rows)
            ours = ours[np.abs(ours) > 0]
        print(np.linalg.norm(ours - x) / np.linalg.norm(x))
        """)
      let difference = try XCTUnwrap(Double(check.out.trimmingCharacters(in: .whitespacesAndNewlines)), check.err)
      XCTAssertLessThan(difference, 1e-8, name)
    }
  }

  func testMeshSolveWritesVTK() throws {
    let result = try opkit([
      "solve", "poisson", "--mesh", Problems.meshPath("disk-with-hole.msh"), "--method", "cholmod", "--dirichlet", "outer,inner", "--out",
      path("disk.vtu"),
    ])
    XCTAssertEqual(result.status, 0, result.err)
    XCTAssertTrue(try String(contentsOfFile: path("disk.vtu"), encoding: .utf8).contains("<VTKFile type=\"UnstructuredGrid\""))
    XCTAssertTrue(result.out.contains("converged"))
  }

  func testBadInputGivesOneLineAndANonZeroExit() throws {
    let text = try String(contentsOfFile: Problems.meshPath("lshape.msh"), encoding: .utf8)
    try String(text.prefix(4000)).write(toFile: path("truncated.msh"), atomically: true, encoding: .utf8)
    try text.replacingOccurrences(of: "$EndNodes", with: "$EndNodez").write(toFile: path("corrupt.msh"), atomically: true, encoding: .utf8)
    let write: (String, String) throws -> Void = { name, expression in
      let r = try self.python("import numpy as np; np.save('\(self.path(name))', \(expression))")
      XCTAssertEqual(r.status, 0, r.err)
    }
    try write("shape.npy", "np.ones((5, 5))")
    try write("nan.npy", "np.where(np.arange(100).reshape(10, 10) == 37, np.nan, 1.0)")
    try write("negative.npy", "np.where(np.arange(64).reshape(8, 8) == 9, -1.0, 1.0)")
    let cases: [([String], String)] = [
      (["--mesh", path("truncated.msh"), "--method", "cg"], "truncated.msh:"),
      (["--mesh", path("corrupt.msh"), "--method", "cg"], "corrupt.msh:"),
      (["--grid", "8x8", "--method", "magic"], "magic"),
      (["--grid", "0x8"], "at least 1"),
      (["--grid", "8x8", "--coefficient", path("shape.npy")], "shape (5, 5)"),
      (["--grid", "10x10", "--coefficient", path("nan.npy")], "nan"),
      (["--grid", "8x8", "--coefficient", path("negative.npy")], "positive"),
      (["--grid", "8x8", "--coefficient", path("missing.npy")], "no such file"),
    ]
    for (arguments, expected) in cases {
      let result = try opkit(["solve", "poisson"] + arguments)
      XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
      let lines = result.err.split(separator: "\n")
      XCTAssertEqual(lines.count, 1, "one line on stderr: \(result.err)")
      XCTAssertTrue(result.err.contains(expected), "'\(expected)' not in: \(result.err)")
      XCTAssertTrue(result.err.hasPrefix("opkit: error: "), result.err)
    }
    let truncated = try opkit(["solve", "poisson", "--mesh", path("truncated.msh"), "--method", "cg"])
    XCTAssertNotNil(truncated.err.range(of: #"truncated\.msh:\d+: "#, options: .regularExpression), truncated.err)
  }

  func testUnconvergedSolveIsAnErrorWithItsReport() throws {
    let result = try opkit(["solve", "poisson", "--grid", "64x64", "--method", "cg", "--max-iterations", "3", "--json"])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.out.contains("\"converged\":false"), result.out)
    XCTAssertTrue(result.err.contains("did not converge: max_iterations after 3 iterations"), result.err)
  }
}
