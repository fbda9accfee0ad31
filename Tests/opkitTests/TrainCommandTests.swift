import Foundation
import TestSupport
import XCTest

/// End-to-end runs of `opkit generate` → `opkit train fno` → `opkit evaluate`.
final class TrainCommandTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-train-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Starts `opkit arguments`; the caller waits.
  private func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = try builtOpkit()
    process.arguments = arguments
    let (out, err) = (Pipe(), Pipe())
    process.standardOutput = out
    process.standardError = err
    try process.run()
    return (process, out, err)
  }

  private func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }

  private func json(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
  }

  /// The `__metadata__` of a safetensors file (8-byte little-endian header length, JSON header).
  private func checkpointMetadata(_ file: String) throws -> [String: String] {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
    let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as? [String: Any])
    return try XCTUnwrap(header["__metadata__"] as? [String: String])
  }

  private func generate(_ name: String, resolution: Int, samples: Int, seed: Int) throws {
    let result = try run([
      "generate", "darcy", "--resolution", "\(resolution)", "--samples", "\(samples)", "--seed", "\(seed)", "--out", path(name),
    ])
    XCTAssertEqual(result.status, 0, result.err)
  }

  private let small = ["--modes", "4", "--width", "8", "--layers", "2", "--projection", "16", "--batch", "5", "--lr", "5e-3"]

  func testTrainEvaluateAtTwoResolutionsAndRefuseToOverwrite() throws {
    try generate("d16", resolution: 16, samples: 40, seed: 1)
    try generate("d32", resolution: 32, samples: 8, seed: 2)
    let model = path("fno.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let logs = path("fno-logs")
    try? FileManager.default.removeItem(atPath: logs)
    let trained = try run(
      ["train", "fno", "--data", path("d16"), "--epochs", "15", "--out", model, "--json", "--png", path("curve.png"), "--logdir", logs]
        + small)
    XCTAssertEqual(trained.status, 0, trained.err)
    let report = try json(trained.out)
    XCTAssertEqual(report["epochs"] as? Int, 15)
    XCTAssertEqual(report["train_samples"] as? Int, 32)
    XCTAssertEqual(report["test_samples"] as? Int, 8)
    for key in ["parameters", "seconds_per_epoch", "train_seconds", "test_relative_l2"] { XCTAssertNotNil(report[key], key) }
    // Beat the mean predictor clearly (it has relative L2 0.25 on these fields; the model 0.14).
    let error = try XCTUnwrap(report["test_relative_l2"] as? Double)
    XCTAssertLessThan(error, 0.75 * (try meanPredictorRelativeL2(path("d16"))))
    XCTAssertTrue(trained.err.contains("fno [") && trained.err.contains("ETA"), "a progress bar on stderr")
    // Before the first batch there is no rate: the bar says so instead of "0.0/s ETA 0s".
    let firstBar = try XCTUnwrap(trained.err.split(separator: "\n").first { $0.contains("fno [") })
    XCTAssertTrue(firstBar.hasSuffix("--/s  ETA --"), String(firstBar))
    let lastBar = try XCTUnwrap(trained.err.split(separator: "\n").last { $0.contains("fno [") })
    XCTAssertNotNil(lastBar.range(of: #"[0-9.]+/s  ETA [0-9]+s$"#, options: .regularExpression), String(lastBar))
    XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path("curve.png"))).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    // TensorBoard: every epoch's losses, and at the end the loss curves and the test panels.
    let eventFile = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: logs).first { $0.hasPrefix("events.out.tfevents.") })
    let events = try EventFile(contentsOf: logs + "/" + eventFile)
    XCTAssertEqual(events.scalars["train/relative_l2"]?.map(\.step), Array(1...15))
    XCTAssertEqual(Double(try XCTUnwrap(events.scalars["test/relative_l2"]?.last?.value)), error, accuracy: 1e-6)
    XCTAssertEqual(events.imageTags, ["curves/loss", "evaluation/samples"])

    // The same model at its own resolution and, zero-shot, at twice it, where it loses some
    // accuracy (0.148 and 0.166 against the mean predictor's 0.253 and 0.199).
    for (data, picture, bound) in [("d16", "eval16.png", 0.8), ("d32", "eval32.png", 0.9)] {
      let evaluated = try run(["evaluate", "--model", model, "--data", path(data), "--png", path(picture), "--json"])
      XCTAssertEqual(evaluated.status, 0, evaluated.err)
      let metrics = try json(evaluated.out)
      XCTAssertLessThan(try XCTUnwrap(metrics["relative_l2"] as? Double), bound * (try meanPredictorRelativeL2(path(data))), data)
      XCTAssertNotNil(metrics["relative_h1"])
      let png = try Data(contentsOf: URL(fileURLWithPath: path(picture)))
      XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }
    // numpy-free check that the checkpoint is a safetensors file Python reads.
    let python = try runPython(
      """
      import json, struct
      raw = open('\(model)', 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      print(header['__metadata__']['model'], header['lifting.weight']['shape'])
      """)
    XCTAssertEqual(python, "fno [8, 3, 1, 1]")

    let again = try run(["train", "fno", "--data", path("d16"), "--epochs", "15", "--out", model] + small)
    XCTAssertNotEqual(again.status, 0)
    XCTAssertTrue(again.err.hasPrefix("opkit: error: ") && again.err.contains("exists; pass --resume"), again.err)
  }

  func testAKilledRunResumesWithoutLosingFinishedEpochs() throws {
    try generate("k16", resolution: 16, samples: 40, seed: 3)
    let model = path("killed.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let arguments = ["train", "fno", "--data", path("k16"), "--epochs", "40", "--out", model] + small
    let (process, _, _) = try start(arguments)
    // Kill it once the first checkpoint is on disk.
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: model) && Date() < deadline { usleep(20_000) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    XCTAssertTrue(FileManager.default.fileExists(atPath: model), "a checkpoint was written before the kill")
    let resumed = try run(arguments + ["--resume"])
    XCTAssertEqual(resumed.status, 0, resumed.err)
    XCTAssertTrue(resumed.out.contains("resuming") && resumed.out.contains("40 epochs"), resumed.out)
    XCTAssertFalse(resumed.err.contains("epoch 1/40"), "finished epochs are not recomputed")
    XCTAssertTrue(resumed.err.contains("epoch 40/40"), resumed.err)
    let different = try run(arguments.map { $0 == "5e-3" ? "2e-3" : $0 } + ["--resume"])
    XCTAssertNotEqual(different.status, 0)
    XCTAssertTrue(different.err.contains("other options"), different.err)
  }

  /// `opkit generate darcy --boundary periodic` → `opkit train mgno --padding circular` →
  /// `opkit generate thermal|helmholtz` with the recycling and Krylov solvers: JSON summaries,
  /// files numpy reads in the documented shapes, one-line errors for solvers a family refuses.
  func testThermalAndHelmholtzFamiliesGenerate() throws {
    let thermal = try run([
      "generate", "thermal", "--resolution", "12", "--samples", "6", "--solver", "skr", "--out", path("t12"), "--json",
      "--png", path("t12.png"),
    ])
    XCTAssertEqual(thermal.status, 0, thermal.err)
    XCTAssertLessThanOrEqual(try XCTUnwrap(try json(thermal.out)["max_relative_residual"] as? Double), 1.01e-8)
    let cube = try run(["generate", "darcy", "--dim", "3", "--resolution", "9", "--samples", "3", "--out", path("d9"), "--json"])
    XCTAssertEqual(cube.status, 0, cube.err)
    let helmholtz = try run([
      "generate", "helmholtz", "--resolution", "12", "--samples", "4", "--k-min", "2", "--k-max", "4", "--solver", "gmres", "--out",
      path("h12"), "--json",
    ])
    XCTAssertEqual(helmholtz.status, 0, helmholtz.err)
    let helmholtzCube = try run([
      "generate", "helmholtz", "--dim", "3", "--resolution", "7", "--samples", "2", "--out", path("h7"), "--png", path("h7.png"),
    ])
    XCTAssertEqual(helmholtzCube.status, 0, helmholtzCube.err)
    // The waveguide goes through the same generator, with any suitable solver.
    let waveguide = try run([
      "generate", "helmholtz", "--geometry", "waveguide", "--resolution", "12", "--samples", "3", "--k-min", "2", "--k-max", "4",
      "--solver", "gmres", "--out", path("w12"), "--json",
    ])
    XCTAssertEqual(waveguide.status, 0, waveguide.err)
    let shapes = try runPython(
      """
      import numpy as np, json
      print(np.load('\(path("t12/sol.npy"))').shape, np.load('\(path("d9/sol.npy"))').shape, np.load('\(path("h12/sol.npy"))').dtype,
            json.load(open('\(path("h12/meta.json"))'))['preconditioner'], np.load('\(path("w12/sol.npy"))').shape,
            json.load(open('\(path("w12/meta.json"))'))['conducting_walls'], np.load('\(path("h7/sol.npy"))').shape,
            json.load(open('\(path("h7/meta.json"))'))['dimension'], json.load(open('\(path("h7/meta.json"))'))['solver'],
            json.load(open('\(path("h7/meta.json"))'))['preconditioner'])
      """)
    XCTAssertEqual(
      shapes.trimmingCharacters(in: .whitespacesAndNewlines),
      "(6, 12, 12) (3, 9, 9, 9) complex64 ilu (3, 2, 12, 12) ['y'] (2, 7, 7, 7) 3 gmres shifted-laplacian")
    XCTAssertTrue(FileManager.default.fileExists(atPath: path("h7.png")))
    for (arguments, expected) in [
      (["generate", "helmholtz", "--solver", "cholmod", "--out", path("x")], "not symmetric positive definite"),
      (["generate", "thermal", "--dim", "4", "--out", path("x")], "dimension must be 2 or 3"),
      (["generate", "helmholtz", "--geometry", "waveguide", "--solver", "pcg-ic", "--out", path("x")], "not symmetric positive definite"),
      (["generate", "helmholtz", "--dim", "3", "--geometry", "waveguide", "--out", path("x")], "waveguide is two-dimensional"),
      (["generate", "helmholtz", "--dim", "4", "--out", path("x")], "--dim must be 2 or 3"),
      (["generate", "helmholtz", "--dim", "3", "--resolution", "5000", "--out", path("x")], "at most 1024 with --dim 3"),
      (["generate", "helmholtz", "--dim", "3", "--preconditioner", "shifted_laplacian", "--out", path("x")], "shifted-laplacian"),
      (["generate", "helmholtz", "--dim", "3", "--preconditioner", "", "--out", path("x")], "choose one of"),
      (
        ["generate", "darcy", "--solver", "gmres", "--preconditioner", "shifted-laplacian", "--out", path("x")],
        "carry no shifted Laplacian"
      ),
      (
        [
          "generate", "helmholtz", "--geometry", "waveguide", "--solver", "skr", "--preconditioner", "shifted-laplacian", "--out",
          path("x"),
        ],
        "carry no shifted Laplacian"
      ),
    ] {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0)
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
  }

  /// `opkit generate burgers|navier-stokes`: trajectories numpy reads with time on the second
  /// axis, the JSON summary, a resumed run that keeps finished shards, and one-line errors.
  func testTimeDependentFamiliesGenerateTrajectories() throws {
    let burgers = try run([
      "generate", "burgers", "--resolution", "64", "--solver-resolution", "256", "--time", "0.5", "--record", "5", "--samples", "4",
      "--shard-size", "2", "--out", path("burgers"), "--json",
    ])
    XCTAssertEqual(burgers.status, 0, burgers.err)
    XCTAssertEqual(try json(burgers.out)["steps_per_sample"] as? Int, 500)
    let ns = [
      "generate", "navier-stokes", "--resolution", "16", "--solver-resolution", "32", "--time", "0.4", "--record-every", "0.2",
      "--time-step", "1e-3", "--samples", "3", "--shard-size", "1", "--out", path("ns"), "--json",
    ]
    XCTAssertEqual(try run(ns).status, 0)
    let again = try run(ns)
    XCTAssertEqual(try json(again.out)["solved_now"] as? Int, 0, "finished shards are kept")
    let shapes = try runPython(
      """
      import numpy as np, json
      m = json.load(open('\(path("ns/meta.json"))'))
      print(np.load('\(path("burgers/sol.npy"))').shape, np.load('\(path("ns/coeff.npy"))').shape, np.load('\(path("ns/sol.npy"))').shape,
            m['family'], m['times'], m['solver'])
      """)
    XCTAssertEqual(shapes, "(4, 5, 64) (3, 16, 16) (3, 2, 16, 16) navier-stokes [0.2, 0.4] spectral-crank-nicolson")
    for (arguments, expected) in [
      (["generate", "burgers", "--resolution", "100", "--solver-resolution", "256", "--out", path("x")], "must divide"),
      (["generate", "navier-stokes", "--time", "1", "--record-every", "0.3", "--out", path("x")], "must divide the final time"),
      (["generate", "burgers", "--viscosity", "0", "--out", path("x")], "viscosity must be positive"),
      (["generate", "navier-stokes", "--time-step", "0", "--out", path("x")], "--time-step must be positive"),
      (["generate", "burgers", "--record", "0", "--out", path("x")], "at least one snapshot"),
      (["generate", "burgers", "--solver-resolution", "4611686018427387904", "--out", path("x")], "this machine has"),
      (["generate", "navier-stokes", "--samples", "100000000000", "--out", path("x")], "100000000000 samples of this family needs"),
      (["generate", "burgers", "--solver-resolution", "7", "--resolution", "7", "--out", path("x")], "must be even"),
      (["generate", "navier-stokes", "--samples", "0", "--out", path("x")], "--samples must be at least 1"),
      (["generate", "navier-stokes", "--shard-size", "0", "--out", path("x")], "--shard-size must be at least 1"),
      (["generate", "darcy", "--format", "zip", "--out", path("x")], "--format"),
      (["train", "fno", "--data", path("burgers"), "--momentum", "1", "--out", path("x.safetensors")], "--momentum must be in [0, 1)"),
      (["train", "fno", "--data", path("burgers"), "--optimizer", "lbfgs", "--out", path("x.safetensors")], "--optimizer"),
    ] {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0, "\(arguments)")
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
  }

  /// `opkit train`/`evaluate` on the files users have: a MATLAB v5 file and the HDF5 copy
  /// `--format h5` writes give the same model and errors as the dataset directory.
  func testTrainingAndEvaluationReadMATAndHDF5Files() throws {
    let generated = try run([
      "generate", "darcy", "--resolution", "16", "--samples", "20", "--seed", "5", "--out", path("f16"), "--format", "h5", "--json",
    ])
    XCTAssertEqual(generated.status, 0, generated.err)
    _ = try runPython(
      """
      import numpy as np, scipy.io
      scipy.io.savemat('\(path("f16.mat"))', {'coeff': np.load('\(path("f16/coeff.npy"))'), 'sol': np.load('\(path("f16/sol.npy"))')})
      """)
    var errors = [Double]()
    for (data, keys) in [(path("f16"), [String]()), (path("f16.mat"), ["--input", "coeff", "--output", "sol"])] {
      let model = path("file-fno.safetensors")
      try? FileManager.default.removeItem(atPath: model)
      let trained = try run(["train", "fno", "--data", data, "--epochs", "2", "--out", model, "--json"] + keys + small)
      XCTAssertEqual(trained.status, 0, trained.err)
      errors.append(try XCTUnwrap(try json(trained.out)["test_relative_l2"] as? Double))
      let evaluated = try run([
        "evaluate", "--model", model, "--data", path("f16/data.h5"), "--input", "nu", "--output", "tensor", "--json",
      ])
      XCTAssertEqual(evaluated.status, 0, evaluated.err)
    }
    XCTAssertEqual(errors[0], errors[1], accuracy: 1e-6, "the same data from a directory and from a .mat file")
    for (arguments, expected) in [
      (["train", "fno", "--data", path("f16.mat"), "--out", path("x.safetensors")], "name its arrays with --input and --output"),
      (
        ["train", "fno", "--data", path("f16.mat"), "--input", "a", "--output", "sol", "--out", path("x.safetensors")],
        "no variable 'a' (the file has: coeff, sol)"
      ),
      (
        ["train", "fno", "--data", path("f16"), "--input", "a", "--output", "sol", "--out", path("x.safetensors")],
        "name arrays of an .h5/.hdf5/.mat"
      ),
    ] {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0, "\(arguments)")
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
  }

  /// `opkit evaluate`: the MgNO path end to end, with its one-line errors.
  func testMgNOTrainsOnPeriodicDataAndEvaluates() throws {
    let generated = try run([
      "generate", "darcy", "--boundary", "periodic", "--resolution", "16", "--samples", "40", "--out", path("p16"), "--json",
    ])
    XCTAssertEqual(generated.status, 0, generated.err)
    let model = path("mgno.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let mgno = ["--width", "8", "--layers", "2", "--levels", "3", "--padding", "circular", "--batch", "5", "--lr", "5e-3"]
    let trained = try run(["train", "mgno", "--data", path("p16"), "--epochs", "12", "--out", model, "--json"] + mgno)
    XCTAssertEqual(trained.status, 0, trained.err)
    let report = try json(trained.out)
    XCTAssertEqual(report["model"] as? String, "mgno")
    // The mean predictor of the zero-mean corrector has relative L2 about 1; the model about 0.18.
    let meanError = try meanPredictorRelativeL2(path("p16"))
    XCTAssertLessThan(try XCTUnwrap(report["test_relative_l2"] as? Double), 0.5 * meanError)
    let evaluated = try run(["evaluate", "--model", model, "--data", path("p16"), "--json"])
    XCTAssertEqual(evaluated.status, 0, evaluated.err)
    XCTAssertLessThan(try XCTUnwrap(try json(evaluated.out)["relative_l2"] as? Double), 0.5 * meanError)

    let cases: [([String], String)] = [
      (["train", "mgno", "--data", path("p16"), "--out", path("m.safetensors"), "--levels", "6"], "too small for 6 levels"),
      (["train", "mgno", "--data", path("p16"), "--out", path("m.safetensors"), "--padding", "mirror"], "mirror"),
      (["generate", "darcy", "--boundary", "periodic", "--solver", "pcg-mg", "--out", path("x")], "no geometric multigrid"),
    ]
    for (arguments, expected) in cases {
      let result = try run(arguments)
      XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
      XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
      XCTAssertTrue(result.err.contains(expected), "'\(expected)' not in: \(result.err)")
    }
  }

  /// `opkit generate antiderivative` on few query points → `opkit train deeponet` → `opkit
  /// evaluate` on the full grid (the trunk takes any points), with `test_mse` in the JSON and a
  /// curve picture.
  func testDeepONetTrainsOnQueryPointsAndEvaluatesOnAFinerGrid() throws {
    for (name, extra) in [("a-train", ["--query-points", "20"]), ("a-test", ["--seed", "1"])] {
      let generated = try run(["generate", "antiderivative", "--points", "30", "--samples", "60", "--out", path(name)] + extra)
      XCTAssertEqual(generated.status, 0, generated.err)
    }
    let model = path("deeponet.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let trained = try run(["train", "deeponet", "--data", path("a-train"), "--epochs", "40", "--batch", "10", "--out", model, "--json"])
    XCTAssertEqual(trained.status, 0, trained.err)
    let report = try json(trained.out)
    XCTAssertEqual(report["model"] as? String, "deeponet")
    // The paper's start and scaled (not shifted) outputs unless asked otherwise.
    let metadata = try checkpointMetadata(model)
    XCTAssertEqual(try json(XCTUnwrap(metadata["configuration"]))["initialization"] as? String, "glorot-normal")
    XCTAssertEqual(try json(XCTUnwrap(metadata["options"]))["normalization"] as? String, "scaled-outputs")
    let overridden = path("deeponet-gaussian.safetensors")
    try? FileManager.default.removeItem(atPath: overridden)
    let asked = try run([
      "train", "deeponet", "--data", path("a-train"), "--epochs", "1", "--out", overridden, "--normalization", "gaussian",
      "--initialization", "uniform",
    ])
    XCTAssertEqual(asked.status, 0, asked.err)
    XCTAssertEqual(try json(XCTUnwrap(try checkpointMetadata(overridden)["configuration"]))["initialization"] as? String, "uniform")
    XCTAssertEqual(try json(XCTUnwrap(try checkpointMetadata(overridden)["options"]))["normalization"] as? String, "gaussian")
    for (option, value) in [("--normalization", "sideways"), ("--initialization", "zeros")] {
      let refused = try run(["train", "deeponet", "--data", path("a-train"), "--out", path("x.safetensors"), option, value])
      XCTAssertEqual(refused.status, 64, refused.err)
      XCTAssertEqual(refused.err.split(separator: "\n").count, 1, refused.err)
      XCTAssertTrue(refused.err.contains(option) && refused.err.contains(value), refused.err)
    }
    // Under a fifth of the mean predictor's MSE (the model reaches about a twentieth).
    XCTAssertLessThan(try XCTUnwrap(report["test_mse"] as? Double), 0.2 * (try meanPredictorMSE(path("a-train"))))
    let evaluated = try run(["evaluate", "--model", model, "--data", path("a-test"), "--json", "--png", path("anti.png")])
    XCTAssertEqual(evaluated.status, 0, evaluated.err)
    let metrics = try json(evaluated.out)
    XCTAssertEqual(metrics["resolution"] as? [Int], [30])
    XCTAssertLessThan(try XCTUnwrap(metrics["mse"] as? Double), 0.2 * (try meanPredictorMSE(path("a-test"))))
    XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path("anti.png"))).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    // Unaligned data: every function at its own random points, trained with the MSE loss.
    let scattered = try run([
      "generate", "antiderivative", "--points", "30", "--samples", "200", "--random-queries", "--query-points", "3", "--out",
      path("a-scattered"),
    ])
    XCTAssertEqual(scattered.status, 0, scattered.err)
    let unaligned = path("deeponet-unaligned.safetensors")
    try? FileManager.default.removeItem(atPath: unaligned)
    let fitted = try run([
      "train", "deeponet", "--data", path("a-scattered"), "--test-data", path("a-test"), "--loss", "mse", "--epochs", "20", "--out",
      unaligned, "--json",
    ])
    XCTAssertEqual(fitted.status, 0, fitted.err)
    XCTAssertLessThan(try XCTUnwrap(try json(fitted.out)["test_mse"] as? Double), 0.2 * (try meanPredictorMSE(path("a-test"))))
    let picture = try run(["evaluate", "--model", unaligned, "--data", path("a-scattered"), "--png", path("x.png")])
    XCTAssertNotEqual(picture.status, 0)
    XCTAssertTrue(picture.err.hasPrefix("opkit: error: ") && picture.err.contains("unaligned"), picture.err)
    let fno = try run(["train", "fno", "--data", path("a-train"), "--out", path("f.safetensors")])
    XCTAssertNotEqual(fno.status, 0)
    XCTAssertTrue(fno.err.contains("does not match"), fno.err)
  }

  /// The waveguide's electric field learned by a complex DeepONet whose output is assembled so
  /// that `E_x` vanishes on the conducting plates: the written predictions hold it exactly.
  func testComplexDeepONetKeepsTheConductingWallCondition() throws {
    let (data, scalar) = (path("waveguide"), path("helmholtz"))
    for (directory, geometry) in [(data, "waveguide"), (scalar, "open")] {
      let generated = try run([
        "generate", "helmholtz", "--geometry", geometry, "--resolution", "12", "--samples", "30", "--out", directory,
      ])
      XCTAssertEqual(generated.status, 0, generated.err)
    }
    let model = path("waveguide.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let small = ["--width", "12", "--depth", "2", "--basis", "6", "--epochs", "3", "--batch", "10"]
    let trained = try run(
      ["train", "deeponet", "--complex", "--conducting-walls", "y", "--data", data, "--out", model, "--json"] + small)
    XCTAssertEqual(trained.status, 0, trained.err)
    XCTAssertEqual(try json(trained.out)["model"] as? String, "complex-deeponet")
    let evaluated = try run(["evaluate", "--model", model, "--data", data, "--predictions", path("E.npy"), "--json"])
    XCTAssertEqual(evaluated.status, 0, evaluated.err)
    let check = try runPython(
      """
      import numpy as np
      E = np.load('\(path("E.npy"))'); truth = np.load('\(data)/sol.npy')
      print(E.dtype, E.shape == truth.shape, abs(E[:, 0, :, [0, -1]]).max(), abs(E[:, 0, :, 1:-1]).max() > 0, abs(E[:, 1]).max() > 0)
      """)
    XCTAssertEqual(check, "complex64 True 0.0 True True")
    let scalarField = try run(
      ["train", "deeponet", "--complex", "--conducting-walls", "y", "--data", scalar, "--out", path("s.safetensors")] + small)
    XCTAssertNotEqual(scalarField.status, 0)
    XCTAssertTrue(scalarField.err.hasPrefix("opkit: error: ") && scalarField.err.contains("vector field"), scalarField.err)
    let badAxis = try run(["train", "deeponet", "--conducting-walls", "q", "--data", data, "--out", path("q.safetensors")])
    XCTAssertNotEqual(badAxis.status, 0)
    XCTAssertTrue(badAxis.err.contains("x, y, z"), badAxis.err)
  }

  /// Checkpoints loaded for inference (`evaluate`, `solve --method dcdm`): a hand-edited
  /// configuration, a truncated file and a checkpoint of another kind are one-line errors with
  /// exit code 1, before any layer is built.
  func testBadCheckpointsAreOneLineErrorsFromEveryLoader() throws {
    try generate("c16", resolution: 16, samples: 10, seed: 4)
    let (fno, dcdm) = (path("c-fno.safetensors"), path("c-dcdm.safetensors"))
    for file in [fno, dcdm] { try? FileManager.default.removeItem(atPath: file) }
    XCTAssertEqual(try run(["train", "fno", "--data", path("c16"), "--epochs", "1", "--out", fno] + small).status, 0)
    let trained = try run([
      "train", "dcdm", "--grid", "8x8", "--vectors", "20", "--lanczos", "10", "--epochs", "1", "--batch", "10", "--out", dcdm,
    ])
    XCTAssertEqual(trained.status, 0, trained.err)
    _ = try runPython(
      """
      import json, struct
      def rewrite(source, target, edit):
          raw = open(source, 'rb').read()
          n = struct.unpack('<Q', raw[:8])[0]
          header = json.loads(raw[8:8 + n])
          edit(header['__metadata__'])
          text = json.dumps(header).encode()
          text += b' ' * (-len(text) % 8)
          open(target, 'wb').write(struct.pack('<Q', len(text)) + text + raw[8 + n:])
      def modes(m): c = json.loads(m['configuration']); c['modes'] = [0, 0]; m['configuration'] = json.dumps(c)
      def width(m): c = json.loads(m['configuration']); c['width'] = -5; m['configuration'] = json.dumps(c)
      rewrite('\(fno)', '\(path("c-modes.safetensors"))', modes)
      rewrite('\(dcdm)', '\(path("c-width.safetensors"))', width)
      raw = open('\(fno)', 'rb').read(); open('\(path("c-truncated.safetensors"))', 'wb').write(raw[:len(raw) // 2])
      """)
    let evaluate = ["evaluate", "--data", path("c16"), "--model"]
    let solve = ["solve", "poisson", "--grid", "16x16", "--method", "dcdm", "--model"]
    for (arguments, expected) in [
      (evaluate + [path("c-modes.safetensors")], "c-modes.safetensors: invalid configuration: fno configuration: modes must be at least 1"),
      (evaluate + [path("c-truncated.safetensors")], "c-truncated.safetensors"),
      (evaluate + [path("c16/sol.npy")], "sol.npy"),
      (solve + [path("c-width.safetensors")], "c-width.safetensors: invalid configuration:"),
      (solve + [path("c-truncated.safetensors")], "c-truncated.safetensors"),
      (solve + [fno], "c-fno.safetensors: holds a 'fno' model, expected 'dcdm'"),
    ] {
      let failed = try run(arguments)
      XCTAssertEqual(failed.status, 1, failed.err)
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.hasPrefix("opkit: error: ") && failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
  }

  /// `opkit train dcdm` at 16², then `opkit solve poisson --method dcdm` at 32² (a size it did
  /// not see) and on a grid with an obstacle; bad combinations are one-line errors.
  func testDCDMTrainsAndSolvesOnLargerAndObstructedGrids() throws {
    let model = path("dcdm.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let trained = try run([
      "train", "dcdm", "--grid", "16x16", "--vectors", "200", "--lanczos", "80", "--epochs", "8", "--batch", "10", "--lr", "2e-3",
      "--weight-decay", "0", "--out", model, "--json",
    ])
    XCTAssertEqual(trained.status, 0, trained.err)
    XCTAssertEqual(try json(trained.out)["model"] as? String, "dcdm")
    let solve = ["solve", "poisson", "--grid", "32x32", "--rtol", "1e-6", "--json"]
    let cg = try json(try run(solve + ["--method", "cg"]).out)
    let dcdm = try run(solve + ["--method", "dcdm", "--model", model])
    XCTAssertEqual(dcdm.status, 0, dcdm.err)
    let report = try json(dcdm.out)
    XCTAssertEqual(report["converged"] as? Bool, true)
    XCTAssertLessThanOrEqual(try XCTUnwrap(report["relative_residual"] as? Double), 1e-6)
    XCTAssertLessThan(try XCTUnwrap(report["iterations"] as? Int), try XCTUnwrap(cg["iterations"] as? Int) / 2)
    XCTAssertNotNil(report["direction_fallbacks"])
    let mask = path("mask.npy")
    _ = try runPython(
      """
      import numpy as np
      m = np.zeros((32, 32)); m[10:20, 12:18] = 1; np.save('\(mask)', m)
      """)
    let obstructed = try run(solve + ["--method", "dcdm", "--model", model, "--mask", mask, "--out", path("u.npy")])
    XCTAssertEqual(obstructed.status, 0, obstructed.err)
    XCTAssertEqual(try json(obstructed.out)["converged"] as? Bool, true)
    let zeroInSolid = try runPython(
      "import numpy as np; u = np.load('\(path("u.npy"))'); print(u.shape, abs(u[10:20, 12:18]).max(), u.max() > 0)")
    XCTAssertEqual(zeroInSolid, "(32, 32) 0.0 True")
    for (arguments, expected) in [
      (solve + ["--method", "dcdm"], "--model"),
      (["solve", "poisson", "--grid", "8x8x8", "--method", "dcdm", "--model", model], "2D network"),
      (solve + ["--method", "pcg-ic", "--mask", path("u.npy")], "sealed off"),
      (["solve", "poisson", "--grid", "16x16", "--mask", mask, "--method", "cg"], "mask has shape"),
      (["train", "dcdm", "--grid", "16", "--dim", "4", "--out", path("x.safetensors")], "--dim"),
    ] {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0, "\(arguments)")
      XCTAssertTrue(failed.err.contains(expected) && failed.err.split(separator: "\n").count <= 2, failed.err)
    }
  }

  /// `opkit forecast` on a small seasonal CSV: the JSON report with the baselines, a picture,
  /// and one-line errors naming the line and column of bad cells.
  func testForecastReportsKoopaBesideTheBaselines() throws {
    let rows = (0..<400).map { t in "d\(t),\(sin(Double(t) * 2 * .pi / 12) + 0.01 * Double(t)),\(0.5 * cos(Double(t) * 2 * .pi / 12))" }
    let csv = path("series.csv")
    try (["date,a,b"] + rows).joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let model = path("koopa.safetensors")
    try? FileManager.default.removeItem(atPath: model)
    let result = try run([
      "forecast", "--csv", csv, "--lookback", "24", "--horizon", "6", "--epochs", "3", "--state-dimension", "8", "--out", model,
      "--json", "--png", path("forecast.png"), "--extend", "15",
    ])
    XCTAssertEqual(result.status, 0, result.err)
    let report = try json(result.out)
    for key in ["test_mse", "test_mae", "seconds_per_epoch", "peak_memory_mb"] { XCTAssertNotNil(report[key], key) }
    let baselines = try XCTUnwrap(report["baselines"] as? [String: Double])
    XCTAssertEqual(Set(baselines.keys), ["repeat_last", "seasonal_naive", "linear"])
    XCTAssertEqual(report["seasonal_period"] as? Int, 12)
    // --extend 15: three rounds of 6 steps, each forecaster and input measured.
    let extended = try XCTUnwrap(report["extended"] as? [String: Any])
    XCTAssertEqual(extended["steps"] as? Int, 15)
    let rolled = try XCTUnwrap(extended["mse"] as? [String: Double])
    XCTAssertEqual(
      Set(rolled.keys),
      ["koopa_own_forecasts", "koopa_observations", "koopa_operator_adaptation", "linear_own_forecasts", "linear_observations"])
    XCTAssertTrue(rolled.values.allSatisfy { $0.isFinite && $0 > 0 }, "\(rolled)")
    XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path("forecast.png"))).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    // Like the other trainers: the checkpoint is not overwritten without --resume; resuming a
    // finished run trains nothing and reports the same model; a changed option is named.
    let again = ["forecast", "--csv", csv, "--lookback", "24", "--horizon", "6", "--epochs", "3", "--state-dimension", "8", "--out", model]
    let refused = try run(again)
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(refused.err.contains("exists; pass --resume"), refused.err)
    let resumed = try run(again + ["--resume", "--json"])
    XCTAssertEqual(resumed.status, 0, resumed.err)
    // The same parameters; FFTW_MEASURE may pick other FFT algorithms in another process, so the
    // forecasts agree to rounding, not bit for bit.
    let (resumedMSE, firstMSE) = (try XCTUnwrap(try json(resumed.out)["test_mse"] as? Double), try XCTUnwrap(report["test_mse"] as? Double))
    XCTAssertEqual(resumedMSE, firstMSE, accuracy: 1e-6 * firstMSE)
    let changed = try run(again + ["--resume", "--lr", "2e-3"])
    XCTAssertEqual(changed.status, 1)
    XCTAssertTrue(changed.err.contains("other options (learningRate: 0.001 → 0.002)"), changed.err)
    let broken = path("broken.csv")
    try "date,a\nd0,1\nd1,oops\n".write(toFile: broken, atomically: true, encoding: .utf8)
    let cases: [([String], String)] = [
      (["forecast", "--csv", broken, "--out", path("k.safetensors")], "broken.csv:3: column 'a': 'oops' is not a number"),
      (["forecast", "--csv", csv, "--columns", "z", "--out", path("k.safetensors")], "no column 'z'"),
      (["forecast", "--csv", csv, "--lookback", "200", "--horizon", "60", "--out", path("k.safetensors")], "too few for lookback 200"),
      (
        ["forecast", "--csv", csv, "--horizon", "6", "--extend", "6", "--out", path("k.safetensors")],
        "--extend must be more than --horizon"
      ),
    ]
    for (arguments, expected) in cases {
      let failed = try run(arguments)
      XCTAssertNotEqual(failed.status, 0)
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.hasPrefix("opkit: error: ") && failed.err.contains(expected), "'\(expected)' not in: \(failed.err)")
    }
  }

  func testBadDatasetsAndCheckpointsAreOneLineErrors() throws {
    try generate("b16", resolution: 16, samples: 10, seed: 4)
    let corrupt = path("corrupt.safetensors")
    try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: corrupt))
    let mismatched = path("mismatched")
    try FileManager.default.createDirectory(atPath: mismatched, withIntermediateDirectories: true)
    let numpy = try runPython(
      "import numpy as np; np.save('\(mismatched)/coeff.npy', np.ones((4, 8, 8), np.float32)); "
        + "np.save('\(mismatched)/sol.npy', np.ones((4, 8, 9), np.float32)); print('ok')")
    XCTAssertEqual(numpy, "ok")
    let cases: [([String], String)] = [
      (["train", "fno", "--data", mismatched, "--out", path("m.safetensors")], "sol.npy: shape [4, 8, 9] does not match"),
      (["train", "fno", "--data", path("missing"), "--out", path("m.safetensors")], "coeff.npy: no such file"),
      (["train", "fno", "--data", path("b16"), "--out", path("m.safetensors"), "--modes", "12"], "too small for modes [12, 12]"),
      (["train", "fno", "--data", path("b16"), "--out", path("m.safetensors"), "--epochs", "0"], "--epochs must be at least 1"),
      (["evaluate", "--model", corrupt, "--data", path("b16")], "corrupt.safetensors"),
    ]
    for (arguments, expected) in cases {
      let result = try run(arguments)
      XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
      XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
      XCTAssertTrue(result.err.hasPrefix("opkit: error: ") && result.err.contains(expected), "'\(expected)' not in: \(result.err)")
    }
  }
}
