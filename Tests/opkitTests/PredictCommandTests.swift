import Foundation
import OperatorKit
import TestSupport
import XCTest

/// `opkit predict`: a trained model on inputs without ground truth.
final class PredictCommandTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-predict-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  private func run(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }

  /// Predictions from a dataset directory and from a bare `.npy` of its inputs equal what
  /// `opkit evaluate --predictions` writes for the same model and inputs, for a grid model (FNO)
  /// and one that queries any grid (DeepONet); `--json` reports seconds per sample.
  func testPredictionsEqualThoseOfEvaluate() throws {
    let fno = path("fno.safetensors"), deeponet = path("deeponet.safetensors")
    for file in [fno, deeponet] { try? FileManager.default.removeItem(atPath: file) }
    for arguments in [
      ["generate", "darcy", "--resolution", "16", "--samples", "12", "--out", path("d16")],
      ["generate", "antiderivative", "--points", "20", "--samples", "12", "--out", path("a20")],
      ["train", "fno", "--data", path("d16"), "--epochs", "2", "--modes", "4", "--width", "8", "--batch", "4", "--out", fno],
      ["train", "deeponet", "--data", path("a20"), "--epochs", "2", "--batch", "4", "--out", deeponet],
    ] {
      let result = try run(arguments)
      XCTAssertEqual(result.status, 0, result.err)
    }
    for (model, data) in [(fno, "d16"), (deeponet, "a20")] {
      let evaluated = try run(["evaluate", "--model", model, "--data", path(data), "--predictions", path("\(data)-evaluate.npy")])
      XCTAssertEqual(evaluated.status, 0, evaluated.err)
      // Only the inputs, as a user would have them.
      let inputsOnly = path("\(data)-inputs.npy")
      try? FileManager.default.removeItem(atPath: inputsOnly)
      try FileManager.default.copyItem(atPath: path("\(data)/coeff.npy"), toPath: inputsOnly)
      let expected = try NumpyArray(contentsOf: path("\(data)-evaluate.npy"))
      for input in [path(data), inputsOnly] {
        let predicted = try run(["predict", "--model", model, "--input", input, "--out", path("\(data)-predict.npy"), "--json"])
        XCTAssertEqual(predicted.status, 0, predicted.err)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(predicted.out.utf8)) as? [String: Any])
        XCTAssertEqual(report["samples"] as? Int, 12)
        XCTAssertGreaterThan(try XCTUnwrap(report["seconds_per_sample"] as? Double), 0)
        let written = try NumpyArray(contentsOf: path("\(data)-predict.npy"))
        XCTAssertEqual(written.shape, expected.shape)
        let difference = zip(written.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(difference, 1e-6, "\(model) on \(input)")
      }
    }
    // DeepONet on a finer output grid than its inputs.
    let finer = try run(["predict", "--model", deeponet, "--input", path("a20"), "--output-grid", "50", "--out", path("fine.npy")])
    XCTAssertEqual(finer.status, 0, finer.err)
    XCTAssertEqual(try NumpyArray(contentsOf: path("fine.npy")).shape, [12, 50])
    let empty = try run(["predict", "--model", deeponet, "--input", path("a20"), "--output-grid", "0", "--out", path("e.npy")])
    XCTAssertEqual(empty.status, 1, empty.err)
    XCTAssertTrue(empty.err.hasPrefix("opkit: error: --output-grid needs positive extents"), empty.err)
  }

  /// A checkpoint of an unknown kind, inputs of the wrong channel count or dimension, a grid
  /// too small for the modes, an output that is the input, missing files and hostile options are
  /// one-line errors (exit 1; 64 for usage errors found before anything is read) that leave the
  /// input as it was.
  func testBadModelsAndInputsAreOneLineErrors() throws {
    let fno = path("bad-fno.safetensors")
    try? FileManager.default.removeItem(atPath: fno)
    for arguments in [
      ["generate", "darcy", "--resolution", "16", "--samples", "6", "--out", path("b16")],
      ["train", "fno", "--data", path("b16"), "--epochs", "1", "--modes", "4", "--width", "8", "--batch", "3", "--out", fno],
    ] {
      let result = try run(arguments)
      XCTAssertEqual(result.status, 0, result.err)
    }
    try NumpyArray(shape: [3, 16, 16], values: Array(repeating: 1, count: 3 * 256 * 2), dtype: .complex64).write(to: path("complex.npy"))
    try NumpyArray(shape: [3, 16], values: Array(repeating: 1, count: 48), dtype: .float32).write(to: path("line.npy"))
    try NumpyArray(shape: [3, 6, 6], values: Array(repeating: 1, count: 108), dtype: .float32).write(to: path("small.npy"))
    _ = try runPython(
      """
      import json, struct
      raw = open('\(fno)', 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      header['__metadata__']['model'] = 'transformer'
      text = json.dumps(header).encode()
      text += b' ' * (-len(text) % 8)
      open('\(path("unknown.safetensors"))', 'wb').write(struct.pack('<Q', len(text)) + text + raw[8 + n:])
      """)
    let checkpoint = try Data(contentsOf: URL(fileURLWithPath: fno))
    try checkpoint.prefix(checkpoint.count / 2).write(to: URL(fileURLWithPath: path("truncated.safetensors")))
    let inputBefore = try Data(contentsOf: URL(fileURLWithPath: path("b16/coeff.npy")))
    for (arguments, expected) in [
      (["--model", path("unknown.safetensors"), "--input", path("b16")], "unknown model kind 'transformer'"),
      (["--model", fno, "--input", path("complex.npy")], "complex.npy: fno configuration: takes 1 input channel on a 2D grid"),
      (["--model", fno, "--input", path("line.npy")], "line.npy: fno configuration: takes 1 input channel on a 2D grid"),
      (["--model", fno, "--input", path("small.npy")], "small.npy: fno configuration: grid [6, 6] is too small for modes [4, 4]"),
      (["--model", fno, "--input", path("b16"), "--out", path("b16/coeff.npy")], "would overwrite"),
      (["--model", fno, "--input", path("b16"), "--out", path("p.txt")], "--out must name an .npy file"),
      (["--model", fno, "--input", path("b16"), "--batch", "0"], "--batch must be at least 1"),
      (["--model", fno, "--input", path("b16"), "--output-grid", "32x32"], "--output-grid: a fno model answers on its input grid only"),
      (["--model", fno, "--input", path("missing.npy")], "missing.npy: no such file"),
      (["--model", fno, "--input", path("small.npy"), "--key", "a"], "--key names an array of an .h5/.hdf5/.mat --input file"),
      (["--model", fno, "--input", path("b16.h5")], "name its input array with --key"),
      (["--model", path("missing.safetensors"), "--input", path("b16")], "missing.safetensors"),
      (["--model", path("truncated.safetensors"), "--input", path("b16")], "truncated.safetensors"),
    ] {
      let arguments = ["predict"] + arguments + (arguments.contains("--out") ? [] : ["--out", path("p.npy")])
      let failed = try run(arguments)
      let usage = ["--out must", "--batch", "--key", "name its input", "would overwrite"].contains { expected.hasPrefix($0) }
      XCTAssertEqual(failed.status, usage ? 64 : 1, "\(arguments): \(failed.err)")
      XCTAssertEqual(failed.err.split(separator: "\n").count, 1, failed.err)
      XCTAssertTrue(failed.err.hasPrefix("opkit: error: ") && failed.err.contains(expected), "\(expected) ∉ \(failed.err)")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("b16/coeff.npy"))), inputBefore)
  }
}
