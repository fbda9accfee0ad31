import ArgumentParser
import Foundation
import OperatorKit

extension SolveMethod: ExpressibleByArgument {}

extension PreconditionerKind: ExpressibleByArgument {}
extension GridCentring: ExpressibleByArgument {}

/// `opkit solve poisson`: `−div(a ∇u) = f` with `u = 0` on the boundary, on a grid or a mesh.
struct SolvePoisson: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "poisson",
    abstract: "Solve −div(a ∇u) = f (f = 1, u = 0 on the boundary) on a grid or a Gmsh mesh.",
    discussion: """
      On a grid, NxM counts interior unknowns of the vertex grid on the unit square (h = 1/(N+1)); \
      the coefficient file holds a at all (N+2)x(M+2) vertices or at the NxM interior ones. \
      On a mesh, P1 finite elements with u = 0 on the whole boundary or on --dirichlet groups. \
      Output: .npy (grid: NxM; mesh: one value per node), .vtu/.vtk (mesh), --png (grid).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Grid of interior unknowns: N, NxM or NxMxK.") var grid: GridShape?
  @Option(help: "Gmsh mesh file (.msh, ASCII 2.2 or 4.1).") var mesh: String?
  @Option(help: "Where grid unknowns sit: vertex (finite differences) or cell (finite volumes).") var centring: GridCentring = .vertex
  @Option(help: "Coefficient a(x) > 0 on the grid, as .npy.") var coefficient: String?

  @Option(help: "Physical groups (names or tags, comma-separated) carrying u = 0 on a mesh; default: the whole boundary.")
  var dirichlet: String?

  @Option(help: "Solver: \(PoissonMethod.allValueStrings.joined(separator: ", ")).") var method: PoissonMethod = .pcgMultigrid

  @Option(help: "GMRES preconditioner: none, jacobi, ic, mg (default: mg on grids, jacobi on meshes).")
  var preconditioner: PreconditionerKind?

  @Option(help: "Preconditioner of --method petsc: gamg (PETSc's algebraic multigrid) or hypre (BoomerAMG).")
  var pc: PETScPreconditioner?

  @Option(help: "Relative tolerance ‖b − Ax‖ ≤ rtol·‖b‖.") var rtol: Double = 1e-8
  @Option(help: "Iteration cap (default 10·unknowns).") var maxIterations: Int?
  @Option(help: "GMRES restart length.") var restart: Int = 30
  @Option(help: "DCDM network (opkit train dcdm) supplying the search directions of --method dcdm.") var model: String?
  @Option(help: "DCDM: previous directions each new one is made A-orthogonal to.") var orthogonalize: Int = 2
  @Option(help: "Solid obstacles on the grid: .npy of the grid's shape, nonzero = solid (Neumann walls around them).") var mask: String?
  @Option(help: "Write the solution: .npy, or .vtu/.vtk for meshes.") var out: String?
  @Option(help: "Write the solution as a PNG heatmap (2D grids).") var png: String?
  @Option(help: "Write the matrix as Matrix Market (.mtx).") var exportMatrix: String?
  @Option(help: "Write the right-hand side (.mtx array or .npy).") var exportRhs: String?

  func validate() throws {
    guard (grid == nil) != (mesh == nil) else { throw ValidationError("give exactly one of --grid or --mesh") }
    if let grid, let bad = grid.counts.first(where: { $0 < 1 }) {
      throw ValidationError("grid sizes must be at least 1, got \(bad) in \(grid)")
    }
    if let grid {
      // The stencil, its CSR copy, a multigrid hierarchy and the solver's vectors: about
      // 27 bytes per stencil entry and 64 per unknown, before anything is allocated.
      do {
        try MemoryBudget.require([grid.counts + [27 * (2 * grid.counts.count + 1) + 64]], what: "a \(grid) grid")
      } catch { throw ValidationError("--grid: \(error)") }
    }
    if mesh != nil {
      if coefficient != nil { throw ValidationError("--coefficient applies to --grid (meshes use a = 1)") }
      if png != nil { throw ValidationError("--png applies to 2D grids; write .vtu for meshes and open it in ParaView") }
      if method == .pcgMultigrid { throw ValidationError("pcg-mg needs a structured grid; on meshes use cholmod, pcg-ic or gmres") }
    }
    if dirichlet != nil && mesh == nil { throw ValidationError("--dirichlet applies to --mesh") }
    if method == .dcdm && (model == nil || grid == nil) {
      throw ValidationError("--method dcdm needs --grid and --model (opkit train dcdm)")
    }
    if model != nil && method != .dcdm { throw ValidationError("--model applies to --method dcdm") }
    guard orthogonalize >= 1 else { throw ValidationError("--orthogonalize must be at least 1, got \(orthogonalize)") }
    if mask != nil {
      if grid == nil { throw ValidationError("--mask applies to --grid") }
      if coefficient != nil || centring != .vertex {
        throw ValidationError("--mask solves −Δu = 1 on the vertex grid; drop --coefficient/--centring")
      }
      if method == .pcgMultigrid || preconditioner == .multigrid {
        throw ValidationError("geometric multigrid assumes the open box; with --mask use dcdm, pcg-ic, cg or cholmod")
      }
    }
    if let grid, png != nil, grid.counts.count != 2 { throw ValidationError("--png needs a 2D grid, got \(grid)") }
    if preconditioner != nil && method != .gmres { throw ValidationError("--preconditioner applies to --method gmres") }
    if pc != nil && method != .petsc { throw ValidationError("--pc applies to --method petsc") }
    if method == .petsc && Communicator.world.size > 1 && (exportMatrix != nil || exportRhs != nil) {
      throw ValidationError("--export-matrix and --export-rhs write the whole system: run them without mpirun")
    }
    if method != .petsc && Communicator.world.size > 1 {
      throw ValidationError("only --method petsc solves across MPI ranks; run --method \(method.name) without mpirun")
    }
    guard rtol > 0, rtol < 1 else { throw ValidationError("--rtol must be in (0, 1), got \(rtol)") }
    if let maxIterations, maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
    guard restart >= 1 else { throw ValidationError("--restart must be at least 1") }
    try checkOutputs(
      [
        OutputFile("--out", out, mesh == nil ? ["npy"] : ["npy", "vtu", "vtk"]), OutputFile("--png", png, FigureFormat.extensions),
        OutputFile("--export-matrix", exportMatrix, ["mtx"]), OutputFile("--export-rhs", exportRhs, ["mtx", "npy"]),
      ], inputs: [coefficient, mask, mesh, model])
  }

  func run() throws {
    global.apply()
    let assemblyClock = ContinuousClock.now
    let world = Communicator.world
    let problem =
      try grid.map { grid in
        // Across ranks each one assembles only its rows of a grid system.
        let rows = world.size > 1 ? world.block(of: grid.counts.reduce(1, *)) : nil
        return try mask.map { try PoissonProblem.withObstacles(grid.counts, maskFile: $0) }
          ?? PoissonProblem.onGrid(grid.counts, centring: centring, coefficientFile: coefficient, rows: rows)
      }
      ?? PoissonProblem.onMesh(path: mesh!, dirichlet: dirichlet)
    let network = try model.map { try TrainedModel<DCDMNetwork>(checkpointAt: $0).model }
    let assemblySeconds = (ContinuousClock.now - assemblyClock).seconds

    if let exportMatrix { try MatrixMarket.write(problem.matrix, to: exportMatrix) }
    if let exportRhs { try writeVector(problem.rightHandSide, shape: [problem.rightHandSide.count], to: exportRhs) }

    let options = SolverOptions(rtol: rtol, maxIterations: maxIterations, restart: restart, recordHistory: false)
    let result: SystemSolution
    var nonzeros = problem.matrix.nonzeroCount
    switch method {
    case .system(let method):
      result = try SystemSolver.solve(
        problem.matrix, rightHandSide: problem.rightHandSide, method: method, options: options, layout: problem.layout,
        preconditioner: preconditioner)
    case .petsc:
      // This rank's rows: assembled alone (grids), or split off the whole system (meshes, obstacles).
      let rows = problem.rowBlock ?? world.block(of: problem.matrix.rowCount)
      let block = problem.rowBlock == nil ? try problem.matrix.rowBlock(rows) : problem.matrix
      let rhs = problem.rowBlock == nil ? Array(problem.rightHandSide[rows]) : problem.rightHandSide
      guard
        let solved = try solveWithPETSc(
          block: block, firstRow: rows.lowerBound, rightHandSide: rhs, preconditioner: pc ?? .gamg, options: options, communicator: world)
      else { return }  // ranks other than 0 are done: rank 0 writes and reports
      (result, nonzeros) = solved
    case .learned(.dcdm):
      do {
        result = try SystemSolver.solve(
          problem.matrix, rightHandSide: problem.rightHandSide, network: network!, shape: problem.gridShape ?? [], solid: problem.solid,
          orthogonalizeAgainst: orthogonalize, options: options)
      } catch let error as DCDMError { throw CommandFailure("\(model!): \(error)") }
    }

    try problem.writeOutputs(solution: result.solution, out: out, png: png)
    var summary = SolveSummary(problem: problem, method: method, result: result, assemblySeconds: assemblySeconds)
    if method == .petsc { (summary.preconditioner, summary.ranks, summary.nonzeros) = ((pc ?? .gamg).rawValue, world.size, nonzeros) }
    print(global.json ? try summary.json() : summary.text)
    guard result.converged else {
      throw CommandFailure(
        "\(method.name) did not converge: \(result.report?.reason.rawValue ?? "residual") after \(result.iterations) iterations, relative residual \(result.relativeResidual)"
      )
    }
  }
}

/// Writes a vector as `.npy` or Matrix Market array, by extension.
func writeVector(_ values: [Double], shape: [Int], to path: String) throws {
  if path.hasSuffix(".mtx") {
    try MatrixMarket.writeArray(values, to: path)
  } else if path.hasSuffix(".npy") {
    try NumpyArray(shape: shape, values: values).write(to: path)
  } else {
    throw CommandFailure("\(path): unknown extension (use .npy or .mtx)")
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
