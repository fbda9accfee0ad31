import Foundation
import Layers
import Tensors
import TestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
  private let directory = temporaryDirectory("safetensors")

  func testRoundTripIsBitExactAndPythonReadsIt() throws {
    let weights = try Tensor(shape: [2, 3], scalars: [1.5, -0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -7.25, 1e-20])
    let file = SafetensorsFile(
      tensors: ["blocks.0.weight": weights, "blocks.0.bias": randomTensor([3], seed: 1), "scalar": Tensor(2)],
      metadata: ["format_version": "1", "config": "{\"width\": 32}"])
    let path = directory.appendingPathComponent("model.safetensors").path
    try file.write(to: path)
    let read = try SafetensorsFile(contentsOf: path)
    XCTAssertEqual(read, file)
    XCTAssertEqual(read.tensors["blocks.0.weight"]!.scalars.map(\.bitPattern), weights.scalars.map(\.bitPattern))
    // The standard library's json + numpy read it exactly as the safetensors package would.
    let seen = try runPython(
      """
      import json, struct, numpy as np
      raw = open('\(path)', 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      e = header['blocks.0.weight']
      w = np.frombuffer(raw[8 + n + e['data_offsets'][0]:8 + n + e['data_offsets'][1]], dtype='<f4').reshape(e['shape'])
      print(n % 8, e['dtype'], w.shape, w[0, 0], w[1, 0], header['__metadata__']['config'])
      """)
    XCTAssertEqual(seen, "0 F32 (2, 3) 1.5 3.4028235e+38 {\"width\": 32}")
  }

  /// A write that runs out of disk space part-way must leave the previous checkpoint intact
  /// and loadable: a 256 KiB tmpfs holds the old checkpoint but not the new one. Mounting
  /// changes the host, so it runs only when `OPERATORKIT_TMPFS_TESTS=1` asks for it (and as root).
  func testAWriteInterruptedByAFullDiskKeepsThePreviousCheckpoint() throws {
    try XCTSkipUnless(
      ProcessInfo.processInfo.environment["OPERATORKIT_TMPFS_TESTS"] == "1", "set OPERATORKIT_TMPFS_TESTS=1 to mount a tmpfs")
    let mountPoint = directory.appendingPathComponent("tiny").path
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint]
    try mount.run()
    mount.waitUntilExit()
    try XCTSkipUnless(mount.terminationStatus == 0, "mounting a tmpfs needs root; this machine refused")
    defer {
      let unmount = Process()
      unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
      unmount.arguments = [mountPoint]
      try? unmount.run()
      unmount.waitUntilExit()
    }
    let path = mountPoint + "/model.safetensors"
    let old = SafetensorsFile(tensors: ["w": randomTensor([1000], seed: 3)], metadata: ["epoch": "7"])
    try old.write(to: path)
    let huge = SafetensorsFile(tensors: ["w": randomTensor([200_000], seed: 4)], metadata: ["epoch": "8"])
    XCTAssertThrowsError(try huge.write(to: path)) { error in
      XCTAssertTrue("\(error)".contains("model.safetensors: cannot write"), "\(error)")
    }
    XCTAssertEqual(try SafetensorsFile(contentsOf: path), old)
  }

  func testCorruptFilesAreClearErrorsAndAFailedWriteKeepsTheOldFile() throws {
    let path = directory.appendingPathComponent("old.safetensors").path
    let original = SafetensorsFile(tensors: ["w": randomTensor([4], seed: 2)])
    try original.write(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let truncated = directory.appendingPathComponent("truncated.safetensors").path
    try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: truncated))
    XCTAssertThrowsError(try SafetensorsFile(contentsOf: truncated)) { error in
      XCTAssertTrue("\(error)".contains("truncated.safetensors: tensor 'w' of shape [4] has data offsets"), "\(error)")
    }
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: truncated))
    XCTAssertThrowsError(try SafetensorsFile(contentsOf: truncated))
    // Writing into a missing directory fails and leaves nothing behind; the old file is intact.
    let missing = directory.appendingPathComponent("no/such/dir/x.safetensors").path
    XCTAssertThrowsError(try original.write(to: missing))
    XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    XCTAssertEqual(try SafetensorsFile(contentsOf: path), original)
  }
}
