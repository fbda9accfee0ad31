import Foundation
import Tensors

/// Arrays from the files users already have, chosen by extension: HDF5 (`.h5`, `.hdf5`,
/// ``HDF5File``) and MATLAB (`.mat`, ``MATFile``).
public enum ArrayFile {
  /// The extensions ``read(_:from:)`` knows.
  public static let extensions = ["h5", "hdf5", "mat"]

  /// Whether `path` names a file of a known extension.
  public static func isArrayFile(_ path: String) -> Bool { extensions.contains((path as NSString).pathExtension.lowercased()) }

  /// The array `key` of the file at `path`.
  /// - Throws: ``DatasetFileError`` naming the file (and key) for an unknown extension or any
  ///   error of the format's reader.
  public static func read(_ key: String, from path: String) throws -> NumpyArray {
    switch (path as NSString).pathExtension.lowercased() {
    case "h5", "hdf5": return try HDF5File.read(key, from: path)
    case "mat": return try MATFile.read(key, from: path)
    default: throw DatasetFileError(file: path, message: "unknown array file (use .h5, .hdf5 or .mat, or a dataset directory)")
    }
  }
}
