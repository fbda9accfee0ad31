// MgNO on Darcy problems with Neumann and periodic boundaries: the boundary condition enters the
// network only through the padding of its convolutions (reflect for insulated walls, circular for
// the torus), so the same model class serves every boundary.
//
//   swift run -c release mgno-boundaries [neumann|periodic] [epochs]
//
// The same job from the command line (periodic shown):
//   opkit generate darcy --boundary periodic --resolution 32 --samples 400 --out data/p-train
//   opkit generate darcy --boundary periodic --resolution 32 --samples 100 --seed 1 --out data/p-test
//   opkit train mgno --padding circular --width 16 --layers 4 --data data/p-train --out mgno.safetensors
//   opkit evaluate --model mgno.safetensors --data data/p-test --png eval.png
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let arguments = CommandLine.arguments.dropFirst()
let epochs = arguments.compactMap(Int.init).first ?? 10
let boundaries = arguments.compactMap(DarcyBoundary.init(rawValue:))
let root = "out/examples/mgno-boundaries"

for boundary in boundaries.isEmpty ? [.neumann, .periodic] : boundaries {
  // 1. Data. Neumann: −div(a∇u) = 1 with insulated walls at x = 0, 1 (rows) and u = 0 at
  //    y = 0, 1, on the 33² vertex grid. Periodic: the homogenization corrector, −div(a(e₁ + ∇u)) = 0
  //    on the unit torus with mean(u) = 0, 32² points. The coefficient a ∈ {3, 12} is the usual
  //    thresholded random field.
  let resolution = boundary == .periodic ? 32 : 33
  func dataset(_ name: String, samples: Int, seed: UInt64) throws -> OperatorDataset {
    let directory = "\(root)/\(boundary.rawValue)-\(name)"
    _ = try DarcyDatasetGenerator(
      resolution: resolution, boundary: boundary, samples: samples, seed: seed,
      solver: .independent(boundary == .periodic ? .cholmod : .pcgMultigrid)
    ).generate(in: directory)
    return try OperatorDataset(directory: directory)
  }
  let train = try dataset("train", samples: 400, seed: 0)
  let test = try dataset("test", samples: 100, seed: 1)

  // 2. Model: four nonlinear layers whose linear maps are 4-level V-cycles (one pre- and one
  //    post-smoothing 3×3 convolution per level, strided-convolution restriction,
  //    transposed-convolution prolongation), padded to match the boundary.
  let padding: Tensor.PaddingMode = boundary == .periodic ? .circular : .reflect
  let configuration = MgNOConfiguration(width: 16, layers: 4, paddingMode: padding)
  var generator = SplitMix64(seed: 0)
  let model = MgNO(configuration, using: &generator)
  print("\(boundary.rawValue): MgNO with \(model.parameterCount) parameters, \(padding) padding, \(train.count) samples at \(resolution)²")

  // 3. Training with the shared trainer (Adam 1e-3, step schedule, relative L2 loss).
  var trainer = Trainer(model: model, options: TrainingOptions(epochs: epochs), fittingNormalizersTo: train)
  try trainer.train(on: train, testingOn: test) { event in
    if case .epoch(let e) = event, e.epoch % 5 == 0 || e.epoch == epochs {
      print(String(format: "  epoch %2d  train %.4f  test %.4f  (%.1f s)", e.epoch, e.trainLoss, e.testRelativeL2, e.seconds))
    }
  }
  try trainer.writeCheckpoint(to: "\(root)/mgno-\(boundary.rawValue).safetensors")

  // 4. Evaluation, and a picture of one test sample: truth, prediction, error (top to bottom).
  let evaluation = try trainer.evaluate(test)
  print(String(format: "  test relative L2 %.4f, relative H1 %.4f", evaluation.relativeL2, evaluation.relativeH1))
  let sample = test.subset([0])
  let truth = sample.outputs.scalars.map(Double.init), prediction = try trainer.predict(sample.inputs).scalars.map(Double.init)
  let error = zip(truth, prediction).map { $1 - $0 }
  let png = "\(root)/prediction-\(boundary.rawValue).png"
  try FieldGrid(
    panels: [[truth, prediction, error]], extent: (resolution, resolution), columnTitles: ["truth", "prediction", "error"],
    sharedColumns: [0, 1], title: "MgNO, \(boundary.rawValue) boundary"
  ).write(to: png)
  print("  wrote \(root)/mgno-\(boundary.rawValue).safetensors and \(png) (truth, prediction, error)")
}
