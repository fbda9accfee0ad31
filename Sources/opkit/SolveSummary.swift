import Foundation
import OperatorKit

/// What `opkit solve` reports, as text or as one JSON object.
struct SolveSummary: Encodable {
  let domain: String
  let unknowns: Int
  var nonzeros: Int
  let method: String
  var preconditioner: String?
  let converged: Bool
  let stopReason: String
  let iterations: Int
  let matvecs: Int
  let relativeResidual: Double
  let seconds: Double
  let setupSeconds: Double
  let assemblySeconds: Double
  let totalSeconds: Double
  /// DCDM iterations whose network direction was replaced by the residual.
  let directionFallbacks: Int?
  /// The MPI ranks that shared the solve (1 without `mpirun`).
  var ranks = 1

  enum CodingKeys: String, CodingKey {
    case domain, unknowns, nonzeros, method, preconditioner, converged, iterations, matvecs, seconds, ranks
    case stopReason = "stop_reason", relativeResidual = "relative_residual", setupSeconds = "setup_seconds"
    case assemblySeconds = "assembly_seconds", totalSeconds = "total_seconds", directionFallbacks = "direction_fallbacks"
  }

  init(problem: PoissonProblem, method: PoissonMethod, result: SystemSolution, assemblySeconds: Double) {
    domain = problem.domain
    unknowns = problem.matrix.columnCount
    nonzeros = problem.matrix.nonzeroCount
    self.method = method.name
    preconditioner = result.preconditioner?.rawValue
    converged = result.converged
    stopReason = result.report?.reason.rawValue ?? (result.converged ? "direct" : "direct_inaccurate")
    iterations = result.iterations
    matvecs = result.report?.matvecs ?? 0
    relativeResidual = result.relativeResidual
    seconds = result.setupSeconds + result.solveSeconds
    setupSeconds = result.setupSeconds
    self.assemblySeconds = assemblySeconds
    totalSeconds = assemblySeconds + seconds
    directionFallbacks = result.report?.directionFallbacks
  }

  func json() throws -> String {
    try jsonLine(self)
  }

  var text: String {
    let how = preconditioner.map { "\(method) (preconditioner \($0))" } ?? method
    return """
      \(domain): \(unknowns) unknowns, \(nonzeros) nonzeros
      \(how): \(converged ? "converged" : "NOT converged") (\(stopReason)), \(iterations) iterations, \(matvecs) matvecs\(directionFallbacks.map { ", \($0) direction fallbacks" } ?? "")
      relative residual ‖b−Ax‖/‖b‖ = \(String(format: "%.3e", relativeResidual))
      time: assembly \(String(format: "%.3f", assemblySeconds)) s, setup \(String(format: "%.3f", setupSeconds)) s, solve \(String(format: "%.3f", seconds - setupSeconds)) s
      """
  }
}
