import Foundation

/// This process's resident memory as Linux reports it in `/proc/self/status`: the peak
/// (`VmHWM`) and the current size (`VmRSS`), and a reset of the peak, so one stage of a run can
/// be measured on its own (`/proc/self/clear_refs`, Linux ≥ 4.0).
enum ResidentMemory {
  /// Peak resident memory in MB, 0 where unavailable.
  static var peakMegabytes: Int { field("VmHWM:") / 1024 }

  /// Current resident memory in MB, 0 where unavailable.
  static var currentMegabytes: Int { field("VmRSS:") / 1024 }

  /// Returns freed heap memory to the system (`malloc_trim`), so ``currentMegabytes`` is what
  /// the process still uses, then sets the peak to the current resident size; false where the
  /// kernel does not allow it (then ``peakMegabytes`` keeps the peak of the whole run).
  @discardableResult
  static func resetPeak() -> Bool {
    trimHeap()
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
  }

  /// glibc's `malloc_trim(0)` (declared in `<malloc.h>`, which Swift's Glibc module leaves out;
  /// looked up at run time, a no-op elsewhere).
  private static func trimHeap() {
    typealias Trim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
  }

  /// A `kB` line of `/proc/self/status`, in kB.
  private static func field(_ name: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
      let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return kilobytes
  }
}
