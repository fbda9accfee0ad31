import Datasets
import Foundation
import Layers
import Operators
import PDEData
import Tensors
import TestSupport
import Training
import XCTest

/// The shared trainer on a small Darcy set from the dataset generator (the same code path as
/// `opkit generate darcy`).
final class TrainerTests: XCTestCase {
  private static let directory = temporaryDirectory("trainer-tests")

  /// 60 Darcy samples at 16×16, generated once.
  private static let darcy: OperatorDataset = {
    let path = directory.appendingPathComponent("darcy16").path
    // Safe in tests: the parameters are valid; a failure here fails every test that uses it.
    _ = try! DarcyDatasetGenerator(resolution: 16, samples: 60, seed: 3).generate(in: path)
    return try! OperatorDataset(directory: path)
  }()

  private let small = FNOConfiguration(modes: [4, 4], width: 8, layers: 2, projection: 16)

  func testTrainingLowersTheTestErrorWellBelowTheMeanPredictor() throws {
    let (train, test) = TrainerTests.darcy.split(testFraction: 0.2, seed: 1)
    XCTAssertEqual((train.count, test.count).0, 48)
    XCTAssertEqual(test.count, 12)
    var g = SplitMix64(seed: 4)
    var trainer = Trainer(
      model: FNO(small, using: &g), options: TrainingOptions(epochs: 60, batchSize: 4, learningRate: 5e-3), fittingNormalizersTo: train)
    var events = 0
    try trainer.train(on: train, testingOn: test, monitor: { _ in events += 1 })
    XCTAssertEqual(events, 60 * (12 + 1), "one event per batch and per epoch")
    // Predicting the training mean has a relative error near 1 - (its share of the norm); a
    // trained operator is far below.
    let mean = try train.outputs.mean(alongAxes: [0], keepingAxes: true)
    let meanError = try Loss.relativeL2(mean.broadcasted(to: test.outputs.shape), test.outputs).scalar
    let final = trainer.history.last!.testRelativeL2
    XCTAssertLessThan(final, 0.4 * Double(meanError), "test relative L2 \(final) vs mean predictor \(meanError)")
    XCTAssertLessThan(trainer.history.last!.trainLoss, trainer.history.first!.trainLoss / 2)
    XCTAssertEqual(trainer.history.map(\.learningRate)[0], 5e-3)
    XCTAssertEqual(trainer.history.map(\.learningRate)[59], 5e-3 / 16, "halved every epochs/5 = 12 epochs")
  }

  func testDataParallelShardsGiveTheSameStepAsOneWorker() throws {
    let batch = TrainerTests.darcy.subset(Array(0..<8))
    var g = SplitMix64(seed: 5)
    let model = FNO(small, using: &g)
    let losses = try [1, 2].map { workers -> (Float, [String: Tensor]) in
      try withWorkerCount(workers) {
        var trainer = Trainer(model: model, options: TrainingOptions(epochs: 1), fittingNormalizersTo: TrainerTests.darcy)
        let loss = try trainer.step(inputs: batch.inputs, targets: batch.outputs)
        return (loss, trainer.model.parameters)
      }
    }
    assertClose(Double(losses[0].0), Double(losses[1].0), rtol: 1e-5)
    for (path, parameter) in losses[0].1 {
      assertClose(parameter.scalars.map(Double.init), losses[1].1[path]!.scalars.map(Double.init), rtol: 0, atol: 1e-6, path)
    }
  }

  func testAResumedRunEqualsAnUninterruptedOne() throws {
    let (train, test) = TrainerTests.darcy.split(testFraction: 0.2, seed: 2)
    let options = TrainingOptions(epochs: 4, batchSize: 10, seed: 9)
    var g = SplitMix64(seed: 6)
    let checkpoint = TrainerTests.directory.appendingPathComponent("resume.safetensors").path
    try assertResumedTrainingEqualsUninterrupted(FNO(small, using: &g), options: options, train: train, test: test, checkpoint: checkpoint)
  }

