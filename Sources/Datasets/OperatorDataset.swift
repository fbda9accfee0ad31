import Foundation
import Tensors

/// Input/output function pairs for operator learning, in memory: `inputs`
/// `[N, inputChannels, s₁, …]` and `outputs` `[N, outputChannels, s₁, …]` (float32).
///
/// On disk a dataset is a ``DatasetDirectory`` (`coeff.npy` the inputs, `sol.npy` the outputs,
/// `meta.json`), as `opkit generate` writes it and as numpy reads it. A complex file (`complex64`) becomes two channels, real and imaginary part.
/// A vector-valued solution `(N, K, s, s)` (one axis more than `coeff.npy`) becomes `K` channels,
/// or `2K` — component `k`'s real and imaginary parts in channels `2k`, `2k + 1` — if complex.
public struct OperatorDataset: SupervisedDataset {
  /// Input functions, `[N, inputChannels, spatial…]`.
  public let inputs: Tensor
  /// Output functions, `[N, outputChannels, spatial…]`; with ``queries``, `[N, outputChannels, P]`.
  public let outputs: Tensor
  /// Per-sample query points `[N, P, d]` of unaligned data (each input function observed at
  /// its own points), or nil when every output sits on the output grid.
  public let queries: Tensor?
  /// The spacing `h` of the output grid along each axis, for derivative-based metrics: read from
  /// `meta.json` when the dataset records it, `1/(s − 1)` (a vertex grid of `[0, 1]^d`) otherwise.
  public let spacing: [Float]

  /// The spatial grid extents of the inputs.
  public var spatialShape: [Int] { Array(inputs.shape.dropFirst(2)) }
  /// The spatial grid extents of the outputs (those of the inputs unless the dataset was read
  /// with `sameGrid: false`).
  public var outputSpatialShape: [Int] { Array(outputs.shape.dropFirst(2)) }

  /// A dataset of paired tensors.
  /// - Parameter sameGrid: whether inputs and outputs must share their grid (grid-to-grid
  ///   operators such as FNO); DeepONet can query outputs on another grid of the same dimension.
  /// - Throws: ``DatasetFileError`` if the sample counts or the grids do not pair up.
  /// - Parameter queries: per-sample query points `[N, P, d]` for outputs `[N, K, P]` (then the
  ///   grids need not match).
  /// - Parameter spacing: the output grid's spacing per axis (default `1/(s − 1)`).
  public init(inputs: Tensor, outputs: Tensor, sameGrid: Bool = true, queries: Tensor? = nil, spacing: [Float]? = nil) throws {
    guard inputs.rank >= 3, inputs.shape[0] == outputs.shape[0],
      queries != nil || (outputs.rank == inputs.rank && (!sameGrid || inputs.shape.dropFirst(2) == outputs.shape.dropFirst(2)))
    else {
      throw DatasetFileError(file: "(memory)", message: "inputs \(inputs.shape) and outputs \(outputs.shape) do not pair up")
    }
    if let queries {
      guard queries.rank == 3, outputs.rank == 3, queries.shape[0] == outputs.shape[0], queries.shape[1] == outputs.shape[2] else {
        throw DatasetFileError(file: "(memory)", message: "query points \(queries.shape) do not fit outputs \(outputs.shape)")
      }
    }
    self.inputs = inputs
    self.outputs = outputs
    self.queries = queries
    self.spacing = spacing ?? outputs.shape.dropFirst(2).map { Float(1) / Float(max($0 - 1, 1)) }
  }

