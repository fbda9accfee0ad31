// DCDM, the learned conjugate-direction solver (Kaneda et al. 2023): a convolutional network
// trained without labels to approximate A⁻¹ of the Poisson matrix supplies search directions;
// each is made A-orthogonal to the last two and used with an exact line search.
//
//   swift run -c release dcdm [epochs]
//
// The same jobs from the command line:
//   opkit train dcdm --grid 32x32 --epochs 15 --out dcdm.safetensors
//   opkit solve poisson --grid 128x128 --method dcdm --model dcdm.safetensors --rtol 1e-6 [--mask solids.npy]
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let epochs = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 15
let root = "out/examples/dcdm"
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)

// 1. Training vectors: Ritz vectors of the 32² Poisson matrix from 150 Lanczos steps, mixed with
//    weight 9 on the low half of the spectrum. The loss compares b with α·A·f(b) (best α).
let data = try DCDMTrainingSet.make(shape: [32, 32], count: 400, steps: 150, seed: 0)
let (train, test) = data.split(testFraction: 0.1, seed: 0)
var generator = SplitMix64(seed: 0)
var configuration = DCDMConfiguration(dimension: 2, width: 8)
configuration.maxLevels = configuration.levels(for: [32, 32]).count  // keep the trained depth on larger grids
var trainer = Trainer(
  model: DCDMNetwork(configuration, using: &generator),
  options: TrainingOptions(epochs: epochs, batchSize: 10, learningRate: 2e-3, weightDecay: 0, schedule: .cosine, normalization: .none),
  fittingNormalizersTo: train)
try trainer.train(on: train, testingOn: test)
print(String(format: "trained at 32²: test loss (sine of the angle between b and A f(b)) %.4f", try trainer.evaluate(test).relativeL2))

// 2. Solve at sizes the network never saw, on the open box and around solid disks, beside CG and
//    IC(0)-PCG; every answer is checked by its true residual.
func disks(_ n: Int) -> [Bool] {
  let centres: [(Double, Double, Double)] = [(0.3, 0.3, 0.12), (0.7, 0.4, 0.1), (0.45, 0.75, 0.14)]
  return (0..<(n * n)).map { p in
    let (x, y) = ((Double(p / n) + 1) / Double(n + 1), (Double(p % n) + 1) / Double(n + 1))
    return centres.contains { ($0.0 - x) * ($0.0 - x) + ($0.1 - y) * ($0.1 - y) < $0.2 * $0.2 }
  }
}
var curves = [LineChart.Series]()
for (n, obstacles) in [(64, false), (128, false), (128, true)] {
  let solid = obstacles ? disks(n) : nil
  let a = try CSRMatrix.maskedPoisson(shape: [n, n], solid: solid)
  let b = (0..<(n * n)).map { i in (solid?[i] ?? false) ? 0.0 : 1.0 / Double((n + 1) * (n + 1)) }
  let options = SolverOptions(rtol: 1e-6)
  var line = "\(n)x\(n)\(obstacles ? " with obstacles" : ""):"
  for method in ["cg", "pcg-ic", "dcdm"] {
    let result =
      try SolveMethod(rawValue: method).map { try SystemSolver.solve(a, rightHandSide: b, method: $0, options: options) }
      ?? SystemSolver.solve(a, rightHandSide: b, network: trainer.model, shape: [n, n], solid: solid, options: options)
    line += String(
      format: "  %@ %d iterations (%.3f s, residual %.1e)", method, result.iterations,
      result.setupSeconds + result.solveSeconds, result.relativeResidual)
    if n == 128 && obstacles {
      let history = result.report?.residualHistory ?? []
      let colour: Colour = ["cg": .blue, "pcg-ic": .green, "dcdm": .orange][method]!
      curves.append(
        .init(
          values: history.map { $0 / history[0] }, label: "\(method), \(n)²\(obstacles ? ", obstacles" : "")", colour: colour,
          dashed: n == 64))
      if method == "dcdm" {
        try FieldGrid(result.solution, rows: n, columns: n, title: "DCDM solution with obstacles", columnTitle: "u")
          .write(to: "\(root)/obstacles-solution.png")
      }
    }
  }
  print(line)
}
try LineChart(curves, title: "Poisson: CG, IC(0)-PCG and DCDM", xLabel: "iteration", yLabel: "relative residual", yScale: .logarithmic)
  .write(to: "\(root)/convergence.png")
print("wrote \(root)/convergence.png (relative residual per iteration: CG blue, IC(0)-PCG green, DCDM orange) and obstacles-solution.png")
