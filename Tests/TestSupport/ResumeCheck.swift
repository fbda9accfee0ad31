import Datasets
import Foundation
import Layers
import Training
import XCTest

/// Asserts that training `model` with `options` stopped after `stopAfter` epochs (a throwing
/// `afterEpoch`, as a kill would) and resumed from the checkpoint written at `checkpoint` ends
/// exactly where the uninterrupted run does: the same test errors every epoch and bitwise equal
/// parameters. Returns the uninterrupted trainer.
@discardableResult
public func assertResumedTrainingEqualsUninterrupted<Model: ConfiguredModel, Data: SupervisedDataset>(
  _ model: Model, options: TrainingOptions, train: Data, test: Data, checkpoint: String, stopAfter: Int = 2,
  file: StaticString = #filePath, line: UInt = #line
) throws -> Trainer<Model> {
  var straight = Trainer(model: model, options: options, fittingNormalizersTo: train)
  try straight.train(on: train, testingOn: test)
  var first = Trainer(model: model, options: options, fittingNormalizersTo: train)
  XCTAssertThrowsError(
    try first.train(on: train, testingOn: test) { _ in
    } afterEpoch: { trainer in
      try trainer.writeCheckpoint(to: checkpoint)
      if trainer.history.count == stopAfter { throw TrainingStopped() }
    }, file: file, line: line)
  var resumed = try Trainer<Model>(checkpointAt: checkpoint)
  XCTAssertEqual(resumed.history.count, stopAfter, file: file, line: line)
  try resumed.train(on: train, testingOn: test)
  XCTAssertEqual(resumed.history.map(\.testRelativeL2), straight.history.map(\.testRelativeL2), file: file, line: line)
  XCTAssertEqual(resumed.model.parameters, straight.model.parameters, "bitwise equal parameters", file: file, line: line)
  return straight
}

/// The error a test's `afterEpoch` throws to stop training as a kill would.
struct TrainingStopped: Error {}
