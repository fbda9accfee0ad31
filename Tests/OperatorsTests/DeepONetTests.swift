import Datasets
import Foundation
import Layers
import Operators
import PDEData
import Tensors
import TestSupport
import Training
import XCTest

final class DeepONetTests: XCTestCase {
  private func model(outputs: Int = 2, sensors: Int = 6, dimension: Int = 1, seed: UInt64 = 1) -> DeepONet {
    var g = SeededGenerator(seed: seed)
    return DeepONet(
      DeepONetConfiguration(
        sensors: sensors, queryDimension: dimension, outputs: outputs, branchWidths: [5], trunkWidths: [4, 4], basis: 3,
        activation: .tanh), using: &g)
  }

  func testParameterCountAndGradientsInBothLayouts() throws {
    let net = model()
    // Branch 6→5→6, trunk 1→4→4→6 (K·p = 2·3), output bias 2.
    XCTAssertEqual(net.parameterCount, (6 * 5 + 5 + 5 * 6 + 6) + (4 + 4 + 16 + 4 + 4 * 6 + 6) + 2)
    try checkGradients([randomTensor([3, 1, 6], seed: 2)], tolerance: 2e-2) { try net($0[0]) }
    try checkGradients([randomTensor([4, 6], seed: 3), randomTensor([4, 1], seed: 4)], tolerance: 2e-2) {
      try net(branchInputs: $0[0], queries: $0[1])
    }
    let x = randomTensor([3, 1, 6], seed: 5)
    try checkParameterGradients(net) { try $0(x).squared().mean() }
  }

  /// The Cartesian layout (one batched product) equals the pointwise layout queried at every
  /// grid point — on a 2D grid with two output components.
  func testCartesianAndPointwiseLayoutsAgree() throws {
    let net = model(outputs: 2, sensors: 12, dimension: 2)
    let x = randomTensor([2, 1, 3, 4], seed: 6)
    let grid = try net(x)
    XCTAssertEqual(grid.shape, [2, 2, 3, 4])
    let points = try DeepONet.gridCoordinates([3, 4])
    XCTAssertEqual(Array(points.scalars[(5 * 2)..<(6 * 2)]), [0.5, 1.0 / 3.0], "point 5 is (1/2, 1/3)")
    for sample in 0..<2 {
      let u = try x.rows([sample]).reshaped(to: [1, 12]).broadcasted(to: [12, 12])
      let pointwise = try net(branchInputs: u, queries: points)  // [12 points, 2 outputs]
      for k in 0..<2 {
        for q in 0..<12 {
          XCTAssertEqual(pointwise.scalars[q * 2 + k], grid.scalars[(sample * 2 + k) * 12 + q], accuracy: 1e-5)
        }
      }
    }
    // The same network on another query grid: the trunk at the new points.
    let fine = net.querying([5, 2])
    let y = try fine(x)
    XCTAssertEqual(y.shape, [2, 2, 5, 2])
    let finePoints = try DeepONet.gridCoordinates([5, 2])
    let u0 = try x.rows([0]).reshaped(to: [1, 12]).broadcasted(to: [10, 12])
    let atPoints = try fine(branchInputs: u0, queries: finePoints)
    for q in 0..<10 { XCTAssertEqual(atPoints.scalars[q * 2 + 1], y.scalars[1 * 10 + q], accuracy: 1e-5) }
    XCTAssertThrowsError(try net(randomTensor([2, 1, 4, 4], seed: 7))) { error in
      XCTAssertTrue("\(error)".contains("12 sensors"), "\(error)")
    }
  }