  /// Reads `coeff.npy` and `sol.npy` of `directory`: both `(N, s₁, …)` with the same shape
  /// (with `sameGrid: false`, the same `N` and number of axes), finite values, `N ≥ 1`.
  /// - Throws: ``DatasetFileError`` naming the file: missing, unreadable, of another shape than
  ///   its partner, or holding NaN/Inf.
  public init(directory: String, sameGrid: Bool = true) throws {
    let layout = DatasetDirectory(directory)
    func load(_ path: String) throws -> Tensor { try Self.samples(numpyFile: path) }
    let inputs = try load(layout.inputsPath)
    var outputs = try load(layout.outputsPath)
    outputs = try Self.componentsAsChannels(outputs, inputRank: inputs.rank)
    // Unaligned data: queries.npy holds each sample's query points, (N, P) or (N, P, d).
    let queriesPath = layout.queriesPath
    if layout.hasQueries {
      let points = try load(queriesPath)  // [N, 1, P(, d)]
      let (n, p) = (points.shape[0], points.shape[2])
      let queries = try points.reshaped(to: [n, p, points.count / max(n * p, 1)])
      guard outputs.rank == 3, n == outputs.shape[0], p == outputs.shape[2] else {
        throw DatasetFileError(
          file: queriesPath, message: "shape \([n, p]) does not match \(DatasetDirectory.outputsFileName)'s \(outputs.shape)")
      }
      try self.init(inputs: inputs, outputs: outputs, queries: queries)
      return
    }
    guard inputs.shape[0] == outputs.shape[0], inputs.rank == outputs.rank,
      !sameGrid || inputs.shape.dropFirst(2) == outputs.shape.dropFirst(2)
    else {
      throw DatasetFileError(
        file: layout.outputsPath,
        message: "shape \(Array(outputs.shape[0...0] + outputs.shape.dropFirst(2))) does not match \(DatasetDirectory.inputsFileName)'s "
          + "\(Array(inputs.shape[0...0] + inputs.shape.dropFirst(2)))")
    }
    let spacing = try layout.metadata()?.spacing.map { h in Array(repeating: Float(h), count: outputs.rank - 2) }
    try self.init(inputs: inputs, outputs: outputs, sameGrid: sameGrid, spacing: spacing)
  }

  /// Reads the arrays `input` and `output` of an HDF5 (`.h5`, `.hdf5`) or MATLAB (`.mat`) file
  /// as a dataset: both `(N, s₁, …)` with the same `N` (axes as ``ArrayFile`` gives them: MATLAB
  /// arrays in MATLAB's order), outputs on the inputs' grid unless `sameGrid` is false.
  /// - Throws: ``DatasetFileError`` naming the file and key: a missing or non-numeric key, a
  ///   shape that does not pair up, NaN/Inf.
  public init(file: String, input: String, output: String, sameGrid: Bool = true) throws {
    let inputs = try Self.samples(try ArrayFile.read(input, from: file), file: file, what: "'\(input)'")
    let outputs = try Self.componentsAsChannels(
      try Self.samples(try ArrayFile.read(output, from: file), file: file, what: "'\(output)'"), inputRank: inputs.rank)
    guard inputs.shape[0] == outputs.shape[0], inputs.rank == outputs.rank,
      !sameGrid || inputs.shape.dropFirst(2) == outputs.shape.dropFirst(2)
    else {
      throw DatasetFileError(
        file: file,
        message: "'\(output)' of shape \([outputs.shape[0]] + outputs.shape.dropFirst(2)) does not pair with '\(input)' of shape "
          + "\([inputs.shape[0]] + inputs.shape.dropFirst(2))")
    }
    try self.init(inputs: inputs, outputs: outputs, sameGrid: sameGrid)
  }

  /// A vector-valued output `[N, parts, K, s₁, …]` (one axis more than the inputs: `(N, K, s₁, …)`
  /// on disk) with its components as channels, each complex component as its (real, imaginary)
  /// pair; other outputs as they are.
  static func componentsAsChannels(_ outputs: Tensor, inputRank: Int) throws -> Tensor {
    guard outputs.rank == inputRank + 1 else { return outputs }
    let (n, parts, components) = (outputs.shape[0], outputs.shape[1], outputs.shape[2])
    let order = [0, 2, 1] + Array(3..<outputs.rank)
    return try outputs.permuted(order).reshaped(to: [n, components * parts] + outputs.shape.dropFirst(3))
  }

