// Learn the solution operator of viscous Burgers, u₀ ↦ u(·, 1), with the FNO paper's 1D model,
// then apply it, zero-shot, on a grid four times coarser than the one it was trained on.
//
//   swift run -c release burgers-fno [epochs]
//
// The same job from the command line (the README's table: 1000 / 100 samples solved on 8192
// points, stored at 1024):
//   opkit generate burgers --samples 1000 --seed 0 --out data/burgers-train
//   opkit generate burgers --samples 100 --seed 1 --out data/burgers-test
//   opkit train fno --data data/burgers-train --test-data data/burgers-test --modes 16 --width 64 \
//     --normalization none --epochs 50 --out fno1d.safetensors
//   opkit predict --model fno1d.safetensors --input data/burgers-test --out u1.npy
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let epochs = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 30
let root = "out/examples/burgers-fno"

// 1. Data: u_t + (u²/2)_x = 0.1 u_xx on the periodic unit interval, u₀ ~ N(0, 625(−Δ + 25)⁻²),
//    solved pseudo-spectrally with ETDRK4 on 2048 points to t = 1. The initial condition of
//    sample i depends only on (seed, i) on the solver grid, so the 256-point test set holds the
//    same trajectories as the 1024-point one, every fourth point. Reruns reuse finished shards.
func dataset(_ name: String, resolution: Int, samples: Int, seed: UInt64) throws -> OperatorDataset {
  let problem = try BurgersProblem(viscosity: 0.1, resolution: resolution, solverResolution: 2048, time: 1)
  let directory = "\(root)/\(name)"
  _ = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: seed, shardSize: 50).generate(in: directory)
  return try OperatorDataset(directory: directory)  // one snapshot: u₀ in, u(·, 1) out
}
let train = try dataset("train1024", resolution: 1024, samples: 300, seed: 0)
let test = try dataset("test1024", resolution: 1024, samples: 50, seed: 1)
let test256 = try dataset("test256", resolution: 256, samples: 50, seed: 1)

// 2. Model: the paper's fourier_1d network (modes 16, width 64, four Fourier layers, x appended
//    as an input channel), 549,569 parameters.
var generator = SplitMix64(seed: 0)
let model = FNO(FNOConfiguration(modes: [16], width: 64), using: &generator)
print("FNO-1D with \(model.parameterCount) parameters; \(train.count) training samples on 1024 points")

// 3. Training: Adam 1e-3, weight decay 1e-4, rate halved every epochs/5, batch 20, relative L2
//    loss on raw data (as the paper's script: Burgers fields need no normalizer).
var trainer = Trainer(model: model, options: TrainingOptions(epochs: epochs, normalization: .none), fittingNormalizersTo: train)
var history = [(train: Double, test: Double)]()
try trainer.train(on: train, testingOn: test) { event in
  if case .epoch(let e) = event {
    history.append((e.trainLoss, e.testRelativeL2))
    print(String(format: "epoch %2d  train %.4f  test %.4f  (%.1f s)", e.epoch, e.trainLoss, e.testRelativeL2, e.seconds))
  }
}
try trainer.writeCheckpoint(to: "\(root)/fno1d.safetensors")

// 4. Test error on the training grid and, zero-shot, on the 256-point grid: the spectral weights
//    act on the lowest 16 modes, which both grids resolve.
for (name, data) in [("1024 points", test), ("256 points (zero-shot)", test256)] {
  print(String(format: "test on %@: relative L2 %.4f", name, try trainer.evaluate(data).relativeL2))
}

// 5. Pictures: the learning curves, and one test sample on the coarse grid: its initial
//    condition, then the solver's u(·, 1) beside the prediction (ν = 0.1 damps u₀ about
//    fiftyfold by t = 1, so each gets its own chart).
try LineChart(
  [
    .init(values: history.map(\.train), label: "train", colour: Colour.cycle[0]),
    .init(values: history.map(\.test), label: "test", colour: Colour.cycle[1]),
  ], title: "FNO-1D on Burgers ν = 0.1", xLabel: "epoch", yLabel: "relative L2", yScale: .logarithmic
).write(to: "\(root)/training.png")
let sample = test256.subset([0])
let x = (0..<256).map { Double($0) / 256 }
try LineChart(
  [.init(values: sample.inputs.scalars.map(Double.init), label: "u₀", colour: Colour.cycle[2])],
  title: "Burgers test sample 0: initial condition", xLabel: "x", yLabel: "u(x, 0)", x: x
).write(to: "\(root)/initial256.png")
try LineChart(
  [
    .init(values: sample.outputs.scalars.map(Double.init), label: "solver (ETDRK4)", colour: Colour.cycle[0]),
    .init(values: try trainer.predict(sample.inputs).scalars.map(Double.init), label: "FNO", colour: Colour.cycle[1], dashed: true),
  ], title: "Burgers test sample 0 at t = 1 on 256 points (trained on 1024)", xLabel: "x", yLabel: "u(x, 1)", x: x
).write(to: "\(root)/prediction256.png")
print("wrote \(root)/fno1d.safetensors, training.png, initial256.png and prediction256.png")
