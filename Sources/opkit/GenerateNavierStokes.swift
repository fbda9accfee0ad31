import ArgumentParser
import Foundation
import OperatorKit

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
