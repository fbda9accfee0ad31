import Foundation
import OperatorKit

/// The data-generation figures of `opkit bench --suite generation`: for each family (Darcy,
/// Poisson, thermal, Helmholtz) at two resolutions, one dataset generated with every solver in the same
/// run — SKR (sorted GCRO-DR(40,20)) against independent GMRES(40) with the same preconditioner
/// and tolerance, once with the family's strong preconditioner (IC(0), or ILU(0) for Helmholtz)
/// and once with Jacobi; then what a user would otherwise pick (recycled CG, IC(0)-PCG,
/// multigrid PCG and CHOLMOD for the SPD families, UMFPACK for Helmholtz) — in matvecs and
/// wall time. Then 3D Helmholtz on the cube, where a direct solver's fill grows as `n^{4/3}`:
/// SKR and GMRES(40) with ILU(0) and with the shifted-Laplacian multigrid cycle, and UMFPACK,
/// with each run's peak resident memory — at mean wavenumbers 2–6, where ILU(0) still works, and
/// at the family's default 8–16, where only the shifted Laplacian does.
struct GenerationBenchmarkSuite {
  /// Darcy and thermal resolutions.
  let resolutions: [Int]
  /// Helmholtz resolutions (its GMRES runs are the slowest).
  let helmholtzResolutions: [Int]
  /// 3D Helmholtz resolutions (`s³` grids).
  var helmholtz3DResolutions: [Int] = []
  let samples: Int
  /// Samples per 3D dataset for the Krylov solvers; UMFPACK, whose samples are independent
  /// and take two minutes each at 48³, solves at most ``directSamples3D`` of them.
  var samples3D: Int = 20
  /// Samples per 3D dataset for the direct solver.
  static let directSamples3D = 2
  let json: Bool

  struct Row: Encodable {
    let family: String
    /// 2 or 3.
    let dimension: Int
    let resolution: Int
    let solver: String
    let preconditioner: String?
    let samples: Int
    let seconds: Double
    let secondsPerSample: Double
    /// Peak resident memory of the run above what the process held before it, in MB (nil
    /// where the kernel cannot reset the peak).
    let peakMemoryMB: Int?
    let matvecs: Int
    let meanIterations: Double
    let maxRelativeResidual: Double
    /// Seconds per sample of independent GMRES with the same preconditioner (or the strong one)
    /// over this solver's.
    let speedupOverGMRES: Double
    enum CodingKeys: String, CodingKey {
      case family, dimension, resolution, solver, preconditioner, samples, seconds, matvecs
      case secondsPerSample = "seconds_per_sample", peakMemoryMB = "peak_memory_mb", meanIterations = "mean_iterations",
        maxRelativeResidual = "max_relative_residual", speedupOverGMRES = "speedup_over_gmres"
    }
  }

  /// The Helmholtz family of the benchmark: mean wavenumbers 2–6 (GMRES(40) with ILU(0) still
  /// converges; at 8–16 it stagnates).
  static let helmholtzWavenumbers: ClosedRange<Double> = 2...6
  /// The Helmholtz family's default mean wavenumbers, measured on the cube with the
  /// shifted-Laplacian preconditioner only (with ILU(0), one sample at 32³ took 300 s).
  static let helmholtzHighWavenumbers: ClosedRange<Double> = 8...16

  func run() throws -> [Row] {
    let log: (String) -> Void = { line in if !json { print(line) } }
    log("Data generation, \(samples) samples per dataset, rtol 1e-8 (seconds on all cores; speedup = GMRES time / time, per sample)")
    log("family     s solver  precond.           seconds  s/sample   MB    matvecs it/sample speedup")
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
    for wavenumbers in [Self.helmholtzWavenumbers, Self.helmholtzHighWavenumbers] where !helmholtz3DResolutions.isEmpty {
      log(
        "Helmholtz on the cube, mean wavenumbers \(wavenumbers): \(samples3D) samples per Krylov dataset, "
          + "\(min(samples3D, Self.directSamples3D)) for UMFPACK; MB = peak resident memory of the run")
      for s in helmholtz3DResolutions {
        rows += try measure(
          HelmholtzProblem(resolution: s, wavenumbers: wavenumbers, dimension: 3), samples: samples3D,
          directSamples: min(samples3D, Self.directSamples3D),
          preconditioners: wavenumbers == Self.helmholtzWavenumbers ? [.ilu, .shiftedLaplacian] : [.shiftedLaplacian],
          others: [.independent(.umfpack)], log: log)
      }
    }
    return rows
  }

