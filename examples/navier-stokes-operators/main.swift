// Operators over time on 2D Navier–Stokes (vorticity form, ν = 1e-3, the FNO paper's forcing):
// the autoregressive FNO-2D of the paper's fourier_2d_time script and the space-time FNO-3D of its
// fourier_3d script, the latter refined by the Spectral-Refiner step (last Fourier layer, every
// frequency, H⁻¹ loss, SGD), on the same trajectories. Prints test errors per predicted step and
// draws truth, predictions and errors at three times and the error growth over the rollout.
//
//   swift run -c release navier-stokes-operators [epoch scale]
//
// The same jobs from the command line (the README's table uses 1000 trajectories solved at 64²):
//   opkit generate navier-stokes --solver-resolution 64 --resolution 32 --time 20 --samples 1000 --out data/ns-train
//   opkit train fno --mode rollout --data data/ns-train --test-data data/ns-test --steps-in 10 --steps-out 10 --out rollout.safetensors
//   opkit train fno --mode space-time --data data/ns-train --test-data data/ns-test --steps-in 10 --steps-out 10 \
//     --batch 10 --refine 5 --out space-time.safetensors
//   opkit predict --model rollout.safetensors --input data/ns-test --out rollout.npy --steps 10
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let scale = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 1
let root = "out/examples/navier-stokes-operators"
let (stepsIn, stepsOut) = (10, 10)

// 1. Data: random initial vorticity, solved pseudo-spectrally (Crank–Nicolson on the viscous
//    term) to t = 20 on 32² (the README's set solves on 64²; 32² keeps this example to a minute),
//    a snapshot every time unit. 100 training and 20 test trajectories; reruns reuse the shards.
let problem = try NavierStokesProblem(viscosity: 1e-3, resolution: 32, solverResolution: 32, time: 20, recordEvery: 1)
func trajectories(_ name: String, samples: Int, seed: UInt64) throws -> OperatorDataset {
  let directory = "\(root)/\(name)"
  _ = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: seed, shardSize: 10).generate(in: directory)
  // The first 10 snapshots are the input, the next 10 the target.
  return try OperatorDataset(directory: directory).trajectoryWindows(stepsIn: stepsIn, stepsOut: stepsOut)
}
let train = try trajectories("train", samples: 100, seed: 0)
let test = try trajectories("test", samples: 20, seed: 1)

/// Trains `model` with `options`, printing a line per epoch, and returns the trainer.
func fit<Model: ConfiguredModel>(_ model: Model, _ options: TrainingOptions, label: String) throws -> Trainer<Model> {
  var trainer = Trainer(model: model, options: options, fittingNormalizersTo: train)
  try trainer.train(on: train, testingOn: test) { event in
    if case .epoch(let e) = event {
      print(String(format: "%@ epoch %2d  train %.4f  test %.4f  (%.1f s)", label, e.epoch, e.trainLoss, e.testRelativeL2, e.seconds))
    }
  }
  return trainer
}

// 2. The autoregressive FNO-2D (modes 12, width 20): the last 10 snapshots and the grid
//    coordinates in, the next snapshot out, fed back 10 times; the loss sums every step's relative
//    L2 error and back-propagates through the whole rollout; raw data (no normalizer survives
//    feeding predictions back).
var generator = SplitMix64(seed: 0)
let rollout = try fit(
  FNORollout(FNORolloutConfiguration(stepsIn: stepsIn, stepsOut: stepsOut), using: &generator),
  TrainingOptions(epochs: 15 * scale, loss: .relativeL2PerStep, normalization: .none), label: "FNO-2D rollout")

// 3. The space-time FNO-3D (modes 8, width 20): the 10 given snapshots repeated along a time axis
//    of 10 points padded by 6 zeros, (x, y, t) appended, every step predicted at once; Gaussian
//    normalizers. Then the Spectral-Refiner: the last Fourier layer widened to every frequency
//    (the output unchanged) and fine-tuned alone on the relative H⁻¹ error with SGD.
let spaceTimeOptions = TrainingOptions(epochs: 10 * scale, batchSize: 10)
let spaceTime = try fit(
  FNOSpaceTime(FNOSpaceTimeConfiguration(stepsIn: stepsIn, stepsOut: stepsOut), using: &generator), spaceTimeOptions,
  label: "FNO-3D space-time")
let widened = spaceTime.model.refined(grid: [32, 32])
let refined = try fit(
  widened, spaceTimeOptions.spectralRefining(epochs: 3 * scale, trainable: [widened.outputLayerPrefix]), label: "FNO-3D refining")

// 4. Test errors per predicted step, and the error growth over the rollout.
var curves = [LineChart.Series]()
for (i, (name, evaluation)) in try [
  ("FNO-2D rollout", rollout.evaluate(test)), ("FNO-3D space-time", spaceTime.evaluate(test)), ("FNO-3D refined", refined.evaluate(test)),
].enumerated() {
  let steps = evaluation.relativeL2PerChannel.map { String(format: "%.3f", $0) }.joined(separator: " ")
  print(String(format: "%@: test relative L2 %.4f; per step %@", name, evaluation.relativeL2, steps))
  curves.append(.init(values: evaluation.relativeL2PerChannel, label: name, colour: Colour.cycle[i]))
}
try LineChart(
  curves, title: "Navier–Stokes: test error over the predicted steps", xLabel: "step after the input", yLabel: "relative L2",
  x: (1...stepsOut).map(Double.init))
  .write(to: "\(root)/error-growth.png")

// 5. One test trajectory at steps 1, 5 and 10: truth, both predictions and the rollout's error.
let sample = test.subset([0])
let (truth, byRollout, byRefined) = (sample.outputs.scalars, try rollout.predict(sample.inputs).scalars, try refined.predict(sample.inputs).scalars)
let plane = 32 * 32
let shownSteps = [0, 4, 9]
let panels = shownSteps.map { t -> [[Double]] in
  let range = (t * plane)..<((t + 1) * plane)
  let (u, r, f) = (truth[range].map(Double.init), byRollout[range].map(Double.init), byRefined[range].map(Double.init))
  return [u, r, f, zip(u, r).map { abs($0 - $1) }]
}
try FieldGrid(
  panels: panels, extent: (32, 32), columnTitles: ["truth ω", "FNO-2D rollout", "FNO-3D refined", "|rollout error|"],
  rowLabels: shownSteps.map { "t = \(stepsIn + $0 + 1)" }, sharedColumns: [0, 1, 2], title: "Navier–Stokes vorticity, test trajectory 0"
).write(to: "\(root)/snapshots.png")
try rollout.writeCheckpoint(to: "\(root)/rollout.safetensors")
try refined.writeCheckpoint(to: "\(root)/space-time-refined.safetensors")
print("wrote \(root)/error-growth.png, \(root)/snapshots.png and the two checkpoints (opkit predict takes them)")
