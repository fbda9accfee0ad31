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
