import Datasets
import Foundation
import Layers
import Operators
import Tensors
import TestSupport
import Training
import XCTest

/// The perfect-conductor construction of vector-valued DeepONets: `E_x` vanishes on the walls
/// `y = 0, 1` for any parameters, in every layout, and survives the trainer's normalization.
final class ConductingWallsTests: XCTestCase {
  private let configuration = DeepONetConfiguration(
    sensors: 20, queryDimension: 2, outputs: 2, branchWidths: [6], trunkWidths: [5], basis: 3, activation: .tanh,
    conductingWalls: [1])

  /// Values of channel `channel` of `[B, C, 4, 5]` on the walls `y = 0, 1` (second grid axis).
  private func onWalls(_ y: Tensor, channel: Int) -> [Float] {
    let (channels, sx, sy) = (y.shape[1], y.shape[2], y.shape[3])
    return (0..<y.shape[0]).flatMap { b in
      (0..<sx).flatMap { i in [0, sy - 1].map { j in y.scalars[((b * channels + channel) * sx + i) * sy + j] } }
    }
  }

  func testTangentialComponentVanishesOnTheWallsInEveryLayout() throws {
    var g = SeededGenerator(seed: 3)
    var net = DeepONet(configuration, using: &g)
    net.networks.bias = try Tensor(shape: [2], scalars: [0.7, -0.4])  // a bias alone would break the wall condition
    let x = randomTensor([3, 1, 4, 5], seed: 1)
    let y = try net(x)
    XCTAssertEqual(onWalls(y, channel: 0), Array(repeating: 0, count: 3 * 4 * 2), "E_x on the plates")
    XCTAssertGreaterThan(onWalls(y, channel: 1).map(abs).max()!, 0.01, "E_y (normal) stays free")
    // Interior values equal the unconstrained network's times 4y(1 − y): at (i, j) = (1, 2), y = 1/2.
    var free = configuration
    free.conductingWalls = nil
    var unconstrained = DeepONet(free, using: &g)
    unconstrained.networks = net.networks
    let z = try unconstrained(x)
    XCTAssertEqual(y.scalars[1 * 5 + 2], z.scalars[1 * 5 + 2], accuracy: 1e-6)
    XCTAssertEqual(y.scalars[1 * 5 + 1], z.scalars[1 * 5 + 1] * 4 * 0.25 * 0.75, accuracy: 1e-6)
    // Per-sample and pointwise queries on the plates.
    let points = try Tensor(shape: [3, 2, 2], scalars: [0.3, 0, 0.6, 1, 0.1, 0, 0.9, 1, 0.5, 0, 0.2, 1])
    let perSample = try net(x, queries: points)  // [3, 2, 2]
    for b in 0..<3 { XCTAssertEqual(Array(perSample.scalars[(b * 4)..<(b * 4 + 2)]), [0, 0]) }
    let triples = try net(branchInputs: x.reshaped(to: [3, 20]), queries: try Tensor(shape: [3, 2], scalars: [0.3, 0, 0.6, 1, 0.5, 0.5]))
    XCTAssertEqual([triples.scalars[0], triples.scalars[2]], [0, 0])
    XCTAssertNotEqual(triples.scalars[4], 0)
  }

  func testComplexFieldVanishesOnTheWallsAndGradientsPass() throws {
    var g = SeededGenerator(seed: 4)
    var net = ComplexDeepONet(configuration, using: &g)
    net.networks.bias = try Tensor(shape: [2, 2], scalars: [0.5, 0.2, -0.3, 0.1])
    let x = randomTensor([2, 1, 4, 5], seed: 2)
    let y = try net(x)  // [2, 4, 4, 5]: Re E_x, Im E_x, Re E_y, Im E_y
    XCTAssertEqual(onWalls(y, channel: 0) + onWalls(y, channel: 1), Array(repeating: 0, count: 32))
    XCTAssertGreaterThan(onWalls(y, channel: 2).map(abs).max()!, 0.01)
    try checkGradients([x], tolerance: 2e-2) { try net($0[0]) }
    var real = DeepONet(configuration, using: &g)
    real.networks.bias = try Tensor(shape: [2], scalars: [0.1, 0.2])
    try checkGradients([x], tolerance: 2e-2) { try real($0[0]) }
    try checkParameterGradients(net) { try $0(x).squared().mean() }
  }

  /// With ``DataNormalization/scaledOutputs`` the trainer scales the outputs of a constrained
  /// model without shifting them, so its predictions keep the zeros (a shift by the channel mean
  /// would not).
  func testTrainedPredictionsKeepTheWallCondition() throws {
    var g = SeededGenerator(seed: 5)
    let inputs = randomTensor([8, 1, 4, 5], seed: 6)
    var outputs = randomTensor([8, 4, 4, 5], in: 0.5..<1.5, seed: 7)  // mean far from zero
    outputs = try outputs * (try ComplexDeepONet(configuration, using: &g).wallMask(batch: 8))
    let data = try OperatorDataset(inputs: inputs, outputs: outputs)
    var trainer = Trainer(
      model: ComplexDeepONet(configuration, using: &g), options: TrainingOptions(epochs: 2, batchSize: 4, normalization: .scaledOutputs),
      fittingNormalizersTo: data)
    XCTAssertEqual(trainer.outputNormalizer.mean, [0, 0, 0, 0])
    try trainer.train(on: data, testingOn: data)
    let prediction = try trainer.predict(inputs)
    XCTAssertEqual(onWalls(prediction, channel: 0) + onWalls(prediction, channel: 1), Array(repeating: 0, count: 128))
    XCTAssertNotEqual(
      GaussianNormalizer(fitting: outputs).mean[2], 0, "a centred normalizer would shift the zeros by this mean")
  }

  func testConfigurationsThatCannotHoldTheConditionAreRejected() {
    var scalar = configuration
    scalar.outputs = 1
    XCTAssertThrowsError(try scalar.validate()) { XCTAssertTrue("\($0)".contains("vector field of 2 components"), "\($0)") }
    var axis = configuration
    axis.conductingWalls = [2]
    XCTAssertThrowsError(try axis.validate()) { XCTAssertTrue("\($0)".contains("distinct axes"), "\($0)") }
  }
}

extension ComplexDeepONet {
  /// Ones everywhere except zeros where the constraint forces them (`[B, 2K, 4, 5]`): the
  /// pattern of the model's zeros, read off its output.
  fileprivate func wallMask(batch: Int) throws -> Tensor {
    let y = try self(randomTensor([batch, 1, 4, 5], seed: 99))
    return try Tensor(shape: y.shape, scalars: y.scalars.map { $0 == 0 ? 0 : 1 })
  }
}
