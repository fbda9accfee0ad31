import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate thermal`: one implicit heat step through random media.
struct GenerateThermal: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "thermal",
    abstract: "u/Δt − div(κ∇u) = u₀/Δt, u = 0 on [0,1]², κ = exp(g), g a smooth GRF: one backward-Euler heat step.",
    discussion: """
      u₀ = sin(πx)sin(πy); g ~ GRF with α = 3, τ = 3. Writes DIR/coeff.npy (κ) and DIR/sol.npy (u), \
      (N, s, s) float32 on the vertex grid including the boundary, and DIR/meta.json. Symmetric \
      positive definite systems whose matrix changes with every sample. Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @Option(help: "Time step Δt.") var timeStep: Double = 0.01

  @OptionGroup var options: SystemGenerationOptions

  func validate() throws {
    guard timeStep > 0 else { throw ValidationError("--time-step must be positive, got \(timeStep)") }
  }

  func run() throws {
    global.apply()
    try grid.generate(
      ThermalProblem(resolution: grid.resolution, timeStep: timeStep, dimension: grid.dim), options: options, global: global)
  }
}
