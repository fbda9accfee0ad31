import Foundation
import TestSupport
import XCTest

/// The hostile inputs of the hardening issue, each a regression test: sizes that overflow or
/// cannot fit, zero options, files that lie about their contents, outputs that would destroy an
/// input. Every one must end in one `opkit: error` line and exit status 1 or 64 (no signal, no
/// backtrace, no hang), leaving the input files as they were.
final class HostileInputTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-hostile-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  private func opkit(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }
  private func bytes(_ file: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file)) }

  /// Runs `arguments` and checks the one-line refusal containing `message`.
  private func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let result = try opkit(arguments)
    XCTAssertTrue(
      [1, 64].contains(result.status), "\(arguments): status \(result.status), stderr \(result.err.prefix(300))", file: file, line: line)
    let lines = result.err.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "\(arguments): \(result.err.prefix(600))", file: file, line: line)
    XCTAssertTrue(result.err.hasPrefix("opkit: error: "), "\(arguments): \(result.err.prefix(300))", file: file, line: line)
    XCTAssertTrue(result.err.contains(message), "\(arguments): '\(message)' not in \(result.err.prefix(300))", file: file, line: line)
  }

  /// An `.npy` header claiming `shape`, with 64 bytes of data.
  private func lyingNumpy(_ name: String, shape: String) throws -> String {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
    header += String(repeating: " ", count: 63 - (header.utf8.count + 10) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: 64))
    try data.write(to: URL(fileURLWithPath: path(name)))
    return path(name)
  }

  /// A safetensors file with the given tensor entries (JSON) over `dataBytes` zero bytes.
  private func safetensors(_ name: String, entries: String, dataBytes: Int) throws -> String {
    let header = Array(entries.utf8)
    var data = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header + [UInt8](repeating: 0, count: dataBytes))
    try data.write(to: URL(fileURLWithPath: path(name)))
    return path(name)
  }

  private func write(_ text: String, _ name: String) throws -> String {
    try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    return path(name)
  }

  /// A small Darcy dataset, made once.
  private func dataset() throws -> String {
    let out = path("darcy16")
    if !FileManager.default.fileExists(atPath: "\(out)/sol.npy") {
      let made = try opkit(["generate", "darcy", "--resolution", "16", "--samples", "12", "--out", out])
      XCTAssertEqual(made.status, 0, made.err)
    }
    return out
  }

  func testSizesThatOverflowOrCannotFitAreRefusedUpFront() throws {
    let data = try dataset()
    try assertRefused(
      ["solve", "poisson", "--grid", "31x31", "--coefficient", try lyingNumpy("huge2d.npy", shape: "(4294967312, 4294967312)")],
      "needs more than 2^64 data bytes")
    try assertRefused(
      ["solve", "poisson", "--grid", "31x31", "--coefficient", try lyingNumpy("huge1d.npy", shape: "(2305843009213693952,)")],
      "data bytes, file has 64")
    try assertRefused(
      [
        "evaluate", "--data", data, "--model",
        try safetensors(
          "huge.safetensors", entries: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}}"#,
          dataBytes: 16),
      ], "do not fit")
    try assertRefused(["solve", "poisson", "--grid", "4294967296x4294967296"], "needs more than 2^64 bytes")
    try assertRefused(["solve", "poisson", "--grid", "100000x100000"], "this machine has")
    try assertRefused(
      ["generate", "darcy", "--resolution", "100000", "--samples", "1", "--out", path("d1")], "--resolution must be at most")
    try assertRefused(["generate", "darcy", "--resolution", "16", "--samples", "100000000000", "--out", path("d2")], "this machine has")
    try assertRefused(["generate", "antiderivative", "--points", "10000000", "--samples", "2", "--out", path("d3")], "this machine has")
    let header = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n"
    try assertRefused(
      ["solve", "poisson", "--method", "cholmod", "--mesh", try write(header + "$Nodes\n99999999999\n1 0 0 0\n$EndNodes\n", "many.msh")],
      "node count must be between 0 and")
    try assertRefused(
      ["solve", "poisson", "--method", "cholmod", "--mesh", try write(header + "$Nodes\n-5\n$EndNodes\n", "negative.msh")],
      "found -5")
    let header41 = "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n"
    try assertRefused(
      [
        "solve", "poisson", "--method", "cholmod", "--mesh",
        try write(header41 + "$Nodes\n1 99999999999 1 99999999999\n2 1 0 99999999999\n$EndNodes\n", "many41.msh"),
      ], "nodes in block must be between 0 and")
    try assertRefused(
      [
        "solve", "poisson", "--method", "cholmod", "--mesh",
        try write(header41 + "$Nodes\n1 3 1 3\n2 1 0 -3\n$EndNodes\n$Elements\n1 -1 1 1\n$EndElements\n", "negative41.msh"),
      ], "found -3")
    let model = path("m.safetensors")
    try assertRefused(["train", "fno", "--data", data, "--width", "100000", "--out", model], "--width must be at most")
    try assertRefused(["train", "dcdm", "--grid", "16x16", "--vectors", "100000000", "--out", model], "--vectors must be at most 10000000")
    try assertRefused(["train", "dcdm", "--grid", "1024x1024", "--vectors", "10000000", "--out", model], "this machine has")
    XCTAssertFalse(FileManager.default.fileExists(atPath: model))
  }

  /// What used to hang or grow without bound is refused before any work.
  func testSizesThatUsedToHangAreRefused() throws {
    let data = try dataset()
    let model = path("hang.safetensors")
    try assertRefused(
      ["train", "mgno", "--data", data, "--pre-smoothing", "1000000", "--out", model], "--pre-smoothing must be at most 65536")
    try assertRefused(
      ["train", "mgno", "--data", data, "--pre-smoothing", "65536", "--width", "65536", "--out", model], "this machine has")
    try assertRefused(["train", "fno", "--data", data, "--layers", "10000000", "--out", model], "--layers must be at most")
    try assertRefused(["train", "deeponet", "--data", data, "--width", "10000000", "--out", model], "--width must be at most 65536")
    try assertRefused(["train", "deeponet", "--data", data, "--width", "65536", "--depth", "65536", "--out", model], "this machine has")
    try assertRefused(["bench", "--suite", "generation", "--helmholtz-resolutions", "abc"], "--helmholtz-resolutions takes")
    try assertRefused(["bench", "--suite", "generation", "--helmholtz-3d-resolutions", "24,1000"], "--helmholtz-3d-resolutions takes")
    try assertRefused(["bench", "--suite", "generation", "--samples-3d", "0"], "--samples-3d must be at least 1")
    try assertRefused(["bench", "--suite", "generation", "--helmholtz-3d-resolutions", "24,,abc"], "--helmholtz-3d-resolutions takes")
    try assertRefused(["generate", "helmholtz", "--dim", "99999999999", "--out", path("h")], "--dim must be 2 or 3")
    try assertRefused(["generate", "helmholtz", "--dim", "0", "--out", path("h")], "--dim must be 2 or 3")
    try assertRefused(["generate", "helmholtz", "--dim", "three", "--out", path("h")], "--dim")
    try assertRefused(["bench", "--suite", "generation", "--samples-3d", "-5"], "--samples-3d must be at least 1")
    try assertRefused(["bench", "--suite", "generation", "--samples-3d", "1e3"], "--samples-3d")
    try assertRefused(["bench", "--suite", "generation", "--helmholtz-3d-resolutions", "2"], "--helmholtz-3d-resolutions takes")
  }

  func testZeroOptionsAreRefused() throws {
    let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/koopa-co2/co2.csv")
      .standardized.path
    let out = path("koopa.safetensors")
    try assertRefused(["forecast", "--csv", csv, "--segment", "0", "--out", out], "--segment must be at least 1")
    try assertRefused(["forecast", "--csv", csv, "--blocks", "0", "--out", out], "blocks")
    try assertRefused(["forecast", "--csv", csv, "--state-dimension", "0", "--out", out], "state dimension")
    try assertRefused(["forecast", "--csv", csv, "--columns", "", "--out", out], "channels")
  }

  /// Files that lie: a complex coefficient, overlapping safetensors data, a checkpoint whose
  /// metadata asks for an impossible model, values that overflow the model.
  func testLyingFilesAreRefused() throws {
    let data = try dataset()
    try runPython(
      """
      import numpy as np
      np.save('\(path("complex.npy"))', (np.ones((33, 33)) + 0j).astype(np.complex64))
      """)
    try assertRefused(
      ["solve", "poisson", "--grid", "31x31", "--coefficient", path("complex.npy")], "(complex); a(x) must be a real array")
    try assertRefused(
      [
        "evaluate", "--data", data, "--model",
        try safetensors(
          "overlap.safetensors",
          entries: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#,
          dataBytes: 24),
      ], "share data bytes")
    let model = path("small.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let trained = try opkit(["train", "fno", "--data", data, "--epochs", "1", "--modes", "4", "--width", "8", "--out", model])
    XCTAssertEqual(trained.status, 0, trained.err)
    for (name, change) in [("modes", "c['modes'] = [100000, 100000]"), ("width", "c['width'] = -5")] {
      try runPython(
        """
        import json, struct
        raw = open('\(model)', 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]; h = json.loads(raw[8:8 + n])
        c = json.loads(h['__metadata__']['configuration']); \(change); h['__metadata__']['configuration'] = json.dumps(c)
        b = json.dumps(h).encode(); b += b' ' * ((8 - len(b) % 8) % 8)
        open('\(path("bad-\(name).safetensors"))', 'wb').write(struct.pack('<Q', len(b)) + b + raw[8 + n:])
        """)
    }
    try assertRefused(["evaluate", "--data", data, "--model", path("bad-modes.safetensors")], "this machine has")
    try assertRefused(["evaluate", "--data", data, "--model", path("bad-width.safetensors")], "got -5")
    // A taller column of panels than an image can hold.
    try assertRefused(["evaluate", "--data", data, "--model", path("bad-width.safetensors"), "--pictures", "101"], "between 1 and 100")
    try runPython(
      """
      import numpy as np, os
      os.makedirs('\(path("huge-values"))', exist_ok=True)
      for name in ['coeff', 'sol']:
          np.save('\(path("huge-values"))/' + name + '.npy', (np.load('\(data)/' + name + '.npy') * 1e30).astype(np.float32))
      """)
    try assertRefused(["evaluate", "--data", path("huge-values"), "--model", model], "the errors are not finite")
  }

  /// No command overwrites its own input, writes into a FIFO, or writes a format its file name
  /// does not say.
  func testOutputsNeverDestroyInputs() throws {
    let data = try dataset()
    let coefficient = path("a.npy")
    try runPython("import numpy as np; np.save('\(coefficient)', np.ones((33, 33), dtype=np.float32))")
    let before = try bytes(coefficient)
    try assertRefused(["solve", "poisson", "--grid", "31x31", "--coefficient", coefficient, "--out", coefficient], "would overwrite")
    XCTAssertEqual(try bytes(coefficient), before)
    // Through a symbolic link too.
    let link = path("link.npy")
    try? FileManager.default.removeItem(atPath: link)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: coefficient)
    try assertRefused(["solve", "poisson", "--grid", "31x31", "--coefficient", coefficient, "--out", link], "would overwrite")
    XCTAssertEqual(try bytes(coefficient), before)

    let truth = try bytes("\(data)/sol.npy"), inputs = try bytes("\(data)/coeff.npy")
    let model = path("fno.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let trained = try opkit(["train", "fno", "--data", data, "--epochs", "1", "--modes", "4", "--width", "8", "--out", model])
    XCTAssertEqual(trained.status, 0, trained.err)
    try assertRefused(["evaluate", "--model", model, "--data", data, "--predictions", "\(data)/sol.npy"], "would overwrite")
    try assertRefused(["predict", "--model", model, "--input", data, "--out", "\(data)/coeff.npy"], "would overwrite")
    try assertRefused(["train", "fno", "--data", data, "--epochs", "1", "--out", "\(data)/sol.npy"], "--out writes .safetensors")
    try assertRefused(
      ["generate", "darcy", "--resolution", "16", "--samples", "12", "--out", data, "--png", "\(data)/coeff.npy"], "--png writes .png")
    XCTAssertEqual(try bytes("\(data)/sol.npy"), truth)
    XCTAssertEqual(try bytes("\(data)/coeff.npy"), inputs)

    let csv = path("series.csv")
    try "date,x\n2020-01-01,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
    try assertRefused(["forecast", "--csv", csv, "--out", csv], "--out writes .safetensors")
    XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8), "date,x\n2020-01-01,1\n")

    // An output through a symbolic link writes the link's target and keeps the link.
    let target = path("target.npy"), alias = path("alias.npy")
    for file in [target, alias] { try? FileManager.default.removeItem(atPath: file) }
    try runPython("import numpy as np; np.save('\(target)', np.zeros(3))")
    try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: target)
    let through = try opkit(["solve", "poisson", "--grid", "8x8", "--method", "cholmod", "--out", alias])
    XCTAssertEqual(through.status, 0, through.err)
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: alias), target)
    XCTAssertEqual(try runPython("import numpy as np; print(np.load('\(target)').shape)"), "(8, 8)")

    let fifo = path("fifo.npy")
    try? FileManager.default.removeItem(atPath: fifo)
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--out", fifo], "not a regular file")
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--out", path("u.csv")], "--out writes .npy")
  }

  /// The options this wave added: `--pc` takes gamg or hypre and only with `--method petsc`;
  /// `--overwrite` is a flag.
  func testNewOptionsRefuseHostileValues() throws {
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--method", "petsc", "--pc", "foo"], "'foo' is invalid for '--pc")
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--method", "petsc", "--pc", ""], "--pc")
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--pc", "gamg"], "--pc applies to --method petsc")
    try assertRefused(
      ["generate", "darcy", "--resolution", "8", "--samples", "2", "--out", path("overwrite"), "--overwrite=9223372036854775808"],
      "does not take any value")
    // --refine-optimizer takes a known optimizer and only with --refine.
    let refining = ["train", "fno", "--data", path("absent"), "--out", path("r.safetensors"), "--mode", "space-time"]
    try assertRefused(refining + ["--refine", "2", "--refine-optimizer", "lbfgs"], "'lbfgs' is invalid for '--refine-optimizer")
    try assertRefused(refining + ["--refine", "2", "--refine-optimizer", ""], "--refine-optimizer")
    try assertRefused(refining + ["--refine-optimizer", "sgd"], "apply to the refining phase: pass --refine EPOCHS")
    try assertRefused(refining + ["--refine-lr", "1e-4"], "apply to the refining phase: pass --refine EPOCHS")
  }

  /// The issue's unclear errors: each now names what the user wrote, in their own indices and
  /// words, quoting at most about 80 characters of it.
  func testErrorsNameTheInputInTheUsersTerms() throws {
    let data = try dataset()
    try runPython(
      """
      import numpy as np
      a = np.ones((8, 8), dtype=np.float32); a[0, 1] = 0; np.save('\(path("zero.npy"))', a)
      a = np.ones((8, 8), dtype=np.float32); a[3, 5] = np.inf; np.save('\(path("inf.npy"))', a)
      """)
    // Indices into the file, not into the padded grid (a zero at [0, 1] used to be "index 2").
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--coefficient", path("zero.npy")], "at index [0, 1]; it must be positive")
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--coefficient", path("inf.npy")], "at index [3, 5]; it must be finite")
    // Negative numbers reach the option's own check instead of "Missing value".
    try assertRefused(["solve", "poisson", "--grid", "-5x5"], "grid sizes must be at least 1, got -5")
    try assertRefused(["solve", "poisson", "--grid", "8x8", "--rtol", "-1"], "--rtol must be in (0, 1), got -1.0")
    try assertRefused(["train", "fno", "--data", data, "--lr", "-1e-3", "--out", path("neg.safetensors")], "--lr")
    // A 2 MB cell and a 100 000-character option value are quoted in 80 characters.
    let cell = String(repeating: "9", count: 2_000_000)
    let csv = try write("date,a,b\n2020-01-01,1,\(cell)x\n2020-01-02,3,4\n", "big-cell.csv")
    let out = path("koopa-big.safetensors")
    let result = try opkit(["forecast", "--csv", csv, "--lookback", "2", "--horizon", "1", "--out", out])
    XCTAssertEqual(result.status, 1)
    XCTAssertLessThan(result.err.count, 300, String(result.err.prefix(300)))
    XCTAssertTrue(result.err.contains("big-cell.csv:2: column 'b': '9999"), result.err)
    XCTAssertTrue(result.err.contains("(2000001 characters) is not a number"), result.err)
    let value = try opkit(["solve", "poisson", "--grid", String(repeating: "x", count: 100_000)])
    XCTAssertEqual(value.status, 64)
    XCTAssertLessThan(value.err.count, 300, String(value.err.prefix(300)))
    XCTAssertTrue(value.err.contains("(100000 characters) is invalid for '--grid"), value.err)
    // Models of the wrong dimension name the file and the shape expected.
    let model = path("rank.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    XCTAssertEqual(try opkit(["train", "fno", "--data", data, "--epochs", "1", "--modes", "2", "--width", "4", "--out", model]).status, 0)
    _ = try runPython("import numpy as np; np.save('\(path("rank1.npy"))', np.ones((3, 8), dtype=np.float32))")
    try assertRefused(
      ["predict", "--model", model, "--input", path("rank1.npy"), "--out", path("p.npy")],
      "rank1.npy: fno configuration: takes 1 input channel on a 2D grid, got an input of shape [3, 1, 8]")
    // A learning rate that blows the model up is named as such, not as a layer's NaN.
    // (The progress bar's line precedes it: the run got that far.)
    let diverged = try opkit(
      ["train", "fno", "--data", data, "--epochs", "1", "--modes", "2", "--width", "4", "--lr", "1e30", "--out", path("lr.safetensors")])
    XCTAssertEqual(diverged.status, 1)
    XCTAssertEqual(
      diverged.err.split(separator: "\n").last,
      "opkit: error: training diverged in epoch 1: the model's values are no longer finite; lower --lr (now 1e+30)")
    // A missing output directory is found before the first epoch.
    let started = Date()
    try assertRefused(
      ["train", "fno", "--data", data, "--epochs", "50", "--out", path("missing/dir/model.safetensors")],
      "--out \(path("missing/dir/model.safetensors")): no directory")
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing")))
    // A resume with other options names the differing option, not a struct.
    let resumed = path("resume.safetensors")
    try? FileManager.default.removeItem(atPath: resumed)
    XCTAssertEqual(
      try opkit(["train", "fno", "--data", data, "--epochs", "1", "--modes", "2", "--width", "4", "--out", resumed]).status, 0)
    try assertRefused(
      ["train", "fno", "--data", data, "--epochs", "1", "--modes", "2", "--width", "4", "--batch", "3", "--out", resumed, "--resume"],
      "was trained with other options (batchSize: 20 → 3); pass the same ones to --resume")
  }

  /// CRLF and CR line endings read like LF in the CLI's text inputs: Gmsh meshes and CSV series
  /// (Matrix Market: SparseTests).
  func testTextFilesWithCRLFAndCRLineEndingsRead() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    let mesh = try String(contentsOfFile: "\(root)/meshes/lshape.msh", encoding: .utf8)
    let csv = try String(contentsOfFile: "\(root)/examples/koopa-co2/co2.csv", encoding: .utf8)
    for (name, ending) in [("crlf", "\r\n"), ("cr", "\r")] {
      let meshFile = try write(mesh.replacingOccurrences(of: "\n", with: ending), "\(name).msh")
      let solved = try opkit(["solve", "poisson", "--mesh", meshFile, "--method", "cholmod", "--json"])
      XCTAssertEqual(solved.status, 0, "\(name): \(solved.err.prefix(300))")
      XCTAssertTrue(solved.out.contains("\"unknowns\":3785"), "\(name): \(solved.out)")
      let csvFile = try write(csv.replacingOccurrences(of: "\n", with: ending), "\(name).csv")
      let out = path("\(name)-koopa.safetensors")
      try? FileManager.default.removeItem(atPath: out)
      let series = try opkit(["forecast", "--csv", csvFile, "--epochs", "1", "--out", out, "--json"])
      XCTAssertEqual(series.status, 0, "\(name): \(series.err.suffix(300))")
    }
  }

  /// What the option sweep (`Fuzz/options.py`) found: Int64.max in integer options trapped on
  /// overflow (batch counts, progress totals, time steps) or ran on for ever. Every one is now
  /// refused before any work, naming the option.
  func testExtremeIntegerOptionsAreRefused() throws {
    let data = try dataset()
    let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/koopa-co2/co2.csv")
      .standardized.path
    let huge = "9223372036854775807"
    let model = path("extreme.safetensors")
    for kind in ["fno", "afno", "mgno", "deeponet"] {
      try assertRefused(["train", kind, "--data", data, "--batch", huge, "--out", model], "--batch must be at most 10000000")
    }
    for option in ["--levels", "--pre-smoothing", "--post-smoothing"] {
      try assertRefused(["train", "mgno", "--data", data, option, huge, "--out", model], "\(option) must be at most 65536")
    }
    for option in ["--depth", "--width"] {
      try assertRefused(["train", "deeponet", "--data", data, option, huge, "--out", model], "\(option) must be at most 65536")
    }
    for option in ["--lookback", "--horizon", "--blocks", "--state-dimension", "--extend"] {
      try assertRefused(["forecast", "--csv", csv, option, huge, "--out", model], "\(option) must be at most 65536")
    }
    for option in ["--epochs", "--batch"] {
      try assertRefused(["forecast", "--csv", csv, option, huge, "--out", model], "\(option) must be at most 10000000")
    }
    try assertRefused(
      ["generate", "burgers", "--resolution", "16", "--solver-resolution", "32", "--samples", "2", "--time", huge, "--out", path("b")],
      "needs 9.223372036854776e+21 steps; at most 2147483647 are allowed")
    try assertRefused(
      [
        "generate", "navier-stokes", "--resolution", "8", "--solver-resolution", "16", "--samples", "2", "--time", huge, "--out",
        path("ns"),
      ],
      "at most 2147483647 are allowed")
    // Below the caps, a model that cannot fit is refused with the bytes it needs.
    _ = try runPython(
      """
      import numpy as np, os
      os.makedirs('\(path("grid8"))', exist_ok=True)
      np.save('\(path("grid8"))/coeff.npy', np.ones((4, 8, 8), dtype=np.float32))
      np.save('\(path("grid8"))/sol.npy', np.ones((4, 8, 8), dtype=np.float32))
      """)
    try assertRefused(
      ["train", "afno", "--data", path("grid8"), "--embedding", "65536", "--mlp-ratio", "65536", "--blocks", "1", "--out", model],
      "this machine has")
    XCTAssertFalse(FileManager.default.fileExists(atPath: model))
  }
}
