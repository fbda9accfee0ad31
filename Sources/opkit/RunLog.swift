import ArgumentParser
import Foundation
import OperatorKit

/// `--logdir`: the TensorBoard event file of one run, written as epochs finish. A write that
/// fails during training is kept and thrown by ``finish()``, so a full disk stops neither the
/// run nor its checkpoints but still ends the command with the error.
final class RunLog {
  private let log: TensorBoardLog?
  private var failure: (any Error)?

  /// A log in `directory`, or none without one.
  init(directory: String?) throws { log = try directory.map { try TensorBoardLog(directory: $0) } }

  /// Whether anything is written (a directory was given).
  var isActive: Bool { log != nil }

  /// Records a finished epoch (``TensorBoardLog/record(_:loss:)``).
  func record(_ summary: EpochSummary, loss: LossKind) {
    guard let log, failure == nil else { return }
    do { try log.record(summary, loss: loss) } catch { failure = error }
  }

  /// Records a figure, as PNG, under `tag` at `step`.
  func image(_ tag: String, _ figure: some Figure, step: Int) {
    guard let log, failure == nil else { return }
    do {
      try log.image(tag, png: [UInt8](try figure.encoded(as: .png)), width: figure.size.width, height: figure.size.height, step: step)
    } catch { failure = error }
  }

  /// Throws the first failed write, if any.
  func finish() throws { if let failure { throw failure } }
}

/// Refuses a `--logdir` that exists and is not a directory.
func checkLogDirectory(_ path: String?) throws {
  var isDirectory: ObjCBool = false
  if let path, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
    throw ValidationError("--logdir \(path) is a file, not a directory")
  }
}