  /// SKR and GMRES with `strong` and Jacobi, then `others` (with `strong` where they take a
  /// preconditioner); as ``measure(_:samples:directSamples:preconditioners:others:log:)``.
  private func measure<Family: SampledSystemFamily>(
    _ problem: Family, strong: PreconditionerKind, others: [DatasetSolver], log: (String) -> Void
  ) throws -> [Row] {
    try measure(problem, preconditioners: [strong, .jacobi], others: others, log: log)
  }

  /// SKR and GMRES with each of `preconditioners`, then `others` (with the first preconditioner
  /// where they take one), `samples` each (default: the suite's; direct solvers `directSamples`
  /// if given).
  private func measure<Family: SampledSystemFamily>(
    _ problem: Family, samples: Int? = nil, directSamples: Int? = nil, preconditioners: [PreconditionerKind],
    others: [DatasetSolver], log: (String) -> Void
  ) throws -> [Row] {
    let strong = preconditioners[0]
    let krylovSamples = samples ?? self.samples
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("opkit-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var runs: [(DatasetSolver, PreconditionerKind)] = []
    for preconditioner in preconditioners {
      runs += [(.recycling, preconditioner), (.independent(.gmres), preconditioner)]
    }
    runs += others.map { ($0, strong) }
    var results = [(DatasetSolver, PreconditionerKind, SystemDatasetGenerator<Family>.Summary, Int?)]()
    for (solver, preconditioner) in runs {
      let samples = solver.usesPreconditioner ? krylovSamples : directSamples ?? krylovSamples
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: samples, seed: 0, solver: solver, preconditioner: preconditioner, shardSize: 50)
      let directory = scratch + "/\(Family.name)-\(problem.resolution)-\(solver.name)-\(preconditioner.rawValue)"
      let resets = ResidentMemory.resetPeak()
      let before = ResidentMemory.currentMegabytes
      do {
        let summary = try generator.generate(in: directory)
        results.append((solver, preconditioner, summary, resets ? ResidentMemory.peakMegabytes - before : nil))
      } catch DatasetError.solveFailed(let sample, let message) {
        // A solver that cannot reach the tolerance is a result too (restarted GMRES stagnates on
        // indefinite systems); the row is left out of the JSON.
        log(
          "\(Family.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(problem.resolution) \(solver.name) \(preconditioner.rawValue): "
            + "failed at sample \(sample): \(message)")
      }
    }
    func perSample(_ summary: SystemDatasetGenerator<Family>.Summary) -> Double { summary.seconds / Double(max(1, summary.solvedNow)) }
    let gmres = Dictionary(uniqueKeysWithValues: results.filter { $0.0 == .independent(.gmres) }.map { ($0.1, perSample($0.2)) })
    let dimension = problem.fieldShape.count
    return results.map { solver, preconditioner, summary, memory in
      let baseline = gmres[solver.usesPreconditioner ? preconditioner : strong] ?? .nan
      let row = Row(
        family: Family.name, dimension: dimension, resolution: problem.resolution, solver: solver.name,
        preconditioner: solver.usesPreconditioner ? preconditioner.rawValue : nil, samples: summary.samples, seconds: summary.seconds,
        secondsPerSample: perSample(summary), peakMemoryMB: memory, matvecs: summary.matvecs, meanIterations: summary.meanIterations,
        maxRelativeResidual: summary.maxRelativeResidual, speedupOverGMRES: baseline / perSample(summary))
      log(
        Family.name.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
          + right(dimension == 3 ? "\(row.resolution)³" : "\(row.resolution)", 4)
          + " " + row.solver.padding(toLength: 7, withPad: " ", startingAt: 0) + " "
          + (row.preconditioner ?? "-").padding(toLength: 17, withPad: " ", startingAt: 0)
          + String(format: " %8.2f %9.3f ", row.seconds, row.secondsPerSample) + right(memory.map { "\($0)" } ?? "-", 5)
          + String(format: " %10d %9.1f %7.2f", row.matvecs, row.meanIterations, row.speedupOverGMRES))
      return row
    }
  }
}

/// `text` right-aligned in `width` characters (Foundation's `%5@` does not pad on Linux).
private func right(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
