import ArgumentParser
import Foundation
import OperatorKit

/// `opkit bench`: the performance figures, each against a baseline measured in the same run.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark SpMV against a STREAM triad, every solve method on 2D Poisson, tensor kernels, and data generation.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Interior unknowns per axis of the 2D Poisson benchmark.")
  var size: Int = 1024

  @Option(help: "Runs per measurement; medians are reported.")
  var repeats: Int = 3

  @Option(parsing: .upToNextOption, help: "Methods to time (default: all).")
  var methods: [SolveMethod] = SolveMethod.allCases

  @Option(
    help: "Which figures: solvers (SpMV, every solve method), core (tensor kernels), generation (SKR against independent solves), or all.")
  var suite: BenchSuite = .all

  @Option(help: "Samples per dataset in the generation figures.")
  var samples: Int = 200

  @Option(help: "Preconditioner of skr and gmres in the generation figures: none, jacobi, ic.")
  var preconditioner: PreconditionerKind = .ic

  func validate() throws {
    guard size >= 2 else { throw ValidationError("--size must be at least 2") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
  }

  func run() throws {
    global.apply()
    let solvers =
      [.solvers, .all].contains(suite) ? try BenchmarkSuite(size: size, repeats: repeats, methods: methods, json: global.json).run() : nil
    let core = [.core, .all].contains(suite) ? try CoreBenchmarkSuite(repeats: repeats, json: global.json).run() : nil
    let generation =
      [.generation, .all].contains(suite)
      ? try GenerationBenchmarkSuite(resolutions: [64, 128], samples: samples, preconditioner: preconditioner, json: global.json).run()
      : nil
    if global.json {
      print(try jsonLine(BenchReport(solvers: solvers, core: core, generation: generation)))
    }
  }
}

/// Which benchmark figures `opkit bench` produces.
enum BenchSuite: String, ExpressibleByArgument, CaseIterable {
  case solvers, core, generation, all
}

/// The JSON object `opkit bench --json` prints.
struct BenchReport: Encodable {
  let solvers: BenchmarkSuite.Report?
  let core: CoreBenchmarkSuite.Report?
  let generation: [GenerationBenchmarkSuite.Row]?
}
