// Train a Fourier Neural Operator on Darcy flow with the library, then evaluate it at the
// training resolution and, zero-shot, at twice that resolution.
//
//   swift run -c release darcy-fno [epochs]
//
// The same job from the command line:
//   opkit generate darcy --resolution 32 --samples 600 --out data/train
//   opkit train fno --data data/train --epochs 20 --out fno.safetensors
//   opkit evaluate --model fno.safetensors --data data/test64 --png eval.png
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let epochs = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 20
let root = "out/examples/darcy-fno"

// 1. Data: a(x) ∈ {3, 12} from a thresholded Gaussian random field, −div(a∇u) = 1, u = 0 on the
//    boundary. Samples depend only on (seed, index), so the sets are reproducible and a rerun
//    reuses finished shards.
func dataset(_ name: String, resolution: Int, samples: Int, seed: UInt64) throws -> OperatorDataset {
  let directory = "\(root)/\(name)"
  _ = try DarcyDatasetGenerator(resolution: resolution, samples: samples, seed: seed).generate(in: directory)
  return try OperatorDataset(directory: directory)
}
let train = try dataset("train32", resolution: 32, samples: 500, seed: 0)
let test = try dataset("test32", resolution: 32, samples: 100, seed: 1)
let test64 = try dataset("test64", resolution: 64, samples: 100, seed: 2)

// 2. Model: the original paper's Darcy FNO (modes 12, width 32, 4 layers; grid coordinates as
//    extra inputs), 2.37M parameters.
var generator = SplitMix64(seed: 0)
let model = FNO(FNOConfiguration(), using: &generator)
print("FNO with \(model.parameterCount) parameters; \(train.count) training samples at 32x32")

// 3. Training: Adam 1e-3, weight decay 1e-4, learning rate halved every epochs/5 epochs, batch 20,
//    relative L2 loss; inputs and outputs Gaussian-normalized with training-set statistics.
var trainer = Trainer(model: model, options: TrainingOptions(epochs: epochs), fittingNormalizersTo: train)
try trainer.train(on: train, testingOn: test) { event in
  if case .epoch(let e) = event {
    print(String(format: "epoch %2d  train %.4f  test %.4f  (%.1f s)", e.epoch, e.trainLoss, e.testRelativeL2, e.seconds))
  }
}
try trainer.writeCheckpoint(to: "\(root)/fno.safetensors")

// 4. Evaluation at 32x32 and at 64x64: the spectral weights live on Fourier modes, so the same
//    model applies on the finer grid without retraining.
for (name, data) in [("32x32", test), ("64x64 (zero-shot)", test64)] {
  let e = try trainer.evaluate(data)
  print(String(format: "test at %@: relative L2 %.4f, relative H1 %.4f", name, e.relativeL2, e.relativeH1))
}

// 5. A picture of one 64x64 prediction next to the truth.
let sample = test64.subset([0])
let prediction = try trainer.predict(sample.inputs)
let (truth, predicted) = (sample.outputs.scalars.map(Double.init), prediction.scalars.map(Double.init))
try FieldGrid(
  panels: [[truth, predicted, zip(truth, predicted).map { abs($0 - $1) }]], extent: (64, 64),
  columnTitles: ["truth", "prediction", "|error|"], sharedColumns: [0, 1], title: "FNO trained at 32², evaluated at 64²"
).write(to: "\(root)/prediction64.png")
print("wrote \(root)/fno.safetensors and \(root)/prediction64.png (truth, prediction, |error|)")
