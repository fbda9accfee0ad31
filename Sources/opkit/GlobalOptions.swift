import ArgumentParser
import Foundation
import OperatorKit

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
  @Option(help: "Worker threads for the parallel kernels (default: all cores, shared among the MPI ranks on a machine).")
  var threads: Int?
  @Option(help: "Seed for every random number generator.") var seed: UInt64 = 0
  @Flag(help: "Print one JSON object on stdout instead of text.") var json = false

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  /// Configures the process once, before any work (``ProcessConfiguration/apply(workers:)``):
  /// the worker count, OpenBLAS on one thread, the allocator. Under `mpirun` the ranks on one
  /// machine share its cores (each gets `cores / ranks`, at least one) unless `--threads` says
  /// otherwise.
  func apply() {
    let world = Communicator.world
    let shared = world.size > 1 ? max(1, ProcessInfo.processInfo.activeProcessorCount / world.ranksOnThisNode()) : nil
    ProcessConfiguration.apply(workers: threads ?? shared)
  }
}

/// An error that the CLI prints as one line, exiting non-zero.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
