import Foundation
import OperatorKit

/// The data-generation figures of `opkit bench --suite generation`: for each family (Darcy,
/// Poisson, thermal, Helmholtz) at two resolutions, one dataset generated with every solver in the same
/// run — SKR (sorted GCRO-DR(40,20)) against independent GMRES(40) with the same preconditioner
/// and tolerance, once with the family's strong preconditioner (IC(0), or ILU(0) for Helmholtz)
/// and once with Jacobi; then what a user would otherwise pick (recycled CG, IC(0)-PCG,
/// multigrid PCG and CHOLMOD for the SPD families, UMFPACK for Helmholtz) — in matvecs and
/// wall time.
struct GenerationBenchmarkSuite {
  /// Darcy and thermal resolutions.
  let resolutions: [Int]
  /// Helmholtz resolutions (its GMRES runs are the slowest).
  let helmholtzResolutions: [Int]
  let samples: Int
  let json: Bool

  struct Row: Encodable {
    let family: String
    let resolution: Int
    let solver: String
    let preconditioner: String?
    let samples: Int
    let seconds: Double
    let matvecs: Int
    let meanIterations: Double
    let maxRelativeResidual: Double
    /// Seconds of independent GMRES with the same preconditioner (or the strong one) over this
    /// solver's seconds.
    let speedupOverGMRES: Double
    enum CodingKeys: String, CodingKey {
      case family, resolution, solver, preconditioner, samples, seconds, matvecs
      case meanIterations = "mean_iterations", maxRelativeResidual = "max_relative_residual", speedupOverGMRES = "speedup_over_gmres"
    }
  }

  /// The Helmholtz family of the benchmark: mean wavenumbers 2–6 (GMRES(40) with ILU(0) still
  /// converges; at 8–16 it stagnates).
  static let helmholtzWavenumbers: ClosedRange<Double> = 2...6

  func run() throws -> [Row] {
    let log: (String) -> Void = { line in if !json { print(line) } }
    log("Data generation, \(samples) samples per dataset, rtol 1e-8 (seconds on all cores; speedup = GMRES time / time)")
    log("family     s solver  precond.  seconds    matvecs it/sample speedup")
    var rows = [Row]()
    for s in resolutions {
      rows += try measure(
        DarcyProblem(resolution: s), strong: .ic,
        others: [.recycledCG, .independent(.pcgIC), .independent(.pcgMultigrid), .independent(.cholmod)], log: log)
      rows += try measure(
        PoissonSourceProblem(resolution: s), strong: .ic,
        others: [.recycledCG, .independent(.pcgIC), .independent(.pcgMultigrid), .independent(.cholmod)], log: log)
      rows += try measure(
        ThermalProblem(resolution: s), strong: .ic,
        others: [.recycledCG, .independent(.pcgIC), .independent(.pcgMultigrid), .independent(.cholmod)], log: log)
    }
    for s in helmholtzResolutions {
      rows += try measure(
        HelmholtzProblem(resolution: s, wavenumbers: Self.helmholtzWavenumbers), strong: .ilu, others: [.independent(.umfpack)], log: log)
    }
    return rows
  }

  /// SKR and GMRES with `strong` and with Jacobi, then `others` (with `strong` where they take a
  /// preconditioner).
  private func measure<Family: SampledSystemFamily>(
    _ problem: Family, strong: PreconditionerKind, others: [DatasetSolver], log: (String) -> Void
  ) throws -> [Row] {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("opkit-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var runs: [(DatasetSolver, PreconditionerKind)] = []
    for preconditioner in [strong, .jacobi] { runs += [(.recycling, preconditioner), (.independent(.gmres), preconditioner)] }
    runs += others.map { ($0, strong) }
    var results = [(DatasetSolver, PreconditionerKind, SystemDatasetGenerator<Family>.Summary)]()
    for (solver, preconditioner) in runs {
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: samples, seed: 0, solver: solver, preconditioner: preconditioner, shardSize: 50)
      let directory = scratch + "/\(Family.name)-\(problem.resolution)-\(solver.name)-\(preconditioner.rawValue)"
      do {
        results.append((solver, preconditioner, try generator.generate(in: directory)))
      } catch DatasetError.solveFailed(let sample, let message) {
        // A solver that cannot reach the tolerance is a result too (restarted GMRES stagnates on
        // indefinite systems); the row is left out of the JSON.
        log(
          "\(Family.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(problem.resolution) \(solver.name) \(preconditioner.rawValue): "
            + "failed at sample \(sample): \(message)")
      }
    }
    let gmres = Dictionary(uniqueKeysWithValues: results.filter { $0.0 == .independent(.gmres) }.map { ($0.1, $0.2.seconds) })
    return results.map { solver, preconditioner, summary in
      let baseline = gmres[solver.usesPreconditioner ? preconditioner : strong] ?? .nan
      let row = Row(
        family: Family.name, resolution: problem.resolution, solver: solver.name,
        preconditioner: solver.usesPreconditioner ? preconditioner.rawValue : nil, samples: samples, seconds: summary.seconds,
        matvecs: summary.matvecs, meanIterations: summary.meanIterations, maxRelativeResidual: summary.maxRelativeResidual,
        speedupOverGMRES: baseline / summary.seconds)
      log(
        String(
          format: "%@ %4d %@ %@ %8.2f %10d %9.1f %7.2f", Family.name.padding(toLength: 9, withPad: " ", startingAt: 0), row.resolution,
          row.solver.padding(toLength: 7, withPad: " ", startingAt: 0),
          (row.preconditioner ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0),
          row.seconds, row.matvecs, row.meanIterations, row.speedupOverGMRES))
      return row
    }
  }
}
