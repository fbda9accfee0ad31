import ArgumentParser
import Foundation

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

  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      // One line: ArgumentParser's lists of choices ("…following:\n  - a\n  - b") become "…: a, b".
      let message = Opkit.message(for: error)
        .replacingOccurrences(of: "Please provide one of the following:", with: "choose one of")
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
      let line = "opkit: error: " + message[0] + (message.count > 1 ? " " + message.dropFirst().joined(separator: ", ") : "")
      FileHandle.standardError.write(Data((line + "\n").utf8))
      Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
  }
}
