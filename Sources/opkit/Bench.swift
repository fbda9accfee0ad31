import ArgumentParser
import Foundation
import OperatorKit

/// `opkit bench`: the performance figures, each against a baseline measured in the same run.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark SpMV against a STREAM triad and every solve method on 2D Poisson.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Interior unknowns per axis of the 2D Poisson benchmark.")
  var size: Int = 1024

  @Option(help: "Runs per measurement; medians are reported.")
  var repeats: Int = 3

  @Option(parsing: .upToNextOption, help: "Methods to time (default: all).")
  var methods: [SolveMethod] = SolveMethod.allCases

  func validate() throws {
    guard size >= 2 else { throw ValidationError("--size must be at least 2") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
  }

  func run() throws {
    global.apply()
    try BenchmarkSuite(size: size, repeats: repeats, methods: methods, json: global.json).run()
  }
}
