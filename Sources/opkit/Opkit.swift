import ArgumentParser
import Foundation
import OperatorKit

/// `opkit`: the OperatorKit command-line tool.
///
/// Errors end the program with exactly one line on stderr (`opkit: error: …`) and a non-zero
/// exit code; `--help` and `--version` print to stdout and exit 0.
@main
struct Opkit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "opkit",
    abstract: "Sparse PDE solvers and neural operators: solve, generate data, train, evaluate, benchmark.",
    version: "0.1.0",
    subcommands: [Solve.self, Generate.self, Train.self, Evaluate.self, Predict.self, Forecast.self, Bench.self])

  /// Runs the command. Under `mpirun` every rank runs it (MPI initialized first), only rank 0
  /// writes to stdout, and a rank that fails prints its error and aborts the whole job.
  static func main() {
    let world = Communicator.world
    if !world.isRoot { silenceStandardOutput() }
    do {
      var command = try parseAsRoot()
      try command.run()
      PETScSession.finalize()
      Communicator.finalize()
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Communicator.finalize()
        Foundation.exit(0)
      }
      // One line: ArgumentParser's lists of choices ("…following:\n  - a\n  - b") become "…: a, b".
      let message = Opkit.message(for: error)
        .replacingOccurrences(of: "Please provide one of the following:", with: "choose one of")
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
      let rank = world.size > 1 ? " (rank \(world.rank) of \(world.size))" : ""
      let line = "opkit: error\(rank): " + message[0] + (message.count > 1 ? " " + message.dropFirst().joined(separator: ", ") : "")
      FileHandle.standardError.write(Data((line + "\n").utf8))
      if world.size > 1 { world.abort(code: code.rawValue == 0 ? 1 : code.rawValue) }
      PETScSession.finalize()
      Communicator.finalize()
      Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
  }
}

/// Sends this process's standard output to `/dev/null` (ranks other than 0 print nothing).
private func silenceStandardOutput() {
  let null = open("/dev/null", O_WRONLY)
  if null >= 0 {
    dup2(null, STDOUT_FILENO)
    close(null)
  }
}
