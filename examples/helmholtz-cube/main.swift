// Waves through a random medium on the unit cube: one 3D Helmholtz system of the
// `opkit generate helmholtz --dim 3` family at its default mean wavenumbers (8–16), solved three
// ways, each answer checked by its true residual.
//
//   swift run -c release helmholtz-cube [S]     (S grid points per side, default 32)
//
// 1. GMRES(40) with ILU(0): at these wavenumbers it stalls (capped at 400 iterations).
// 2. GMRES(40) with one multigrid V-cycle on the complex shifted Laplacian −Δ − (1 + ½i)k² per
//    step: converges in a few dozen iterations.
// 3. UMFPACK, the sparse direct solve: the reference (its time and memory grow fastest).
// Writes the field as a complex64 .npy of shape (S, S, S) and its middle slice as a PNG.
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let s = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 32
let outputDirectory = "out/examples"
try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)

let problem = try HelmholtzProblem(resolution: s, dimension: 3)
let (meanWavenumber, k) = problem.medium(index: 0, seed: 1)
let system = try problem.system(coefficient: k)
print(
  String(
    format: "Helmholtz on %d³ points (%d real unknowns), mean wavenumber %.1f, k from %.1f to %.1f", s, problem.unknowns,
    meanWavenumber, k.min() ?? 0, k.max() ?? 0))

func report(_ name: String, _ result: SystemSolution) {
  let iterations = result.report.map { ", \($0.iterations) iterations" } ?? ""
  print(
    name.padding(toLength: 34, withPad: " ", startingAt: 0)
      + String(
        format: "%@%@, true relative residual %.1e, %.2f s", result.converged ? "converged" : "did not converge", iterations,
        result.relativeResidual, result.setupSeconds + result.solveSeconds))
}

// 1 and 2: the same Krylov method, two preconditioners.
var options = SolverOptions(rtol: 1e-8, restart: 40)
options.maxIterations = 400
report(
  "GMRES(40), ILU(0):",
  try SystemSolver.solve(system.matrix, rightHandSide: system.rightHandSide, method: .gmres, options: options, preconditioner: .ilu))
let shifted = try SystemSolver.solve(
  system.matrix, rightHandSide: system.rightHandSide, method: .gmres, options: options, preconditioner: .shiftedLaplacian,
  shiftedLaplacian: system.shiftedLaplacian)
report("GMRES(40), shifted Laplacian:", shifted)

// 3. The direct reference.
let direct = try SystemSolver.solve(system.matrix, rightHandSide: system.rightHandSide, method: .umfpack)
report("UMFPACK:", direct)
let difference = zip(shifted.solution, direct.solution).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
let size = direct.solution.map { $0 * $0 }.reduce(0, +).squareRoot()
print(String(format: "shifted-Laplacian GMRES against UMFPACK: relative difference %.1e", difference / size))

// The field: interleaved (real, imaginary) per grid point, x along the first axis.
try NumpyArray(shape: [s, s, s], values: shifted.solution, dtype: .complex64).write(to: "\(outputDirectory)/helmholtz-cube.npy")
let middle = (0..<(s * s)).map { $0 * s + s / 2 }  // the slice z = ½
let real = middle.map { shifted.solution[2 * $0] }
let magnitude = middle.map {
  (shifted.solution[2 * $0] * shifted.solution[2 * $0] + shifted.solution[2 * $0 + 1] * shifted.solution[2 * $0 + 1]).squareRoot()
}
try FieldGrid(
  panels: [[real, magnitude]], extent: (s, s), columnTitles: ["Re u (rows x, columns y)", "|u|"],
  title: String(format: "Helmholtz on the cube, slice z = 1/2 (mean k = %.1f)", meanWavenumber)
).write(to: "\(outputDirectory)/helmholtz-cube.png")
print("wrote \(outputDirectory)/helmholtz-cube.npy and helmholtz-cube.png")
