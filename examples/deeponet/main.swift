// DeepONet on three operators: the antiderivative u ↦ ∫₀ˣ u (the DeepONet paper's first example,
// real), Helmholtz radiation in random media k ↦ u (complex fields, complex DeepONet) and the
// electric field in a waveguide k ↦ E (two complex components, conducting-wall condition built in).
//
//   swift run -c release deeponet [epochs]
//
// The same jobs from the command line:
//   opkit generate antiderivative --samples 100 --out data/anti-train
//   opkit train deeponet --data data/anti-train --epochs 2000 --out don.safetensors
//   opkit generate helmholtz --samples 500 --out data/helm-train
//   opkit train deeponet --complex --data data/helm-train --out cdon.safetensors
//   opkit generate helmholtz --geometry waveguide --samples 500 --out data/guide-train
//   opkit train deeponet --complex --conducting-walls y --data data/guide-train --out guide.safetensors
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let scale = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 1
let root = "out/examples/deeponet"

// 1. The antiderivative: 100 input functions from a Gaussian process with RBF covariance
//    (length 0.2) on 100 sensors, each queried at the same 100 points (10,000 triples), and
//    1000 test functions. Branch [100 → 40 → 40], trunk [1 → 40 → 40], ReLU: the paper's network.
let antiTrain = "\(root)/anti-train", antiTest = "\(root)/anti-test"
try AntiderivativeDatasetGenerator(samples: 100, seed: 0).generate(in: antiTrain)
try AntiderivativeDatasetGenerator(samples: 1000, seed: 1).generate(in: antiTest)
let (train, test) = (try OperatorDataset(directory: antiTrain), try OperatorDataset(directory: antiTest))
var generator = SplitMix64(seed: 0)
let deeponet = DeepONet(DeepONetConfiguration(sensors: 100, queryDimension: 1), using: &generator)
var trainer = Trainer(
  model: deeponet, options: TrainingOptions(epochs: 3000 * scale, schedule: .cosine), fittingNormalizersTo: train)
try trainer.train(on: train, testingOn: test)
let evaluation = try trainer.evaluate(test)
print(
  String(
    format: "antiderivative: DeepONet with %d parameters, %d epochs: test MSE %.2e, relative L2 %.4f",
    deeponet.parameterCount, trainer.history.count, evaluation.mse, evaluation.relativeL2))
// Three test functions' antiderivatives (blue) and the predictions (orange).
let shown = test.subset([0, 1, 2])
let predicted = try trainer.predict(shown.inputs)
let curves = (0..<3).flatMap { i -> [LineChart.Series] in
  let range = (i * 100)..<((i + 1) * 100)
  return [
    .init(values: shown.outputs.scalars[range].map(Double.init), label: "truth \(i)", colour: Colour.cycle[i]),
    .init(values: predicted.scalars[range].map(Double.init), label: "DeepONet \(i)", colour: Colour.cycle[i], dashed: true),
  ]
}
try LineChart(curves, title: "Antiderivative: three test functions", xLabel: "point", yLabel: "s(x)")
  .write(to: "\(root)/antiderivative.png")

// 2. Helmholtz: −Δu − k(x)²u = f with an absorbing boundary; the complex field u is stored as
//    complex64 and read as (real, imaginary) channels. The complex DeepONet computes in complex
//    arithmetic (complex weights, split activation, complex inner product).
let helmTrain = "\(root)/helm-train", helmTest = "\(root)/helm-test"
/// Solves `samples` systems of `problem` with UMFPACK into `directory`.
func generate(_ problem: some SampledSystemFamily, samples: Int, seed: UInt64, in directory: String) throws {
  _ = try SystemDatasetGenerator(problem: problem, samples: samples, seed: seed, solver: .independent(.umfpack), preconditioner: .none)
    .generate(in: directory)
}
try generate(HelmholtzProblem(resolution: 32), samples: 500, seed: 0, in: helmTrain)
try generate(HelmholtzProblem(resolution: 32), samples: 100, seed: 1, in: helmTest)
let (waves, wavesTest) = (try OperatorDataset(directory: helmTrain), try OperatorDataset(directory: helmTest))
let complexNet = ComplexDeepONet(
  DeepONetConfiguration(sensors: 32 * 32, queryDimension: 2, outputs: 1, branchWidths: [40], trunkWidths: [40]), using: &generator)
var complexTrainer = Trainer(model: complexNet, options: TrainingOptions(epochs: 100 * scale), fittingNormalizersTo: waves)
try complexTrainer.train(on: waves, testingOn: wavesTest)
let waveError = try complexTrainer.evaluate(wavesTest)
print(
  String(
    format: "helmholtz: complex DeepONet with %d real parameters, %d epochs: test relative L2 %.4f (real and imaginary parts)",
    complexNet.parameterCount, complexTrainer.history.count, waveError.relativeL2))
let sample = wavesTest.subset([0])
let field = try complexTrainer.predict(sample.inputs).scalars.map(Double.init)
let truth = sample.outputs.scalars.map(Double.init)
// Rows: truth, prediction; columns: real part, imaginary part (each 32×32).
let parts = { (values: [Double]) in [Array(values[0..<1024]), Array(values[1024..<2048])] }
try FieldGrid(
  panels: [parts(truth), parts(field)], extent: (32, 32), columnTitles: ["Re u", "Im u"], rowLabels: ["truth", "DeepONet"],
  title: "Helmholtz, complex DeepONet"
)
.write(to: "\(root)/helmholtz.png")

// 3. A vector field with a boundary condition: TE waves in a waveguide with perfectly conducting
//    plates at y = 0, 1. The electric field E = (E_x, E_y) is stored as (N, 2, s, s) complex64
//    and read as four channels; `conductingWalls: [1]` assembles E from its learned components
//    so that the tangential E_x vanishes on the plates for any weights (n × E = 0).
let guideTrain = "\(root)/guide-train", guideTest = "\(root)/guide-test"
try generate(WaveguideProblem(resolution: 24), samples: 400, seed: 0, in: guideTrain)
try generate(WaveguideProblem(resolution: 24), samples: 80, seed: 1, in: guideTest)
let (guides, guidesTest) = (try OperatorDataset(directory: guideTrain), try OperatorDataset(directory: guideTest))
let guideNet = ComplexDeepONet(
  DeepONetConfiguration(
    sensors: 24 * 24, queryDimension: 2, outputs: 2, branchWidths: [40], trunkWidths: [40], conductingWalls: [1]),
  using: &generator)
// The plates' zeros are constraints: outputs are scaled, not shifted.
var guideTrainer = Trainer(
  model: guideNet, options: TrainingOptions(epochs: 40 * scale, normalization: .scaledOutputs), fittingNormalizersTo: guides)
try guideTrainer.train(on: guides, testingOn: guidesTest)
let guideError = try guideTrainer.evaluate(guidesTest)
let guessed = try guideTrainer.predict(guidesTest.inputs)  // [N, 4, 24, 24]: Re E_x, Im E_x, Re E_y, Im E_y
var onPlates: Float = 0
for n in 0..<guidesTest.count {
  for channel in 0..<2 {
    for i in 0..<24 {
      for j in [0, 23] { onPlates = max(onPlates, abs(guessed.scalars[((n * 4 + channel) * 24 + i) * 24 + j])) }
    }
  }
}
print(
  String(
    format: "waveguide: complex DeepONet for (E_x, E_y), %d epochs: test relative L2 %.4f; max |E_x| on the plates %g",
    guideTrainer.history.count, guideError.relativeL2, onPlates))
print("wrote \(root)/antiderivative.png and \(root)/helmholtz.png")
