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
  /// writes to stdout, and a rank that fails prints its error and aborts the whole job. The
  /// process exits only after the command and its error are released (nothing left for a leak
  /// checker to report).
  static func main() {
    let world = Communicator.world
    if !world.isRoot { silenceStandardOutput() }
    let status = runCommand(world: world)
    PETScSession.finalize()
    Communicator.finalize()
    if status != 0 { Foundation.exit(status) }
  }

  /// Parses and runs the command line; returns the exit status (printing the one error line).
  private static func runCommand(world: Communicator) -> Int32 {
    do {
      var command = try parseAsRoot(CommandLineNormalization.attachingNegativeValues(Array(CommandLine.arguments.dropFirst())))
      try command.run()
      return 0
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        return 0
      }
      // One line: ArgumentParser's lists of choices ("…following:\n  - a\n  - b") become "…: a, b".
      let message = Opkit.message(for: error)
        .replacingOccurrences(of: "Please provide one of the following:", with: "choose one of")
        .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
      let rank = world.size > 1 ? " (rank \(world.rank) of \(world.size))" : ""
      let text = message.isEmpty ? "" : message[0] + (message.count > 1 ? " " + message.dropFirst().joined(separator: ", ") : "")
      let line = "opkit: error\(rank): " + CommandLineNormalization.oneLine(text)
      FileHandle.standardError.write(Data((line + "\n").utf8))
      let status = code.rawValue == 0 ? 1 : code.rawValue
      if world.size > 1 { world.abort(code: status) }
      return status
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
