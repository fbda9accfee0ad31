import Foundation
import Tensors

/// The on-disk layout of an operator-learning dataset — the one place its file names live.
///
/// A dataset is a directory numpy reads with no glue:
/// - `coeff.npy`: the inputs, `(N, s₁, …)` float32 (or complex64),
/// - `sol.npy`: the outputs, `(N, s₁, …)`, `(N, K, s₁, …)` for `K` components, complex64 for
///   complex fields,
/// - `queries.npy` (optional): per-sample query points `(N, P)` or `(N, P, d)` of unaligned data,
/// - `meta.json`: the ``DatasetMetadata`` (family, parameters, grid, solver, seed),
/// - `shards/` (while generating): finished blocks of samples, the unit of resumption.
///
/// Every write is atomic (a temporary name, then a rename), so an interrupted run never leaves
/// a truncated file behind.
public struct DatasetDirectory: Sendable, Equatable {
  /// The input functions' file name.
  public static let inputsFileName = "coeff.npy"
  /// The output functions' file name.
  public static let outputsFileName = "sol.npy"
  /// The per-sample query points' file name (unaligned data only).
  public static let queriesFileName = "queries.npy"
  /// The metadata file name.
  public static let metadataFileName = "meta.json"
  /// The folder of finished shards while a dataset is being generated.
  public static let shardsFolderName = "shards"

  /// The directory.
  public let path: String

  /// The dataset at `path` (nothing is read or created yet).
  public init(_ path: String) { self.path = path }

  /// `path/name`.
  public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
  /// `coeff.npy`'s path.
  public var inputsPath: String { file(Self.inputsFileName) }
  /// `sol.npy`'s path.
  public var outputsPath: String { file(Self.outputsFileName) }
  /// `queries.npy`'s path.
  public var queriesPath: String { file(Self.queriesFileName) }
  /// `meta.json`'s path.
  public var metadataPath: String { file(Self.metadataFileName) }
  /// The shard folder's path.
  public var shardsPath: String { file(Self.shardsFolderName) }

  /// Whether the dataset has per-sample query points.
  public var hasQueries: Bool { FileManager.default.fileExists(atPath: queriesPath) }

  /// Creates the directory (and its shard folder with `shards: true`) if missing.
  /// - Throws: ``DatasetFileError`` naming the directory when it cannot be created.
  public func create(shards: Bool = false) throws {
    let target = shards ? shardsPath : path
    do { try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true) } catch {
      throw DatasetFileError(file: target, message: "cannot create: \(error.localizedDescription)")
    }
  }

  /// Writes the dataset's files atomically: inputs, outputs, the query points (or removes a
  /// stale `queries.npy` when there are none), and the metadata last.
  /// - Throws: ``DatasetFileError`` naming the file that cannot be written.
  public func write(inputs: NumpyArray, outputs: NumpyArray, queries: NumpyArray? = nil, metadata: DatasetMetadata) throws {
    try create()
    try write(inputs, to: inputsPath)
    try write(outputs, to: outputsPath)
    if let queries {
      try write(queries, to: queriesPath)
    } else if hasQueries {
      do { try FileManager.default.removeItem(atPath: queriesPath) } catch {
        throw DatasetFileError(file: queriesPath, message: "cannot remove a stale file: \(error.localizedDescription)")
      }
    }
    try writeJSON(metadata, to: metadataPath)
  }

  /// The recorded metadata, or nil when the directory has no `meta.json` (a dataset made by
  /// hand).
  /// - Throws: ``DatasetFileError`` naming `meta.json` when it exists but does not decode.
  public func metadata() throws -> DatasetMetadata? {
    guard FileManager.default.fileExists(atPath: metadataPath) else { return nil }
    return try readJSON(metadataPath)
  }

  /// The files of shard `index` under `shards/`: its inputs, outputs and statistics (written
  /// last; its presence marks the shard complete).
  public func shard(_ index: Int) -> (inputs: String, outputs: String, statistics: String) {
    let name = { (kind: String, ext: String) in
      (self.shardsPath as NSString).appendingPathComponent(String(format: "%@-%05d.%@", kind, index, ext))
    }
    return (name("coeff", "npy"), name("sol", "npy"), name("stats", "json"))
  }

  private func write(_ array: NumpyArray, to file: String) throws {
    do { try array.write(to: file) } catch { throw DatasetFileError(file: file, message: "cannot write: \(error)") }
  }
}

/// Writes `value` as JSON with sorted keys, atomically.
/// - Throws: ``DatasetFileError`` naming `path`.
public func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  do { try encoder.encode(value).write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
    throw DatasetFileError(file: path, message: "cannot write: \(error.localizedDescription)")
  }
}

/// Reads JSON written by ``writeJSON(_:to:)``.
/// - Throws: ``DatasetFileError`` naming `path` when it cannot be read or does not decode.
public func readJSON<T: Decodable>(_ path: String) throws -> T {
  guard let data = FileManager.default.contents(atPath: path) else { throw DatasetFileError(file: path, message: "cannot read") }
  do { return try JSONDecoder().decode(T.self, from: data) } catch let error as DecodingError {
    throw DatasetFileError(file: path, message: "malformed: \(error.summary)")
  } catch {
    throw DatasetFileError(file: path, message: "malformed: \(error.localizedDescription)")
  }
}

extension DecodingError {
  /// One line naming the key and what is wrong there (`boundary: Cannot initialize … 'sideways'`).
  var summary: String {
    let (context, what): (Context?, String) =
      switch self {
      case .keyNotFound(let key, let context): (context, "missing key '\(key.stringValue)'")
      case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): (context, "")
      @unknown default: (nil, "\(self)")
      }
    let path = context?.codingPath.map(\.stringValue).joined(separator: ".") ?? ""
    let detail = what.isEmpty ? String((context?.debugDescription ?? "").prefix(120)) : what
    return path.isEmpty ? detail : "\(path): \(detail)"
  }
}

/// A dataset file that cannot be used, naming the file.
public struct DatasetFileError: Error, Equatable, CustomStringConvertible {
  /// The offending file (or directory).
  public let file: String
  /// What is wrong with it.
  public let message: String
  /// An error about `file`.
  public init(file: String, message: String) { (self.file, self.message) = (file, message) }
  public var description: String { "\(file): \(message)" }
}
