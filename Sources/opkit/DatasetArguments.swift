import ArgumentParser
import Foundation
import OperatorKit

/// The dataset options of the `opkit train <model>` commands that learn from files.
struct DatasetArguments: ParsableArguments {
  @Option(help: "Dataset directory with coeff.npy and sol.npy ((N, s, s) arrays).") var data: String
  @Option(help: "Separate test dataset directory (default: a seeded 20% of --data is held out).") var testData: String?

  /// The training and test sets; `sameGrid: false` lets outputs sit on another grid than the
  /// inputs (DeepONet).
  func datasets(seed: UInt64, sameGrid: Bool = true) throws -> (train: OperatorDataset, test: OperatorDataset) {
    let all = try OperatorDataset(directory: data, sameGrid: sameGrid)
    if let testData { return (all, try OperatorDataset(directory: testData, sameGrid: sameGrid)) }
    guard all.count >= 2 else { throw CommandFailure("\(data): needs at least 2 samples to hold out a test set") }
    return all.split(testFraction: 0.2, seed: seed)
  }
}
