import Foundation
import TestSupport
import XCTest

/// A resumed `opkit generate` reuses shards only when they were made with the same parameters;
/// anything else is refused naming the differences, and `--overwrite` replaces the old data. A
/// resumed `opkit train` refuses another training set.
final class ResumeMismatchTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-generation-resume-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  private func opkit(_ arguments: [String]) throws -> ProcessResult { try runProcess(builtOpkit(), arguments) }
  private func bytes(_ file: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file)) }
  private func json(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
  }

  func testChangedParametersAreRefusedAndOverwriteReplaces() throws {
    let out = path("darcy")
    try? FileManager.default.removeItem(atPath: out)
    let darcy = ["generate", "darcy", "--resolution", "16", "--samples", "12", "--shard-size", "5", "--out", out, "--json"]
    let first = try opkit(darcy)
    XCTAssertEqual(first.status, 0, first.err)
    let solution = try bytes("\(out)/sol.npy")

    // The same request resumes (nothing left to solve); another seed, solver, tolerance or family
    // is refused, names what differs, and leaves the data alone.
    let again = try opkit(darcy)
    XCTAssertEqual(again.status, 0, again.err)
    XCTAssertEqual(try json(again.out)["solved_now"] as? Int, 0)
    let refusals: [([String], String)] = [
      (darcy + ["--seed", "1"], "seed: 0 → 1"), (darcy + ["--rtol", "1e-6"], "rtol: 1e-08 → 1e-06"),
      (darcy + ["--boundary", "neumann"], "boundary"),
      (["generate", "poisson", "--resolution", "16", "--samples", "12", "--shard-size", "5", "--out", out], "family: \"darcy\" → \"poisson\""),
    ]
    for (arguments, difference) in refusals {
      let refused = try opkit(arguments)
      XCTAssertEqual(refused.status, 1, refused.err)
      XCTAssertTrue(refused.err.hasPrefix("opkit: error: \(out) holds data generated with other parameters ("), refused.err)
      XCTAssertTrue(refused.err.contains(difference), "\(difference) in: \(refused.err)")
      XCTAssertTrue(refused.err.contains("pass --overwrite"), refused.err)
      XCTAssertEqual(refused.err.split(separator: "\n").count, 1, refused.err)
      XCTAssertEqual(try bytes("\(out)/sol.npy"), solution, "a refused run leaves the data")
    }

    // A dataset from before requests were recorded is checked against its meta.json.
    try FileManager.default.removeItem(atPath: "\(out)/shards/request.json")
    let legacy = try opkit(darcy + ["--seed", "1"])
    XCTAssertEqual(legacy.status, 1, legacy.err)
    XCTAssertTrue(legacy.err.contains("seed: 0 → 1"), legacy.err)

    // --overwrite starts afresh with the new parameters.
    let replaced = try opkit(darcy + ["--seed", "1", "--overwrite"])
    XCTAssertEqual(replaced.status, 0, replaced.err)
    XCTAssertEqual(try json(replaced.out)["solved_now"] as? Int, 12)
    let meta = try json(String(decoding: try bytes("\(out)/meta.json"), as: UTF8.self))
    XCTAssertEqual(meta["seed"] as? Int, 1)
    XCTAssertNotEqual(try bytes("\(out)/sol.npy"), solution)
  }

  /// Trajectories too: another viscosity is refused.
  func testTrajectoryParametersAreChecked() throws {
    let out = path("burgers")
    try? FileManager.default.removeItem(atPath: out)
    let burgers = [
      "generate", "burgers", "--resolution", "64", "--solver-resolution", "256", "--time", "0.2", "--record", "2", "--samples", "3",
      "--out", out,
    ]
    let first = try opkit(burgers)
    XCTAssertEqual(first.status, 0, first.err)
    let refused = try opkit(burgers + ["--viscosity", "0.05"])
    XCTAssertEqual(refused.status, 1, refused.err)
    XCTAssertTrue(refused.err.contains("parameters: "), refused.err)
  }

  /// `train --resume` with another `--data` (same shapes, other samples) is refused; the run's
  /// own data resumes.
  func testResumedTrainingRefusesOtherData() throws {
    let (a, b, model) = (path("train-a"), path("train-b"), path("resume.safetensors"))
    for (directory, seed) in [(a, "0"), (b, "1")] {
      try? FileManager.default.removeItem(atPath: directory)
      let made = try opkit(["generate", "darcy", "--resolution", "16", "--samples", "20", "--seed", seed, "--out", directory])
      XCTAssertEqual(made.status, 0, made.err)
    }
    try? FileManager.default.removeItem(atPath: model)
    let train = ["train", "fno", "--epochs", "2", "--batch", "10", "--modes", "4", "--width", "8", "--out", model]
    let first = try opkit(train + ["--data", a])
    XCTAssertEqual(first.status, 0, first.err)
    let other = try opkit(train + ["--data", b, "--resume"])
    XCTAssertEqual(other.status, 1, other.err)
    XCTAssertTrue(other.err.hasPrefix("opkit: error: \(model) was trained on other data"), other.err)
    XCTAssertEqual(other.err.split(separator: "\n").count, 1, other.err)
    let same = try opkit(train + ["--data", a, "--resume"])
    XCTAssertEqual(same.status, 0, same.err)
  }
}
