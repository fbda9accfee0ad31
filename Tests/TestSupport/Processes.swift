import Dispatch
import Foundation
import XCTest

/// What a finished child process said.
public struct ProcessResult {
  /// The exit status.
  public let status: Int32
  /// Standard output.
  public let out: String
  /// Standard error.
  public let err: String
}

/// Runs `executable arguments` to the end. Standard output and standard error are read at the
/// same time, so a child that fills one pipe (a sanitizer report, a long progress log on stderr)
/// cannot block while the other is being read.
public func runProcess(_ executable: URL, _ arguments: [String]) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = childEnvironment()
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let (o, e) = readBoth(out, err)
  process.waitUntilExit()
  return ProcessResult(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

/// The environment a child runs in: this process's, except that under `make sanitize`
/// (`OPKIT_CHILD_ASAN_OPTIONS` set) the child gets those AddressSanitizer options. The test
/// runner itself runs without the exit-time leak check — XCTest keeps every test case and its
/// properties alive until exit — while each `opkit` child, the whole command from start to exit,
/// is checked for leaks.
public func childEnvironment() -> [String: String] {
  var environment = ProcessInfo.processInfo.environment
  if let options = environment["OPKIT_CHILD_ASAN_OPTIONS"] { environment["ASAN_OPTIONS"] = options }
  return environment
}

/// Reads both pipes to their end concurrently.
public func readBoth(_ out: Pipe, _ err: Pipe) -> (Data, Data) {
  let errorData = LockedData()
  let group = DispatchGroup()
  DispatchQueue.global().async(group: group) { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
  let outputData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  return (outputData, errorData.get())
}

/// Bytes handed from a reader thread to the waiting test.
private final class LockedData: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ value: Data) { lock.withLock { data = value } }
  func get() -> Data { lock.withLock { data } }
}

/// Runs `python3 -c script` (numpy and scipy are the cross-checks' references) and returns its
/// trimmed standard output.
/// - Throws: ``ScriptFailure`` with the script's standard error when it exits non-zero.
@discardableResult
public func runPython(_ script: String) throws -> String {
  let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script])
  guard result.status == 0 else { throw ScriptFailure(status: result.status, message: result.err) }
  return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A cross-check script that failed.
public struct ScriptFailure: Error, CustomStringConvertible {
  /// Its exit status.
  public let status: Int32
  /// What it wrote to standard error.
  public let message: String
  public var description: String { "python3 exited with \(status): \(message)" }
}

/// The `opkit` executable built next to the test bundle.
/// - Throws: (and records a failure) when it is missing: the CLI tests must not pass by skipping.
public func builtOpkit(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
  let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("opkit")
  guard FileManager.default.isExecutableFile(atPath: url.path) else {
    XCTFail("opkit is not built next to the tests (\(url.path)); build the opkit product first", file: file, line: line)
    throw ScriptFailure(status: -1, message: "missing \(url.path)")
  }
  return url
}