  /// Early stopping on a validation set whose targets are the negated training targets: the
  /// better the model fits the training set, the worse it does there, so after the first epoch
  /// the validation loss only rises. Training stops after `1 + patience` epochs, restores the
  /// first epoch's parameters, and a checkpoint written mid-run resumes to the same end.
  func testEarlyStoppingStopsAfterPatienceAndRestoresTheBestEpoch() throws {
    let (train, test) = TrainerTests.darcy.split(testFraction: 0.2, seed: 5)
    let contrary = try OperatorDataset(inputs: train.inputs, outputs: train.outputs * Tensor(repeating: -1, shape: [1]))
    let options = TrainingOptions(epochs: 20, batchSize: 8, learningRate: 5e-3, seed: 3, patience: 2)
    var g = SplitMix64(seed: 8)
    var trainer = Trainer(model: FNO(small, using: &g), options: options, fittingNormalizersTo: train)
    var afterFirstEpoch: [String: Tensor]?
    try trainer.train(
      on: train, testingOn: test, validatingOn: contrary,
      afterEpoch: { trainer in if trainer.history.count == 1 { afterFirstEpoch = trainer.model.parameters } })
    let losses = trainer.history.map { $0.validationLoss ?? .nan }
    XCTAssertEqual(trainer.history.count, 3, "stops once 2 epochs in a row miss the first one's validation loss: \(losses)")
    XCTAssertTrue(losses[1] > losses[0] && losses[2] > losses[0], "\(losses)")
    XCTAssertEqual(trainer.epochsWithoutImprovement, 2)
    for (path, value) in try XCTUnwrap(afterFirstEpoch) {
      XCTAssertEqual(trainer.model.parameters[path]?.scalars, value.scalars, "the first epoch's \(path) is restored")
    }
    // The restored model is the one whose validation loss was recorded.
    XCTAssertEqual(try trainer.evaluate(contrary).relativeL2, losses[0], accuracy: 1e-9 * losses[0])

    // Without a validation set the option changes nothing: all 20 epochs run.
    var g2 = SplitMix64(seed: 8)
    var plain = Trainer(
      model: FNO(small, using: &g2), options: TrainingOptions(epochs: 4, batchSize: 8, patience: 1), fittingNormalizersTo: train)
    try plain.train(on: train, testingOn: test)
    XCTAssertEqual(plain.history.count, 4)

    // Interrupted after its second epoch (the best parameters live in the checkpoint under
    // `best.`) and resumed: the same history and the same restored model.
    let checkpoint = TrainerTests.directory.appendingPathComponent("early.safetensors").path
    var g3 = SplitMix64(seed: 8)
    var first = Trainer(model: FNO(small, using: &g3), options: options, fittingNormalizersTo: train)
    struct Interrupt: Error {}
    XCTAssertThrowsError(
      try first.train(
        on: train, testingOn: test, validatingOn: contrary,
        afterEpoch: { trainer in
          try trainer.writeCheckpoint(to: checkpoint)
          if trainer.history.count == 2 { throw Interrupt() }
        }))
    var resumed = try Trainer<FNO>(checkpointAt: checkpoint)
    XCTAssertNotNil(resumed.bestParameters)
    try resumed.train(on: train, testingOn: test, validatingOn: contrary)
    XCTAssertEqual(resumed.history.count, trainer.history.count)
    assertClose(resumed.history.map { $0.validationLoss ?? .nan }, losses, rtol: 1e-6, atol: 0, "validation losses")
    for (path, value) in trainer.model.parameters {
      assertClose(
        try XCTUnwrap(resumed.model.parameters[path]).scalars.map(Double.init), value.scalars.map(Double.init), rtol: 0, atol: 1e-6, path)
    }
  }

