import Foundation
import TestSupport
import XCTest

/// Every input with which `make fuzz` once crashed a reader (kept under
/// `Tests/Fixtures/fuzz-crashers/<reader>/`) is replayed through that reader's target, built
/// normally next to the tests: each must now be read or refused with an error, not crash.
final class FuzzCrasherTests: XCTestCase {
  func testEveryKnownCrasherIsNowAnError() throws {
    let crashers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/fuzz-crashers")
      .standardized
    let readers = try FileManager.default.contentsOfDirectory(atPath: crashers.path).sorted()
    XCTAssertFalse(readers.isEmpty)
    let built = try builtOpkit().deletingLastPathComponent()
    for reader in readers {
      let target = built.appendingPathComponent("fuzz-\(reader)")
      XCTAssertTrue(FileManager.default.isExecutableFile(atPath: target.path), "fuzz-\(reader) is not built")
      let inputs = try FileManager.default.contentsOfDirectory(atPath: crashers.appendingPathComponent(reader).path)
      XCTAssertFalse(inputs.isEmpty, reader)
      let replay = try runProcess(target, [crashers.appendingPathComponent(reader).path])
      XCTAssertEqual(replay.status, 0, "fuzz-\(reader): \(replay.err.prefix(2000))")
      XCTAssertEqual(replay.out.split(separator: "\n").count, inputs.count, replay.out)
    }
  }
}
