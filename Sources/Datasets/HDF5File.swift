import CHDF5
import Foundation
import Parallelism
import Tensors

/// Numeric arrays in an HDF5 file (libhdf5): read by key, written as float32 datasets — the
/// format of PDEBench and of MATLAB v7.3 `.mat` files, which h5py reads and writes.
///
/// Reads convert any integer or floating-point dataset to `Double` (HDF5 converts on read);
/// shapes are HDF5's (C order). Every call into libhdf5 (not built thread-safe on Debian) holds
/// one lock, and HDF5's own error printing is silenced for the call: failures become
/// ``DatasetFileError``s naming the file and key.
public enum HDF5File {
  private static let lock = Locked<Void>(())

  /// The dataset `key` (a path such as `"tensor"` or `"0000/data"`) of the file at `path`; a
  /// key `"*/name"` stacks `name` of every top-level group, in the groups' name order, along a new
  /// first axis — PDEBench's per-seed layout (`"0000/data"`, `"0001/data"`, …) as one array.
  /// - Throws: ``DatasetFileError`` naming the file and key when the file is not HDF5, the key
  ///   is missing (the message lists the top-level names) or not a numeric dataset, or stacked
  ///   arrays differ in shape.
  public static func read(_ key: String, from path: String) throws -> NumpyArray {
    guard key.hasPrefix("*/") else { return try readOne(key, from: path) }
    let groups = try topLevelNames(in: path).sorted()
    let inner = String(key.dropFirst(2))
    var (shape, values) = ([Int](), [Double]())
    for group in groups {
      let array = try readOne(group + "/" + inner, from: path)
      guard shape.isEmpty || array.shape == shape else {
        throw DatasetFileError(file: path, message: "'\(group)/\(inner)' has shape \(array.shape), the groups before it \(shape)")
      }
      shape = array.shape
      values.append(contentsOf: array.values)
    }
    guard !groups.isEmpty else { throw DatasetFileError(file: path, message: "no groups to stack for '\(key)'") }
    do { return try NumpyArray(shape: [groups.count] + shape, values: values) } catch {
      throw DatasetFileError(file: path, message: "'\(key)': \(error)")
    }
  }

  /// The names of the top-level links of the file at `path`.
  static func topLevelNames(in path: String) throws -> [String] {
    try locked {
      let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default())
      guard file >= 0 else { throw DatasetFileError(file: path, message: "not an HDF5 file (or truncated)") }
      defer { H5Fclose(file) }
      let text = names(in: file)
      return text == "nothing" ? [] : text.components(separatedBy: ", ")
    }
  }

  /// One dataset (no stacking).
  private static func readOne(_ key: String, from path: String) throws -> NumpyArray {
    try locked {
      guard FileManager.default.fileExists(atPath: path) else { throw DatasetFileError(file: path, message: "no such file") }
      let file = H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default())
      guard file >= 0 else { throw DatasetFileError(file: path, message: "not an HDF5 file (or truncated)") }
      defer { H5Fclose(file) }
      guard H5Lexists(file, key, chdf5_p_default()) > 0 else {
        throw DatasetFileError(file: path, message: "no dataset '\(key)' (the file has: \(names(in: file)))")
      }
      let dataset = H5Dopen2(file, key, chdf5_p_default())
      guard dataset >= 0 else { throw DatasetFileError(file: path, message: "'\(key)' is not a dataset") }
      defer { H5Dclose(dataset) }
      let type = H5Dget_type(dataset)
      defer { H5Tclose(type) }
      let typeClass = H5Tget_class(type)
      guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
        throw DatasetFileError(file: path, message: "'\(key)' is not an integer or floating-point dataset")
      }
      let space = H5Dget_space(dataset)
      defer { H5Sclose(space) }
      let rank = Int(H5Sget_simple_extent_ndims(space))
      guard rank >= 0 else { throw DatasetFileError(file: path, message: "'\(key)' has no simple shape") }
      var dimensions = [hsize_t](repeating: 0, count: max(rank, 1))
      H5Sget_simple_extent_dims(space, &dimensions, nil)
      let shape = dimensions.prefix(rank).map { Int($0) }
      let (count, overflow) = shape.reduce((1, false)) { partial, n in
        let (product, flag) = partial.0.multipliedReportingOverflow(by: n)
        return (product, partial.1 || flag)
      }
      guard !overflow, count <= 1 << 34 else { throw DatasetFileError(file: path, message: "'\(key)' of shape \(shape) is too large") }
      var values = [Double](repeating: 0, count: count)
      if count > 0 {
        guard H5Dread(dataset, chdf5_native_double(), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), &values) >= 0 else {
          throw DatasetFileError(file: path, message: "cannot read '\(key)' (truncated file?)")
        }
      }
      do { return try NumpyArray(shape: shape, values: values) } catch {
        throw DatasetFileError(file: path, message: "'\(key)': \(error)")
      }
    }
  }

  /// Writes `arrays` (name → array) as float32 datasets of their shapes into a new HDF5 file at
  /// `path`, atomically (a temporary file, then a rename).
  /// - Throws: ``DatasetFileError`` naming the file when it cannot be written.
  public static func write(_ arrays: [(name: String, array: NumpyArray)], to path: String) throws {
    let temporary = path + ".partial-\(getpid())"
    try locked {
      let file = H5Fcreate(temporary, chdf5_acc_trunc(), chdf5_p_default(), chdf5_p_default())
      guard file >= 0 else { throw DatasetFileError(file: path, message: "cannot create (is the directory writable?)") }
      defer { H5Fclose(file) }
      for (name, array) in arrays {
        var dimensions = array.shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dimensions.count), &dimensions, nil)
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(file, name, chdf5_ieee_f32le(), space, chdf5_p_default(), chdf5_p_default(), chdf5_p_default())
        guard dataset >= 0 else { throw DatasetFileError(file: path, message: "cannot create dataset '\(name)'") }
        defer { H5Dclose(dataset) }
        guard H5Dwrite(dataset, chdf5_native_double(), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), array.values) >= 0 else {
          throw DatasetFileError(file: path, message: "cannot write dataset '\(name)'")
        }
      }
    }
    // rename(2) replaces the target atomically.
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporary)
      throw DatasetFileError(file: path, message: "cannot write: \(reason)")
    }
  }

  /// The top-level names of an open file, for error messages.
  private static func names(in file: hid_t) -> String {
    var buffer = [CChar](repeating: 0, count: 1024)
    chdf5_list_names(file, &buffer, buffer.count)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return text.isEmpty ? "nothing" : text.split(separator: ",").joined(separator: ", ")
  }

  /// `body` under the library lock with HDF5's error printing off.
  private static func locked<T>(_ body: () throws -> T) throws -> T {
    try lock.withLock { _ in
      let saved = chdf5_silence_errors()
      defer { chdf5_restore_errors(saved) }
      return try body()
    }
  }
}
