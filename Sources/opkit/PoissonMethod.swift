import ArgumentParser
import OperatorKit

/// `--method`: one of Krylov's ``SolveMethod``s, or a learned method from `LearnedSolvers`.
enum PoissonMethod: ExpressibleByArgument, Hashable {
  /// A direct or Krylov method that needs nothing beyond the matrix.
  case system(SolveMethod)
  /// A method that needs a trained network (``LearnedSolveMethod``).
  case learned(LearnedSolveMethod)
  /// PETSc's CG with algebraic multigrid (``PETScSolver``), across the ranks of `mpirun`.
  case petsc

  init?(argument: String) {
    if argument == "petsc" {
      self = .petsc
    } else if let method = SolveMethod(rawValue: argument) {
      self = .system(method)
    } else if let method = LearnedSolveMethod(rawValue: argument) {
      self = .learned(method)
    } else {
      return nil
    }
  }

  /// The command-line name.
  var name: String {
    switch self {
    case .system(let method): method.rawValue
    case .learned(let method): method.rawValue
    case .petsc: "petsc"
    }
  }

  var defaultValueDescription: String { name }
  static var allValueStrings: [String] { all.map(\.name) }
  /// Every method, Krylov's first.
  static var all: [PoissonMethod] {
    SolveMethod.allCases.map { .system($0) } + LearnedSolveMethod.allCases.map { .learned($0) } + [.petsc]
  }
  static let dcdm = PoissonMethod.learned(.dcdm)
  static let pcgMultigrid = PoissonMethod.system(.pcgMultigrid)
  static let gmres = PoissonMethod.system(.gmres)
}
