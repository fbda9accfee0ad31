import Foundation
import Layers
import Tensors
import TestSupport
import Training
import XCTest

/// A one-parameter module for checking update rules by hand.
private struct Scalar: Module {
  var value: Tensor
  func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows { try visit("value", value) }
  mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows { try update("value", &value) }
}

final class OptimizerTests: XCTestCase {
  func testAdamAndSGDStepsMatchTheirFormulas() throws {
    var module = Scalar(value: Tensor(2))
    var adam = Adam(learningRate: 0.1)
    try adam.step(&module, gradients: ["value": Tensor(3)])
    // First step: m̂ = g, v̂ = g², so θ ← θ − η·g/(|g| + ε) = 2 − 0.1.
    XCTAssertEqual(module.value.scalar, 1.9, accuracy: 1e-6)
    var decayed = Scalar(value: Tensor(2))
    var adamW = Adam.adamW(learningRate: 0.1, weightDecay: 0.5)
    try adamW.step(&decayed, gradients: ["value": Tensor(3)])
    XCTAssertEqual(decayed.value.scalar, 2 - 0.1 * 0.5 * 2 - 0.1, accuracy: 1e-6)
    var sgd = SGD(learningRate: 0.1, momentum: 0.9)
    var s = Scalar(value: Tensor(2))
    try sgd.step(&s, gradients: ["value": Tensor(1)])
    try sgd.step(&s, gradients: ["value": Tensor(1)])
    XCTAssertEqual(s.value.scalar, 2 - 0.1 * 1 - 0.1 * 1.9, accuracy: 1e-6)
    XCTAssertThrowsError(try sgd.step(&s, gradients: ["value": Tensor(zeros: [2])]))
  }

  func testAnMLPFitsAKnownTarget() throws {
    var g = SeededGenerator(seed: 3)
    var model = MLP(widths: [1, 32, 32, 1], activation: .tanh, using: &g)
    let xs = (0..<64).map { Float($0) / 63 * 2 * .pi - .pi }
    let x = try Tensor(shape: [64, 1], scalars: xs)
    let y = try Tensor(shape: [64, 1], scalars: xs.map { sin($0) })
    var optimizer = Adam(learningRate: 1e-2)
    var first: Float = 0, last: Float = 0
    for step in 0..<600 {
      let (loss, gradients) = try model.valueWithGradients { try Loss.meanSquaredError($0(x), y) }
      if step == 0 { first = loss }
      last = loss
      try optimizer.step(&model, gradients: gradients)
    }
    XCTAssertLessThan(last, 1e-3, "MSE after 600 Adam steps (started at \(first))")
    XCTAssertLessThan(last, first / 100)
  }
}

/// Two convolutions with a nonlinearity between them.
private struct SmallCNN: Module {
  var first: Conv
  var second: Conv

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

final class CNNTrainingTests: XCTestCase {
  func testASmallCNNLearnsAPeriodicLaplacian() throws {
    // Target: the 5-point Laplacian stencil with periodic boundaries, a linear map a CNN with
    // circular padding can represent exactly.
    var g = SeededGenerator(seed: 7)
    var model = SmallCNN(
      first: Conv(inputChannels: 1, outputChannels: 8, kernel: [3, 3], padding: [1, 1], paddingMode: .circular, using: &g),
      second: Conv(inputChannels: 8, outputChannels: 1, kernel: [1, 1], using: &g))
    let stencil = try Tensor(shape: [1, 1, 3, 3], scalars: [0, 1, 0, 1, -4, 1, 0, 1, 0])
    let x = randomTensor([8, 1, 12, 12], seed: 8)
    let y = try x.padded([(1, 1), (1, 1)], mode: .circular).convolved(with: stencil)
    var optimizer = Adam(learningRate: 1e-2)
    var first: Float = 0, last: Float = 0
    for step in 0..<300 {
      let (loss, gradients) = try model.valueWithGradients { try Loss.relativeL2($0(x), y) }
      if step == 0 { first = loss }
      last = loss
      try optimizer.step(&model, gradients: gradients)
    }
    XCTAssertLessThan(last, 0.05, "relative L2 after 300 steps (started at \(first))")
  }

  /// Checkpoints written before the loss was selectable decode as relative-L2 runs.
  func testOptionsWithoutALossDecodeAsRelativeL2() throws {
    let old = #"{"epochs": 3, "batchSize": 20, "learningRate": 0.001, "weightDecay": 0.0001, "schedule": "step", "seed": 0}"#
    let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(old.utf8))
    XCTAssertEqual(options, TrainingOptions(epochs: 3))
    let mse = TrainingOptions(epochs: 3, loss: .mse)
    XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(mse)), mse)
  }
}
