import Foundation
import OperatorKit

/// The data-generation figures of `opkit bench --suite generation`: one Darcy dataset per
/// resolution generated with every solver in the same run — SKR (sorted GCRO-DR(40,20)) against
/// independent GMRES(40) with the same preconditioner and tolerance, and against the independent
/// solvers a user would otherwise pick (CHOLMOD, multigrid PCG) — in matvecs and wall time.
struct GenerationBenchmarkSuite {
  let resolutions: [Int]
  let samples: Int
  let preconditioner: PreconditionerKind
  let json: Bool

  struct Row: Encodable {
    let resolution: Int
    let solver: String
    let samples: Int
    let seconds: Double
    let matvecs: Int
    let meanIterations: Double
    let maxRelativeResidual: Double
    enum CodingKeys: String, CodingKey {
      case resolution, solver, samples, seconds, matvecs
      case meanIterations = "mean_iterations", maxRelativeResidual = "max_relative_residual"
    }
  }

  func run() throws -> [Row] {
    let log: (String) -> Void = { line in if !json { print(line) } }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("opkit-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let solvers: [DatasetSolver] = [
      .recycling, .independent(.gmres), .recycledCG, .independent(.pcgIC), .independent(.pcgMultigrid), .independent(.cholmod),
    ]
    log("Darcy data generation, \(samples) samples, rtol 1e-8, preconditioner of skr, gmres and rcg: \(preconditioner.rawValue)")
    log("     s solver     seconds    matvecs it/sample gmres time / time")
    var rows = [Row]()
    for s in resolutions {
      var gmresSeconds = Double.nan
      var results = [Row]()
      for solver in solvers {
        let generator = try DarcyDatasetGenerator(
          resolution: s, samples: samples, seed: 0, solver: solver, preconditioner: preconditioner, shardSize: 50)
        let summary = try generator.generate(in: scratch + "/\(s)-\(solver.name)")
        if solver == .independent(.gmres) { gmresSeconds = summary.seconds }
        results.append(
          Row(
            resolution: s, solver: solver.name, samples: samples, seconds: summary.seconds, matvecs: summary.matvecs,
            meanIterations: summary.meanIterations, maxRelativeResidual: summary.maxRelativeResidual))
      }
      for row in results {
        log(
          String(
            format: "%6d %@ %9.2f %10d %9.1f %17.2f", s, row.solver.padding(toLength: 8, withPad: " ", startingAt: 0), row.seconds,
            row.matvecs, row.meanIterations, gmresSeconds / row.seconds))
      }
      rows += results
    }
    return rows
  }
}
