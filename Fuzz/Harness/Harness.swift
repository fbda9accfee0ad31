import Foundation

/// The shared half of the fuzz targets (`make fuzz`): each target hands one reader of OperatorKit
/// to ``run(suffix:_:)``. Built with `-sanitize=fuzzer -DFUZZING` that runs libFuzzer's driver on
/// it (``fuzzOne(_:count:suffix:_:)`` per input); built normally it replays the files named on
/// the command line (``replay(_:suffix:_:)``) — how a crasher the fuzzer found is rerun.
///
/// The readers take paths, so each input is written to a scratch file in shared memory first.
/// A thrown error is the expected answer to bad input; only crashes, leaks and hangs are findings.
public enum FuzzHarness {
  /// The target's reader and scratch-file suffix, for libFuzzer's C callback (set once by ``run(suffix:_:)``).
  nonisolated(unsafe) static var target: (suffix: String, read: (String) throws -> Void)?

  /// The program: libFuzzer's driver over `read` (FUZZING), or a replay of the argument files.
  public static func run(suffix: String, _ read: @escaping (String) throws -> Void) -> Never {
    #if FUZZING
      target = (suffix, read)
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
        guard let (suffix, read) = FuzzHarness.target, let bytes else { return 0 }
        FuzzHarness.fuzzOne(bytes, count: count, suffix: suffix, read)
        return 0
      })
    #else
      replay(Array(CommandLine.arguments.dropFirst()), suffix: suffix, read)
      exit(0)
    #endif
  }

  /// Writes `count` bytes at `bytes` to this process's scratch file (ending in `suffix`) and runs
  /// `read` on its path, ignoring thrown errors.
  public static func fuzzOne(_ bytes: UnsafePointer<UInt8>, count: Int, suffix: String, _ read: (String) throws -> Void) {
    let path = scratchPath(suffix)
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: bytes, count: count)) else {
      fatalError("fuzz harness: cannot write \(path)")
    }
    _ = try? read(path)
  }

  /// Runs `read` on every file named in `arguments` (directories: every file inside), printing
  /// what each answered; exits 0 when none crashed.
  public static func replay(_ arguments: [String], suffix: String, _ read: (String) throws -> Void) {
    var files = [String]()
    for argument in arguments {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
        files += names.sorted().map { (argument as NSString).appendingPathComponent($0) }
      } else {
        files.append(argument)
      }
    }
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { continue }
      data.withUnsafeBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        let path = scratchPath(suffix)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
          try read(path)
          print("\(file): read")
        } catch {
          print("\(file): \(String(describing: error).prefix(120))")
        }
      }
    }
  }

  /// `/dev/shm/opkit-fuzz-<pid><suffix>` (the temporary directory where there is no /dev/shm).
  static func scratchPath(_ suffix: String) -> String {
    let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return (folder as NSString).appendingPathComponent("opkit-fuzz-\(getpid())\(suffix)")
  }
}

#if FUZZING
  /// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`): parses the fuzzer's
  /// options from the command line and calls `callback` once per input.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32
#endif
