import ArgumentParser

/// `opkit`: the OperatorKit command-line tool.
@main
struct Opkit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "opkit",
    abstract: "Sparse PDE solvers and neural operators: solve, benchmark.",
    version: "0.1.0",
    subcommands: [Solve.self, Bench.self])
}
