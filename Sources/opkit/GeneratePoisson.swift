import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate poisson`: one operator, random sources.
struct GeneratePoisson: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "poisson",
    abstract: "−Δu = f, u = 0 on [0,1]², f = 100 g with g a GRF N(0, (−Δ+9I)^−2): a fixed operator, random right-hand sides.",
    discussion: """
      Writes DIR/coeff.npy (f) and DIR/sol.npy (u), (N, s, s) float32 on the vertex grid including \
      the boundary (--dim 3: (N, s, s, s)), and DIR/meta.json. Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @OptionGroup var options: SystemGenerationOptions

  func run() throws {
    global.apply()
    try grid.generate(PoissonSourceProblem(resolution: grid.resolution, dimension: grid.dim), options: options, global: global)
  }
}
