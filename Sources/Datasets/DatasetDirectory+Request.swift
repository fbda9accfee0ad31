import Foundation

/// A dataset directory being generated remembers what was asked for (`shards/request.json`: the
/// ``DatasetMetadata`` without per-sample statistics), so a resumed run with other parameters
/// is refused instead of mixing old shards into a dataset that claims the new ones.
extension DatasetDirectory {
  /// The recorded request's path.
  public var requestPath: String { (shardsPath as NSString).appendingPathComponent("request.json") }

  /// Checks `request` against what the directory was generated with — `shards/request.json`, or
  /// for a dataset made before requests were recorded its `meta.json` — and records it when
  /// nothing was generated there yet.
  /// - Throws: ``GenerationRequestError`` naming the differing parameters; ``DatasetFileError``
  ///   for an unreadable record.
  public func checkGenerationRequest(_ request: DatasetMetadata) throws {
    let request = request.withoutStatistics
    let recorded: DatasetMetadata? =
      FileManager.default.fileExists(atPath: requestPath) ? try readJSON(requestPath) : try metadata()?.withoutStatistics
    if let recorded {
      guard recorded == request else {
        throw GenerationRequestError(directory: path, differences: fieldDifferences(recorded, request))
      }
      if FileManager.default.fileExists(atPath: requestPath) { return }
    }
    try create(shards: true)
    try writeJSON(request, to: requestPath)
  }

  /// Removes what a generation writes: the shards, the joined arrays, `meta.json` and the HDF5
  /// copy (the directory itself and other files stay).
  /// - Throws: ``DatasetFileError`` naming a file that cannot be removed.
  public func removeGenerated() throws {
    for target in [shardsPath, inputsPath, outputsPath, queriesPath, metadataPath, file("data.h5")]
    where FileManager.default.fileExists(atPath: target) {
      do { try FileManager.default.removeItem(atPath: target) } catch {
        throw DatasetFileError(file: target, message: "cannot remove: \(error.localizedDescription)")
      }
    }
  }
}

extension DatasetMetadata {
  /// The request part: the metadata without the per-sample solver statistics.
  var withoutStatistics: DatasetMetadata {
    var copy = self
    (copy.iterations, copy.relativeResiduals) = (nil, nil)
    return copy
  }
}

/// A dataset directory that was (partly) generated with other parameters than requested.
public struct GenerationRequestError: Error, Equatable, CustomStringConvertible {
  /// The directory.
  public let directory: String
  /// `name: recorded → requested`, comma-separated.
  public let differences: String
  public var description: String {
    "\(directory) holds data generated with other parameters (\(differences)); remove it or choose another directory"
  }
}
