import ArgumentParser
import Foundation
import OperatorKit

/// `opkit bench`: the performance figures, each against a baseline measured in the same run.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark SpMV against a STREAM triad, every solve method on 2D Poisson, tensor kernels, data generation, and DCDM.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Interior unknowns per axis of the 2D Poisson benchmark.") var size: Int = 1024
  @Option(help: "Runs per measurement; medians are reported.") var repeats: Int = 3
  @Option(parsing: .upToNextOption, help: "Methods to time (default: all).") var methods: [SolveMethod] = SolveMethod.allCases

  @Option(
    help: """
      Which figures: solvers (SpMV, every solve method), core (tensor kernels), generation (SKR against independent solves, \
      then the trajectories), trajectories (Burgers and Navier–Stokes beside NumPy transcriptions of the same schemes), \
      dcdm (the learned solver against CG, IC(0)-PCG, multigrid PCG and CHOLMOD; needs --dcdm-2d/--dcdm-3d), surrogate \
      (trained operators against the solvers of their data; needs --surrogate), or all.
      """)
  var suite: BenchSuite = .all

  @Option(help: "Samples per dataset in the generation figures (the trajectory figures use the FNO paper's 1000 Burgers samples).")
  var samples: Int = 200

  @Option(help: "Helmholtz resolutions of the generation figures (comma-separated; Darcy and thermal run at 64 and 128).")
  var helmholtzResolutions: String = "32,64"

  @Option(
    name: .customLong("helmholtz-3d-resolutions"),
    help: "3D Helmholtz resolutions of the generation figures (s³ grids, comma-separated; empty for none).")
  var helmholtz3DResolutions: String = "24,32,48"

  @Option(name: .customLong("samples-3d"), help: "Samples per 3D Helmholtz dataset in the generation figures.")
  var samples3D: Int = 20

  @Option(name: .customLong("dcdm-2d"), help: "2D DCDM network (opkit train dcdm) for the dcdm figures.") var dcdm2d: String?
  @Option(name: .customLong("dcdm-3d"), help: "3D DCDM network for the dcdm figures.") var dcdm3d: String?

  @Option(
    name: .customLong("dcdm-sizes-2d"), parsing: .upToNextOption, help: "Grid sizes (interior unknowns per axis) of the 2D dcdm figures.")
  var dcdmSizes2d: [Int] = [64, 128, 256]

  @Option(name: .customLong("dcdm-sizes-3d"), parsing: .upToNextOption, help: "Grid sizes of the 3D dcdm figures.")
  var dcdmSizes3d: [Int] = [32, 64]

  @Option(
    help: """
      A trained model and the dataset directory it learned, MODEL=DIR (repeatable), for the surrogate figures: its \
      prediction per sample against the solver that made DIR (Darcy, Burgers, Navier–Stokes).
      """)
  var surrogate: [String] = []

  func validate() throws {
    guard size >= 2 else { throw ValidationError("--size must be at least 2") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    guard samples3D >= 1 else { throw ValidationError("--samples-3d must be at least 1") }
    _ = try parsedHelmholtzResolutions()
    _ = try parsedHelmholtz3DResolutions()
    for pair in surrogate where pair.split(separator: "=", omittingEmptySubsequences: false).count != 2 {
      throw ValidationError("--surrogate takes MODEL=DIR (a checkpoint and its dataset directory), got '\(pair.prefix(80))'")
    }
  }

  /// `--helmholtz-resolutions` as numbers, each in 3…1024; anything else is a usage error.
  func parsedHelmholtzResolutions() throws -> [Int] {
    try resolutions(helmholtzResolutions, option: "--helmholtz-resolutions", range: 3...1024)
  }

  /// `--helmholtz-3d-resolutions` as numbers, each in 3…256; empty text for none.
  func parsedHelmholtz3DResolutions() throws -> [Int] {
    try resolutions(helmholtz3DResolutions, option: "--helmholtz-3d-resolutions", range: 3...256, allowsNone: true)
  }

  /// A comma-separated list of resolutions in `range` (empty text: none, where `allowsNone`).
  private func resolutions(_ list: String, option: String, range: ClosedRange<Int>, allowsNone: Bool = false) throws -> [Int] {
    if list.trimmingCharacters(in: .whitespaces).isEmpty && allowsNone { return [] }
    return try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
      let text = item.trimmingCharacters(in: .whitespaces)
      guard let n = Int(text), range.contains(n) else {
        throw ValidationError(
          "\(option) takes comma-separated resolutions in \(range.lowerBound)…\(range.upperBound), got '\(text.prefix(80))'")
      }
      return n
    }
  }

  func run() throws {
    global.apply()
    let solvers =
      [.solvers, .all].contains(suite) ? try BenchmarkSuite(size: size, repeats: repeats, methods: methods, json: global.json).run() : nil
    let core = [.core, .all].contains(suite) ? try CoreBenchmarkSuite(repeats: repeats, json: global.json).run() : nil
    let generation =
      [.generation, .all].contains(suite)
      ? try GenerationBenchmarkSuite(
        resolutions: [64, 128], helmholtzResolutions: try parsedHelmholtzResolutions(),
        helmholtz3DResolutions: try parsedHelmholtz3DResolutions(),
        samples: samples, samples3D: samples3D, json: global.json
      ).run()
      : nil
    let trajectories =
      [.generation, .trajectories, .all].contains(suite) ? try TrajectoryBenchmarkSuite(samples: 1000, json: global.json).run() : nil
    let models = [2: dcdm2d, 3: dcdm3d].compactMapValues { $0 }
    if suite == .dcdm && models.isEmpty { throw CommandFailure("--suite dcdm needs --dcdm-2d and/or --dcdm-3d (opkit train dcdm)") }
    let dcdm =
      [.dcdm, .all].contains(suite) && !models.isEmpty
      ? try DCDMBenchmarkSuite(models: models, sizes2D: dcdmSizes2d, sizes3D: dcdmSizes3d, repeats: repeats, json: global.json).run()
      : nil
    if suite == .surrogate && surrogate.isEmpty { throw CommandFailure("--suite surrogate needs --surrogate MODEL=DIR (opkit train)") }
    let pairs = surrogate.map { pair -> (model: String, data: String) in
      let parts = pair.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
      return (parts[0], parts[1])
    }
    let surrogates =
      [.surrogate, .all].contains(suite) && !pairs.isEmpty
      ? try SurrogateBenchmarkSuite(pairs: pairs, repeats: repeats, json: global.json).run() : nil
    if global.json {
      print(
        try jsonLine(
          BenchReport(solvers: solvers, core: core, generation: generation, trajectories: trajectories, dcdm: dcdm, surrogate: surrogates)))
    }
  }
}

/// Which benchmark figures `opkit bench` produces.
enum BenchSuite: String, ExpressibleByArgument, CaseIterable {
  case solvers, core, generation, trajectories, dcdm, surrogate, all
}

/// The JSON object `opkit bench --json` prints.
struct BenchReport: Encodable {
  let solvers: BenchmarkSuite.Report?
  let core: CoreBenchmarkSuite.Report?
  let generation: [GenerationBenchmarkSuite.Row]?
  let trajectories: [TrajectoryBenchmarkSuite.Row]?
  let dcdm: [DCDMBenchmarkSuite.Row]?
  let surrogate: [SurrogateBenchmarkSuite.Row]?
}
