import ArgumentParser

/// `opkit solve`: solve a PDE's linear system.
struct Solve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Assemble and solve a PDE's sparse linear system.",
    subcommands: [SolvePoisson.self])
}
