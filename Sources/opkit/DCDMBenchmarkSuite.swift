import Foundation
import OperatorKit

/// The DCDM figures of `opkit bench`: the learned conjugate-direction solver beside CG,
/// IC(0)-PCG, multigrid PCG and CHOLMOD on Poisson problems of several sizes — networks trained
/// at one size applied at the others — and on a 2D domain with obstacles the network never saw.
/// Every method solves the same system to the same relative residual; times are medians.
struct DCDMBenchmarkSuite {
  /// Checkpoints of `opkit train dcdm` by spatial dimension (2 and/or 3).
  let models: [Int: String]
  let sizes2D: [Int]
  let sizes3D: [Int]
  let repeats: Int
  let json: Bool
  let rtol = 1e-6

  struct Row: Encodable {
    let problem: String
    let unknowns: Int
    let method: String
    let iterations: Int
    let seconds: Double
    let relativeResidual: Double
    let converged: Bool
    let directionFallbacks: Int?
    enum CodingKeys: String, CodingKey {
      case problem, unknowns, method, iterations, seconds, converged
      case relativeResidual = "relative_residual", directionFallbacks = "direction_fallbacks"
    }
  }

  func run() throws -> [Row] {
    let log: (String) -> Void = { line in if !json { print(line) } }
    var rows = [Row]()
    let networks = try models.mapValues { try TrainedModel<DCDMNetwork>(checkpointAt: $0).model }
    log("DCDM: relative residual \(rtol), random right-hand sides, medians of \(repeats) runs")
    log("problem              unknowns  method     iterations   seconds")
    for (dimension, sizes) in [(2, sizes2D), (3, sizes3D)] {
      guard let network = networks[dimension] else { continue }
      for n in sizes {
        let shape = Array(repeating: n, count: dimension)
        let grid = try UniformGrid(cellCounts: shape.map { $0 + 1 })
        let system = try GridSystem.diffusion(grid: grid)
        let problem = shape.map(String.init).joined(separator: "x")
        rows += try compare(
          problem: problem, matrix: CSRMatrix(system.matrix), layout: system.layout, network: network, shape: shape, solid: nil,
          methods: [.system(.cg), .system(.pcgIC), .pcgMultigrid, .system(.cholmod), .dcdm], log: log)
      }
    }
    if let network = networks[2], let n = sizes2D.dropFirst().first ?? sizes2D.first {
      let solid = Self.obstacles(n)
      let matrix = try CSRMatrix.maskedPoisson(shape: [n, n], solid: solid)
      rows += try compare(
        problem: "\(n)x\(n) obstacles", matrix: matrix, layout: nil, network: network, shape: [n, n], solid: solid,
        methods: [.system(.cg), .system(.pcgIC), .system(.cholmod), .dcdm], log: log)
    }
    return rows
  }

  /// Solves one system with every method; the right-hand side is seeded uniform noise (zero in
  /// solid cells) — every frequency present.
  private func compare(
    problem: String, matrix: CSRMatrix, layout: GridLayout?, network: DCDMNetwork, shape: [Int], solid: [Bool]?,
    methods: [PoissonMethod], log: (String) -> Void
  ) throws -> [Row] {
    var generator = SplitMix64(seed: 7)
    let b = (0..<matrix.rowCount).map { i in (solid?[i] ?? false) ? 0 : Double.random(in: -1...1, using: &generator) }
    var rows = [Row]()
    for method in methods {
      var results = [SystemSolution]()
      for _ in 0..<repeats {
        let options = SolverOptions(rtol: rtol, recordHistory: false)
        switch method {
        case .system(let method):
          results.append(try SystemSolver.solve(matrix, rightHandSide: b, method: method, options: options, layout: layout))
        case .learned(.dcdm):
          results.append(try SystemSolver.solve(matrix, rightHandSide: b, network: network, shape: shape, solid: solid, options: options))
        case .petsc:
          let solved = try solveWithPETSc(
            block: matrix, firstRow: 0, rightHandSide: b, preconditioner: .gamg, options: options, communicator: .single)
          results.append(solved!.solution)
        }
      }
      let last = results.last!
      let row = Row(
        problem: problem, unknowns: matrix.rowCount, method: method.name, iterations: last.iterations,
        seconds: median(results.map { $0.setupSeconds + $0.solveSeconds }), relativeResidual: last.relativeResidual,
        converged: last.converged, directionFallbacks: last.report?.directionFallbacks)
      let fallbacks = row.directionFallbacks.map { $0 > 0 ? "  (\($0) fallbacks)" : "" } ?? ""
      log(
        problem.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: " %8d  ", row.unknowns)
          + row.method.padding(toLength: 9, withPad: " ", startingAt: 0)
          + String(format: " %10d  %8.3f", row.iterations, row.seconds)
          + (row.converged ? "" : "  NOT converged (\(last.relativeResidual))") + fallbacks)
      rows.append(row)
    }
    return rows
  }

  /// Solid disks in the unit square (none touching another or the box, so every fluid cell
  /// connects to the Dirichlet boundary): a layout no training vector had.
  static func obstacles(_ n: Int) -> [Bool] {
    let disks: [(x: Double, y: Double, r: Double)] = [(0.3, 0.3, 0.12), (0.7, 0.35, 0.1), (0.45, 0.72, 0.15), (0.8, 0.78, 0.07)]
    return (0..<(n * n)).map { p in
      let (x, y) = ((Double(p / n) + 1) / Double(n + 1), (Double(p % n) + 1) / Double(n + 1))
      return disks.contains { ($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y) < $0.r * $0.r }
    }
  }
}
