// Solve a Poisson problem three ways and check each answer by its residual.
//
//   swift run -c release poisson-solve [N]
//
// 1. A Darcy-like problem −div(a ∇u) = 1 on an N×N grid, with a checkerboard coefficient,
//    solved by multigrid-preconditioned CG; the solution is written as .npy and .png.
// 2. The same matrix factored once by CHOLMOD and reused for a second right-hand side.
// 3. P1 finite elements on the shipped L-shaped Gmsh mesh, written as .vtu for ParaView.
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let n = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 256
let outputDirectory = "out/examples"
try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)

// 1. Assemble on the vertex grid of the unit square (N interior unknowns per axis).
let grid = try UniformGrid(cellCounts: [n + 1, n + 1])
let checkerboard: GridField = .function { x in (Int(x[0] * 8) + Int(x[1] * 8)) % 2 == 0 ? 12 : 3 }
let system = try GridSystem.diffusion(grid: grid, coefficient: checkerboard, source: .constant(1))
let matrix = CSRMatrix(system.matrix)
let result = try SystemSolver.solve(
  matrix, rightHandSide: system.rightHandSide, method: .pcgMultigrid, options: SolverOptions(rtol: 1e-10),
  layout: system.layout)
print(
  "multigrid CG on \(n)x\(n): \(result.iterations) iterations, relative residual \(result.relativeResidual), \(String(format: "%.3f", result.setupSeconds + result.solveSeconds)) s"
)
try NumpyArray(shape: [n, n], values: result.solution).write(to: "\(outputDirectory)/darcy.npy")
try FieldGrid(result.solution, rows: n, columns: n, title: "Darcy flow, checkerboard coefficient", columnTitle: "u")
  .write(to: "\(outputDirectory)/darcy.png")

// 2. Factor once, solve many: a second load f = x, reusing the Cholesky factor.
let factor = try CholeskyFactorization(matrix)
let secondLoad = try GridSystem.diffusion(grid: grid, coefficient: checkerboard, source: .function { x in x[0] })
let u2 = try factor.solve(secondLoad.rightHandSide)
print("CHOLMOD, second right-hand side: relative residual \(try SystemSolver.trueRelativeResidual(matrix, u2, secondLoad.rightHandSide))")

// 3. Finite elements on a Gmsh mesh, with u = 0 on its tagged boundary.
let mesh = try Mesh(gmshFile: "meshes/lshape.msh")
let fem = try FiniteElementSystem.poisson(mesh: mesh, dirichletTags: [mesh.boundaryTag(named: "boundary") ?? 1])
let femResult = try SystemSolver.solve(fem.matrix, rightHandSide: fem.rightHandSide, method: .pcgIC)
try mesh.writeVTK(to: "\(outputDirectory)/lshape.vtu", pointData: [("u", fem.nodalValues(femResult.solution))])
print(
  "P1 FEM on the L-shape (\(mesh.nodeCount) nodes): \(femResult.iterations) IC(0)-CG iterations, relative residual \(femResult.relativeResidual)"
)
print("wrote \(outputDirectory)/darcy.npy, darcy.png, lshape.vtu")
