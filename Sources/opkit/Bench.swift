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

  @Option(help: "Which figures: solvers (SpMV, every solve method), core (tensor kernels), or all.")
  var suite: BenchSuite = .all

  func validate() throws {
    guard size >= 2 else { throw ValidationError("--size must be at least 2") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
  }

  func run() throws {
    global.apply()
    let solvers = suite == .core ? nil : try BenchmarkSuite(size: size, repeats: repeats, methods: methods, json: global.json).run()
    let core = suite == .solvers ? nil : try CoreBenchmarkSuite(repeats: repeats, json: global.json).run()
    if global.json {
      print(try jsonLine(BenchReport(solvers: solvers, core: core)))
    }
  }
}

/// Which benchmark figures `opkit bench` produces.
enum BenchSuite: String, ExpressibleByArgument, CaseIterable {
  case solvers, core, all
}

/// The JSON object `opkit bench --json` prints.
struct BenchReport: Encodable {
  let solvers: BenchmarkSuite.Report?
  let core: CoreBenchmarkSuite.Report?
}