  /// An `(N, s₁, …)` array as a tensor `[N, parts, s₁, …]` (complex values as (real, imaginary)
  /// channels), its values finite.
  /// - Throws: ``DatasetFileError`` naming `file` and `what` for another rank or NaN/Inf.
  static func samples(_ array: NumpyArray, file: String, what: String) throws -> Tensor {
    guard array.shape.count >= 2, array.shape.allSatisfy({ $0 >= 1 }) else {
      throw DatasetFileError(file: file, message: "\(what): expected an (N, s, ...) array of samples, got shape \(array.shape)")
    }
    let (count, points, parts) = (array.shape[0], array.shape.dropFirst().reduce(1, *), array.dtype.components)
    var scalars = [Float](repeating: 0, count: array.values.count)
    for n in 0..<count {
      for k in 0..<points {
        for c in 0..<parts { scalars[(n * parts + c) * points + k] = Float(array.values[(n * points + k) * parts + c]) }
      }
    }
    let tensor = try Tensor(shape: [count, parts] + array.shape.dropFirst(), scalars: scalars)
    do { try tensor.checkFinite(what) } catch { throw DatasetFileError(file: file, message: "\(error)") }
    return tensor
  }

  /// The samples at `indices`, in that order.
  public func subset(_ indices: [Int]) -> OperatorDataset {
    // Safe: rows of two tensors that already pair up.
    (try? OperatorDataset(
      inputs: inputs.rows(indices), outputs: outputs.rows(indices), sameGrid: false, queries: queries.map { $0.rows(indices) },
      spacing: spacing))!
  }

  /// The output grid's spacing, or nil for scattered query points (no grid to differentiate on).
  public var gridSpacing: [Float]? { queries == nil ? spacing : nil }
}

extension Tensor {
  /// The entries `indices` of the first axis, stacked in that order.
  public func rows(_ indices: [Int]) -> Tensor {
    let stride = shape.dropFirst().reduce(1, *)
    var values = [Float]()
    values.reserveCapacity(indices.count * stride)
    scalars.withUnsafeBufferPointer { x in
      for i in indices { values.append(contentsOf: x[(i * stride)..<((i + 1) * stride)]) }
    }
    // Safe: the count matches by construction.
    return (try? Tensor(shape: [indices.count] + shape.dropFirst(), scalars: values))!
  }
}

extension OperatorDataset {
  /// Input functions without outputs, for prediction, as `[N, parts, s₁, …]` (complex values as
  /// (real, imaginary) channels): `coeff.npy` of a dataset directory, an `.npy` file of
  /// `(N, s₁, …)` samples, or the array `key` of an HDF5 or MATLAB file (``ArrayFile``).
  /// - Throws: ``DatasetFileError`` naming the file (and key): missing, unreadable, not an array
  ///   of samples, holding NaN/Inf, or an array file without a key.
  public static func inputs(at path: String, key: String? = nil) throws -> Tensor {
    if ArrayFile.isArrayFile(path) {
      guard let key else { throw DatasetFileError(file: path, message: "name the input array of this file") }
      return try samples(try ArrayFile.read(key, from: path), file: path, what: "'\(key)'")
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DatasetFileError(file: path, message: "no such file or directory")
    }
    return try samples(numpyFile: isDirectory.boolValue ? DatasetDirectory(path).inputsPath : path)
  }

  /// The `.npy` file at `path` as ``samples(_:file:what:)``.
  static func samples(numpyFile path: String) throws -> Tensor {
    guard FileManager.default.fileExists(atPath: path) else { throw DatasetFileError(file: path, message: "no such file") }
    do { return try samples(try NumpyArray(contentsOf: path), file: path, what: "values") } catch let error as DatasetFileError {
      throw error
    } catch { throw DatasetFileError(file: path, message: "\(error)") }
  }
}