  /// Per-sample query points: the batched product equals the triple layout sample by sample, and
  /// its gradients check.
  func testPerSampleQueriesMatchTheTripleLayout() throws {
    let net = model(outputs: 2, sensors: 6, dimension: 1)
    let x = randomTensor([3, 1, 6], seed: 11), points = randomTensor([3, 4, 1], seed: 12)
    let y = try net(x, queries: points)
    XCTAssertEqual(y.shape, [3, 2, 4])
    for sample in 0..<3 {
      let u = try x.rows([sample]).reshaped(to: [1, 6]).broadcasted(to: [4, 6])
      let triples = try net(branchInputs: u, queries: points.rows([sample]).reshaped(to: [4, 1]))  // [4, 2]
      for q in 0..<4 {
        for k in 0..<2 { XCTAssertEqual(y.scalars[(sample * 2 + k) * 4 + q], triples.scalars[q * 2 + k], accuracy: 1e-5) }
      }
    }
    try checkGradients([x, points], tolerance: 2e-2) { try net($0[0], queries: $0[1]) }
    var g = SeededGenerator(seed: 13)
    let fno = FNO(FNOConfiguration(modes: [2], width: 4, layers: 1, projection: 4), using: &g)
    XCTAssertThrowsError(try fno(randomTensor([1, 1, 8], seed: 14), queries: points)) { error in
      XCTAssertTrue("\(error)".contains("no per-sample query points"), "\(error)")
    }
  }

  /// Unaligned data as the DeepONet paper trains it — every function observed at its own random
  /// points — with the MSE loss; evaluated on the full grid of unseen functions.
  func testUnalignedTrainingWithMSELossGeneralizesToTheGrid() throws {
    let directory = temporaryDirectory("deeponet-unaligned")
    let trainPath = directory.appendingPathComponent("train").path, testPath = directory.appendingPathComponent("test").path
    try AntiderivativeDatasetGenerator(queryPoints: 5, randomQueries: true, samples: 600, seed: 0).generate(in: trainPath)
    try AntiderivativeDatasetGenerator(samples: 200, seed: 1).generate(in: testPath)
    let (train, test) = (try OperatorDataset(directory: trainPath), try OperatorDataset(directory: testPath))
    XCTAssertEqual(train.queries?.shape, [600, 5, 1])
    XCTAssertEqual(train.subset([3, 1]).queries?.scalars, try XCTUnwrap(train.queries).rows([3, 1]).scalars)
    var g = SeededGenerator(seed: 15)
    let net = DeepONet(DeepONetConfiguration(sensors: 100, queryDimension: 1), using: &g)
    var trainer = Trainer(model: net, options: TrainingOptions(epochs: 40, loss: .mse), fittingNormalizersTo: train)
    let before = try trainer.evaluate(test).mse
    try trainer.train(on: train, testingOn: test)
    let after = try trainer.evaluate(test)
    let baseline = try meanPredictorErrors(train: test.outputs, test: test.outputs).mse
    XCTAssertLessThan(after.mse, before / 50, "grid test MSE \(before) → \(after.mse)")
    XCTAssertLessThan(after.mse, baseline / 20, "grid test MSE \(after.mse) against the mean predictor's \(baseline)")
    XCTAssertTrue(try trainer.evaluate(train).relativeH1.isNaN, "no H1 norm on scattered points")
  }

