// The tensor core in one page: a model as a Module, gradients from the tape, Adam, and a
// checkpoint saved and loaded as .safetensors.
//
//   swift run -c release train-cnn
//
// The CNN learns the periodic 5-point Laplacian from random fields.
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

/// Two convolutions with circular padding (periodic boundaries) and a GELU between them.
struct LaplacianNet: Module {
  var first: Conv
  var second: Conv

  init(seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    first = Conv(inputChannels: 1, outputChannels: 8, kernel: [3, 3], padding: [1, 1], paddingMode: .circular, using: &generator)
    second = Conv(inputChannels: 8, outputChannels: 1, kernel: [1, 1], using: &generator)
  }

  func callAsFunction(_ x: Tensor) throws -> Tensor { try second(first(x).gelu()) }

  func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try first.visitParameters { try visit(parameterPath("first", $0), $1) }
    try second.visitParameters { try visit(parameterPath("second", $0), $1) }
  }

  mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try first.updateParameters { try update(parameterPath("first", $0), &$1) }
    try second.updateParameters { try update(parameterPath("second", $0), &$1) }
  }
}

// Data: random fields and their periodic Laplacians.
var generator = SplitMix64(seed: 1)
let inputs = Initializer.uniform(shape: [32, 1, 24, 24], bound: 1, using: &generator)
let stencil = try Tensor(shape: [1, 1, 3, 3], scalars: [0, 1, 0, 1, -4, 1, 0, 1, 0])
let targets = try inputs.padded([(1, 1), (1, 1)], mode: .circular).convolved(with: stencil)

var model = LaplacianNet(seed: 2)
var optimizer = Adam(learningRate: 1e-2)
let schedule = CosineAnnealing(initial: 1e-2, total: 400, minimum: 1e-4)
print("\(model.parameterCount) parameters")
for step in 0..<400 {
  optimizer.learningRate = schedule.learningRate(epoch: step)
  let (loss, gradients) = try model.valueWithGradients { try Loss.relativeL2($0(inputs), targets) }
  try optimizer.step(&model, gradients: gradients)
  if step % 50 == 0 || step == 399 { print(String(format: "step %3d  relative L2 %.4f", step, loss)) }
}

// Save, load into a fresh model, and check it predicts the same.
try FileManager.default.createDirectory(atPath: "out/examples", withIntermediateDirectories: true)
try SafetensorsFile(tensors: model.parameters, metadata: ["example": "train-cnn"]).write(to: "out/examples/laplacian.safetensors")
var restored = LaplacianNet(seed: 99)
try restored.loadParameters(SafetensorsFile(contentsOf: "out/examples/laplacian.safetensors").tensors)
let same = try model(inputs) == restored(inputs)
print("checkpoint out/examples/laplacian.safetensors reloads to identical predictions: \(same)")