  func testCorruptCheckpointsAndBadDatasetsAreNamedErrors() throws {
    let dir = TrainerTests.directory
    var g = SplitMix64(seed: 7)
    let trainer = Trainer(model: FNO(small, using: &g), options: TrainingOptions(epochs: 1), fittingNormalizersTo: TrainerTests.darcy)
    let good = dir.appendingPathComponent("good.safetensors").path
    try trainer.writeCheckpoint(to: good)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: good))
    let truncated = dir.appendingPathComponent("truncated.safetensors").path
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
    XCTAssertThrowsError(try Trainer<FNO>(checkpointAt: truncated)) { XCTAssertTrue("\($0)".contains("truncated.safetensors"), "\($0)") }
    bytes[9] = UInt8(ascii: "#")  // break the JSON header
    let garbled = dir.appendingPathComponent("garbled.safetensors").path
    try bytes.write(to: URL(fileURLWithPath: garbled))
    XCTAssertThrowsError(try Trainer<FNO>(checkpointAt: garbled)) { XCTAssertTrue("\($0)".contains("garbled.safetensors"), "\($0)") }
    let foreign = dir.appendingPathComponent("foreign.safetensors").path
    try SafetensorsFile(tensors: ["w": Tensor(flat: [1])]).write(to: foreign)
    XCTAssertThrowsError(try Trainer<FNO>(checkpointAt: foreign)) {
      XCTAssertTrue("\($0)".contains("not an OperatorKit training checkpoint"), "\($0)")
    }
  }

  /// A checkpoint loads for inference without a trainer, through the registry of kinds; an
  /// invalid configuration, another kind, or an unknown kind is an error naming the file.
  func testCheckpointsLoadForInferenceAndInvalidConfigurationsAreNamedErrors() throws {
    let dir = TrainerTests.directory
    var g = SplitMix64(seed: 8)
    let trainer = Trainer(model: FNO(small, using: &g), options: TrainingOptions(epochs: 1), fittingNormalizersTo: TrainerTests.darcy)
    let good = dir.appendingPathComponent("inference.safetensors").path
    try trainer.writeCheckpoint(to: good)
    let registry = ModelRegistry([FNO.self, MgNO.self])
    let loaded = try registry.load(checkpointAt: good)
    XCTAssertEqual(loaded.kind, "fno")
    let x = TrainerTests.darcy.subset([0, 1]).inputs
    XCTAssertEqual(try loaded.predict(x, queries: nil).scalars, try trainer.predict(x).scalars)
    XCTAssertEqual(try TrainedModel<FNO>(checkpointAt: good).model.parameters, trainer.model.parameters)
    XCTAssertThrowsError(try TrainedModel<MgNO>(checkpointAt: good)) {
      XCTAssertTrue("\($0)".contains("inference.safetensors: holds a 'fno' model, expected 'mgno'"), "\($0)")
    }
    XCTAssertThrowsError(try ModelRegistry([MgNO.self]).load(checkpointAt: good)) {
      XCTAssertTrue("\($0)".contains("unknown model kind 'fno' (known: mgno)"), "\($0)")
    }
    // The configuration is validated before any layer is built: modes 0 would trap in FFT set-up.
    var file = try SafetensorsFile(contentsOf: good)
    file.metadata["configuration"] = file.metadata["configuration"]!.replacingOccurrences(of: "\"modes\":[4,4]", with: "\"modes\":[0,0]")
    let invalid = dir.appendingPathComponent("invalid.safetensors").path
    try file.write(to: invalid)
    for load in [{ _ = try TrainedModel<FNO>(checkpointAt: invalid) }, { _ = try registry.load(checkpointAt: invalid) }] {
      XCTAssertThrowsError(try load()) {
        XCTAssertTrue("\($0)".contains("invalid.safetensors: invalid configuration: fno configuration: modes must be at least 1"), "\($0)")
      }
    }
  }

  func testGaussianNormalizerRoundTripsAndFitsPerChannel() throws {
    let data = try Tensor(shape: [2, 2, 3], scalars: [1, 2, 3, 10, 10, 10, 3, 4, 5, 10, 10, 10])
    let normalizer = GaussianNormalizer(fitting: data)
    XCTAssertEqual(normalizer.mean, [3, 10])
    XCTAssertEqual(Double(normalizer.standardDeviation[0]), (10.0 / 6).squareRoot(), accuracy: 1e-6)
    XCTAssertEqual(normalizer.standardDeviation[1], 0)
    let encoded = try normalizer.encode(data)
    XCTAssertEqual(try encoded.mean(alongAxes: [0, 2]).scalars.map { abs($0) < 1e-6 }, [true, true])
    assertClose(try normalizer.decode(encoded).scalars.map(Double.init), data.scalars.map(Double.init), rtol: 1e-6)
  }
}