  /// New configurations start as the paper (Glorot normal); a configuration stored before the
  /// choice existed decodes without it and builds the uniform-initialized network it was.
  func testConfigurationsWithoutAnInitializationAreUniform() throws {
    let configuration = DeepONetConfiguration(sensors: 10, queryDimension: 1)
    XCTAssertEqual(configuration.initialization, .glorotNormal)
    var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any])
    XCTAssertEqual(json.removeValue(forKey: "initialization") as? String, "glorot-normal")
    let stored = try JSONDecoder().decode(DeepONetConfiguration.self, from: JSONSerialization.data(withJSONObject: json))
    XCTAssertNil(stored.initialization)
    var uniform = configuration
    uniform.initialization = .uniform
    var (g1, g2, g3) = (SeededGenerator(seed: 3), SeededGenerator(seed: 3), SeededGenerator(seed: 3))
    let (old, explicit, paper) = (DeepONet(stored, using: &g1), DeepONet(uniform, using: &g2), DeepONet(configuration, using: &g3))
    XCTAssertEqual(old.parameters, explicit.parameters)
    XCTAssertNotEqual(old.parameters, paper.parameters)
    XCTAssertTrue(paper.parameters["trunk.layers.0.bias"]!.scalars.allSatisfy { $0 == 0 })
  }

  /// The paper's antiderivative network, trained briefly by the shared trainer, learns the
  /// operator to a small test error (the full-length figure is in the README).
  func testTheAntiderivativeIsLearned() throws {
    let directory = temporaryDirectory("deeponet-antiderivative")
    let trainPath = directory.appendingPathComponent("train").path, testPath = directory.appendingPathComponent("test").path
    try AntiderivativeDatasetGenerator(samples: 150, seed: 0).generate(in: trainPath)
    try AntiderivativeDatasetGenerator(samples: 200, seed: 1).generate(in: testPath)
    let (train, test) = (try OperatorDataset(directory: trainPath), try OperatorDataset(directory: testPath))
    var g = SeededGenerator(seed: 8)
    let net = DeepONet(DeepONetConfiguration(sensors: 100, queryDimension: 1), using: &g)
    var trainer = Trainer(model: net, options: TrainingOptions(epochs: 150), fittingNormalizersTo: train)
    let before = try trainer.evaluate(test).mse
    try trainer.train(on: train, testingOn: test)
    let after = try trainer.evaluate(test)
    let baseline = try meanPredictorErrors(train: train.outputs, test: test.outputs).mse
    XCTAssertLessThan(after.mse, 1e-3, "test MSE \(before) → \(after.mse)")
    XCTAssertLessThan(after.mse, before / 50)
    XCTAssertLessThan(after.mse, baseline / 50, "test MSE \(after.mse) against the mean predictor's \(baseline)")
  }
}

final class ComplexDeepONetTests: XCTestCase {
  private let configuration = DeepONetConfiguration(
    sensors: 5, queryDimension: 1, outputs: 2, branchWidths: [4], trunkWidths: [3], basis: 3, activation: .tanh)

  func testGradientsThroughTheComplexForwardPass() throws {
    var g = SeededGenerator(seed: 1)
    let net = ComplexDeepONet(configuration, using: &g)
    // Complex parameters count twice: branch 5→4→6, trunk 1→3→6, bias 2.
    XCTAssertEqual(net.parameterCount, 2 * ((5 * 4 + 4 + 4 * 6 + 6) + (3 + 3 + 3 * 6 + 6) + 2))
    XCTAssertEqual(try net(randomTensor([3, 1, 5], seed: 2)).shape, [3, 4, 5])
    try checkGradients([randomTensor([3, 1, 5], seed: 2)], tolerance: 2e-2) { try net($0[0]) }
    let x = randomTensor([3, 1, 5], seed: 3)
    try checkParameterGradients(net) { try $0(x).squared().mean() }
  }

  /// With every imaginary part set to zero the complex network is the real DeepONet with the same
  /// weights (split activations act on the real parts alone), and its imaginary channels vanish.
  func testWithRealParametersItIsTheRealDeepONet() throws {
    var g = SeededGenerator(seed: 4)
    var complex = ComplexDeepONet(configuration, using: &g)
    var real = DeepONet(configuration, using: &g)
    // Real weights [out, in] ↔ complex weights [in, out, (re, im)].
    let realParameters = real.parameters
    complex.updateParameters { path, p in
      let r = realParameters[path]!
      let values = path.hasSuffix("weight") ? try! r.transposed().scalars : r.scalars
      p = try! Tensor(shape: p.shape, scalars: values.flatMap { [$0, 0] })
    }
    real.networks.bias = try Tensor(shape: [2], scalars: [0.3, -0.2])
    complex.networks.bias = try Tensor(shape: [2, 2], scalars: [0.3, 0, -0.2, 0])
    let x = randomTensor([2, 1, 5], seed: 5)
    let (y, z) = (try real(x), try complex(x))  // [2, 2, 5] and [2, 4, 5]
    for b in 0..<2 {
      for k in 0..<2 {
        for q in 0..<5 {
          XCTAssertEqual(z.scalars[(b * 4 + 2 * k) * 5 + q], y.scalars[(b * 2 + k) * 5 + q], accuracy: 1e-5)
          XCTAssertEqual(z.scalars[(b * 4 + 2 * k + 1) * 5 + q], 0, accuracy: 1e-6)
        }
      }
    }
  }
}
