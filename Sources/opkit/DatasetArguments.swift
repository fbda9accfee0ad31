import ArgumentParser
import Foundation
import OperatorKit

/// Where a dataset comes from: a dataset directory (`coeff.npy`, `sol.npy`) or an HDF5/MATLAB
/// file with the keys of its input and output arrays.
struct DatasetSource: ParsableArguments {
  @Option(help: "Dataset: a directory with coeff.npy and sol.npy, or an .h5/.hdf5/.mat file (with --input and --output).")
  var data: String
  @Option(help: "Key of the input array in an .h5/.hdf5/.mat --data file (e.g. coeff, nu, a).") var input: String?
  @Option(help: "Key of the output array in an .h5/.hdf5/.mat --data file (e.g. sol, tensor, u).") var output: String?

  func validate() throws {
    if ArrayFile.isArrayFile(data) {
      guard input != nil, output != nil else { throw ValidationError("\(data) is an array file: name its arrays with --input and --output") }
    } else if input != nil || output != nil {
      throw ValidationError("--input and --output name arrays of an .h5/.hdf5/.mat --data file")
    }
  }

  /// The dataset at `path` (`--data` unless given): a directory, or the `--input`/`--output`
  /// arrays of a file.
  func load(_ path: String? = nil, sameGrid: Bool = true) throws -> OperatorDataset {
    let path = path ?? data
    if ArrayFile.isArrayFile(path), let input, let output {
      return try OperatorDataset(file: path, input: input, output: output, sameGrid: sameGrid)
    }
    return try OperatorDataset(directory: path, sameGrid: sameGrid)
  }
}

/// The dataset options of the `opkit train <model>` commands that learn from files.
struct DatasetArguments: ParsableArguments {
  @OptionGroup var source: DatasetSource
  @Option(help: "Separate test dataset (a directory, or a file with the same keys; default: a seeded 20% of --data is held out).")
  var testData: String?

  /// The `--data` path.
  var data: String { source.data }

  /// The training and test sets; `sameGrid: false` lets outputs sit on another grid than the
  /// inputs (DeepONet).
  func datasets(seed: UInt64, sameGrid: Bool = true) throws -> (train: OperatorDataset, test: OperatorDataset) {
    let all = try source.load(sameGrid: sameGrid)
    if let testData { return (all, try source.load(testData, sameGrid: sameGrid)) }
    guard all.count >= 2 else { throw CommandFailure("\(data): needs at least 2 samples to hold out a test set") }
    return all.split(testFraction: 0.2, seed: seed)
  }
}
