import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate darcy`: the Darcy benchmark dataset.
struct GenerateDarcy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "darcy",
    abstract: "−div(a∇u) = 1, u = 0 on [0,1]², a ∈ {3, 12} thresholded from a GRF N(0, (−Δ+9I)^−2).",
    discussion: """
      Writes DIR/coeff.npy and DIR/sol.npy ((N, s, s) float32 on the vertex grid including the \
      boundary) and DIR/meta.json. Samples depend only on (seed, index). Interrupted runs resume: \
      finished shards in DIR/shards are kept.

      --boundary neumann insulates the walls x = 0, 1 (first array axis; u = 0 at y = 0, 1); \
      --boundary periodic solves the cell problem of homogenization on the unit torus, \
      −div(a(e₁ + ∇u)) = 0 with mean(u) = 0, sampled at x_i = i/s.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @Option(help: "Boundary conditions: dirichlet, neumann (insulated x-walls) or periodic.") var boundary: DarcyBoundary = .dirichlet

  @OptionGroup var options: SystemGenerationOptions

  func run() throws {
    global.apply()
    try grid.generate(DarcyProblem(resolution: grid.resolution, boundary: boundary, dimension: grid.dim), options: options, global: global)
  }
}
