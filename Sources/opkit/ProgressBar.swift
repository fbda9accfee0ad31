import Foundation
import OperatorKit

/// A progress bar on stderr with count, rate and ETA, safe to update from several threads.
/// On a terminal it redraws one line; otherwise it prints a line at every tenth of the work.
/// Under `mpirun` only rank 0 draws.
final class ProgressBar: Sendable {
  private struct State {
    var lastDecile = -1
    var startedAt: ContinuousClock.Instant?
    var startCount = 0
  }
  private let label: String
  private let interactive = isatty(STDERR_FILENO) != 0
  private let state = Locked(State())
  private let silent = !Communicator.world.isRoot

  /// A bar titled `label`.
  init(label: String) { self.label = label }

  /// Shows `done` of `total`.
  func update(_ done: Int, _ total: Int) {
    guard !silent else { return }
    let line: String? = state.withLock { s in
      let now = ContinuousClock.now
      if s.startedAt == nil { (s.startedAt, s.startCount) = (now, done) }
      let elapsed = (now - s.startedAt!).components
      let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
      let rate = seconds > 0 ? Double(done - s.startCount) / seconds : 0
      let decile = total > 0 ? done * 10 / total : 10
      guard interactive || decile > s.lastDecile || done == total else { return nil }
      s.lastDecile = decile
      let width = 30, filled = total > 0 ? width * done / total : width
      let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      // No rate before the first unit of work has finished: say so rather than "0.0/s ETA 0s".
      let speed = rate > 0 ? String(format: "%.1f/s", rate) : "--/s"
      let eta = rate > 0 ? String(format: "%.0fs", Double(total - done) / rate) : "--"
      return String(format: "%@ [%@] %d/%d  %@  ETA %@", label, bar, done, total, speed, eta)
    }
    guard let line else { return }
    let text = interactive ? "\r" + line + (done == total ? "\n" : "") : line + "\n"
    FileHandle.standardError.write(Data(text.utf8))
  }
}
