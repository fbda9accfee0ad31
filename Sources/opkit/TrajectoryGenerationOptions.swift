import ArgumentParser
import Foundation
import OperatorKit

/// The options every time-dependent family of `opkit generate` shares, and the run they share.
struct TrajectoryGenerationOptions: ParsableArguments {
  @Option(help: "Number of samples.") var samples: Int = 1000
  @Option(help: "Samples per shard (the unit of resumption).") var shardSize: Int = 10
  @Option(help: "Time step Δt (default: the family's, stable for its defaults).") var timeStep: Double?
  @Option(help: "Output dataset directory.") var out: String
  @Option(help: "npy (the directory), or h5: also DIR/data.h5 with PDEBench's names (nu/tensor, x-coordinate, t-coordinate).")
  var format: DatasetFormat = .npy

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1, got \(shardSize)") }
    if let timeStep, !(timeStep > 0 && timeStep.isFinite) { throw ValidationError("--time-step must be positive, got \(timeStep)") }
  }

  /// Generates `problem`'s trajectories with a progress bar and prints the summary (one JSON
  /// line with `json`).
  func generate<Family: TimeDependentFamily>(_ problem: Family, seed: UInt64, json: Bool) throws {
    let generator = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: seed, shardSize: shardSize)
    let bar = ProgressBar(label: "\(Family.family.rawValue) \(problem.storedShape.map(String.init).joined(separator: "×"))")
    let summary = try generator.generate(in: out) { bar.update($0, $1) }
    if format == .h5 { try DatasetDirectory(out).writeHDF5(to: DatasetDirectory(out).hdf5Path) }
    if json {
      print(try jsonLine(summary, snakeCaseKeys: true))
    } else {
      print(
        String(
          format: "%d trajectories (%d solved now) of %d snapshots, %d time steps each, in %.1f s (%.3f s per sample); wrote %@/coeff.npy, sol.npy, meta.json",
          summary.samples, summary.solvedNow, problem.snapshotTimes.count, summary.stepsPerSample, summary.seconds,
          summary.seconds / Double(max(summary.solvedNow, 1)), out) + (format == .h5 ? ", data.h5" : ""))
    }
  }
}

/// `opkit generate burgers`: viscous Burgers trajectories on the periodic interval.
struct GenerateBurgers: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "burgers",
    abstract: "u_t + (u²/2)_x = ν u_xx on the periodic unit interval from u₀ ~ N(0, 625(−Δ + 25 I)^−2) (the FNO paper's).",
    discussion: """
      Pseudo-spectral on --solver-resolution points with the 2/3 rule, ETDRK4 in time (the stiff \
      diffusion integrated exactly). Writes DIR/coeff.npy (u₀, (N, s) float32 on x_j = j/s), \
      DIR/sol.npy (u at --record equally spaced times up to --time, (N, T, s) float32: time is the \
      second axis) and DIR/meta.json (the times under "times"). Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: "Viscosity ν.") var viscosity: Double = 0.1
  @Option(help: "Grid points stored s (dividing --solver-resolution).") var resolution: Int = 1024
  @Option(help: "Grid points of the solver.") var solverResolution: Int = 8192
  @Option(help: "Final time T.") var time: Double = 1
  @Option(help: "Snapshots stored (1: the map u₀ ↦ u(·, T)).") var record: Int = 1
  @OptionGroup var options: TrajectoryGenerationOptions

  func run() throws {
    global.apply()
    let problem = try BurgersProblem(
      viscosity: viscosity, resolution: resolution, solverResolution: solverResolution, time: time, record: record,
      timeStep: options.timeStep)
    try options.generate(problem, seed: global.seed, json: global.json)
  }
}

/// `opkit generate navier-stokes`: 2D vorticity trajectories on the torus.
struct GenerateNavierStokes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "navier-stokes",
    abstract: "w_t + u·∇w = νΔw + f on the unit torus, f = 0.1(sin 2π(x+y) + cos 2π(x+y)) (the FNO paper's setting).",
    discussion: """
      The FNO data script's scheme: pseudo-spectral on --solver-resolution² points, the advection \
      explicit with the 2/3 rule, Crank–Nicolson for the diffusion; w₀ ~ N(0, 7^(3/2)(−Δ + 49 I)^−2.5). \
      Writes DIR/coeff.npy (w₀, (N, s, s) float32), DIR/sol.npy (w every --record-every time units up \
      to --time, (N, T, s, s) float32: time is the second axis) and DIR/meta.json. Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: "Viscosity ν (the FNO paper: 1e-3, 1e-4, 1e-5).") var viscosity: Double = 1e-3
  @Option(help: "Grid points stored per axis s (dividing --solver-resolution).") var resolution: Int = 64
  @Option(help: "Grid points of the solver per axis.") var solverResolution: Int = 256
  @Option(help: "Final time T.") var time: Double = 50
  @Option(help: "Time between stored snapshots.") var recordEvery: Double = 1
  @OptionGroup var options: TrajectoryGenerationOptions

  func run() throws {
    global.apply()
    let problem = try NavierStokesProblem(
      viscosity: viscosity, resolution: resolution, solverResolution: solverResolution, time: time, recordEvery: recordEvery,
      timeStep: options.timeStep)
    try options.generate(problem, seed: global.seed, json: global.json)
  }
}
