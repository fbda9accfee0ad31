import ArgumentParser
import OperatorKit

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
  @Option(help: "Worker threads for the parallel kernels (default: all cores).") var threads: Int?
  @Option(help: "Seed for every random number generator.") var seed: UInt64 = 0
  @Flag(help: "Print one JSON object on stdout instead of text.") var json = false

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  /// Configures the process once, before any work (``ProcessConfiguration/apply(workers:)``):
  /// the worker count, OpenBLAS on one thread, the allocator.
  func apply() {
    ProcessConfiguration.apply(workers: threads)
  }
}

/// An error that the CLI prints as one line, exiting non-zero.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
