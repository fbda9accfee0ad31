import ArgumentParser
import Foundation
import OperatorKit

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
