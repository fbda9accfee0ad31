import Foundation
import Parallelism

/// An n-dimensional array read from or written to numpy's `.npy` format (version 1.0).
///
/// Values are held as `Double` whatever the file's element type; ``dtype`` records what the file
/// stored. Layout is C order (row-major, last axis fastest), numpy's default; complex elements
/// hold two values each, real then imaginary.
///
/// Format: the magic `\x93NUMPY`, version bytes, a little-endian header length, a Python-dict
/// header `{'descr': '<f8', 'fortran_order': False, 'shape': (…), }` padded with spaces to a
/// multiple of 64 bytes and ending in a newline, then the raw data.
public struct NumpyArray: Sendable, Equatable {
  /// Extent of each axis (empty for a scalar).
  public var shape: [Int]
  /// The elements in C order, `shape.reduce(1, *)` of them (twice that for complex types:
  /// real and imaginary parts interleaved).
  public var values: [Double]
  /// Element type stored in (or to be written to) the file.
  public var dtype: NumpyDType

  /// An array of the given shape and values.
  /// - Throws: ``NumpyError/shapeMismatch(_:)`` if the counts disagree.
  public init(shape: [Int], values: [Double], dtype: NumpyDType = .float64) throws {
    guard shape.allSatisfy({ $0 >= 0 }), MemoryBudget.count(shape + [dtype.components]) == values.count else {
      let holds = MemoryBudget.product(shape + [dtype.components]).map(String.init) ?? "more than 2^64"
      throw NumpyError.shapeMismatch("shape \(shape) holds \(holds) values, got \(values.count)")
    }
    self.shape = shape
    self.values = values
    self.dtype = dtype
  }

  /// Reads a `.npy` file.
  /// - Throws: ``NumpyError`` naming the file: not an NPY file, an unsupported dtype or
  ///   Fortran order, or fewer data bytes than the header promises.
  public init(contentsOf path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { throw NumpyError.io(file: path, message: "no such file") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw NumpyError.io(file: path, message: "cannot read the file")
    }
    let bytes = [UInt8](data)
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
      throw NumpyError.malformed(file: path, message: "not an .npy file (bad magic)")
    }
    let major = bytes[6]
    let headerLength: Int, headerStart: Int
    switch major {
    case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw NumpyError.malformed(file: path, message: "truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default: throw NumpyError.malformed(file: path, message: "unsupported .npy version \(major)")
    }
    guard bytes.count >= headerStart + headerLength,
      let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii)
    else { throw NumpyError.malformed(file: path, message: "truncated header") }
    let descr = try Self.headerValue("descr", in: header, file: path).trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
    guard let dtype = NumpyDType(rawValue: descr) else {
      throw NumpyError.unsupportedType(file: path, descr: descr)
    }
    if try Self.headerValue("fortran_order", in: header, file: path).contains("True") {
      throw NumpyError.malformed(file: path, message: "Fortran-ordered arrays are not supported (save np.ascontiguousarray(a))")
    }
    let shapeText = try Self.headerValue("shape", in: header, file: path)
    let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .map { token -> Int in
        guard let v = Int(token), v >= 0 else { throw NumpyError.malformed(file: path, message: "bad shape \(inputExcerpt(shapeText))") }
        return v
      }
    let dataStart = headerStart + headerLength
    guard let count = MemoryBudget.count(shape), let needed = MemoryBudget.count(shape + [dtype.byteCount]),
      bytes.count - dataStart >= needed
    else {
      let needed = MemoryBudget.product(shape + [dtype.byteCount]).map { "\($0)" } ?? "more than 2^64"
      throw NumpyError.malformed(file: path, message: "shape \(inputExcerpt(shapeText)) needs \(needed) data bytes, file has \(bytes.count - dataStart)")
    }
    let values = bytes.withUnsafeBytes { raw in
      (0..<(count * dtype.components)).map { dtype.load(from: raw, at: dataStart + $0 * dtype.byteCount / dtype.components) }
    }
    try self.init(shape: shape, values: values, dtype: dtype)
  }

  /// Writes the array as `.npy` with element type ``dtype``, atomically (temporary file, then
  /// rename): an interrupted write never leaves a truncated file under `path`.
  public func write(to path: String) throws {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let length = UInt16(header.utf8.count)
    let prefix = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xff), UInt8(length >> 8)] + Array(header.utf8)
    // Each value stored in place at its offset: one pass, no growing buffer.
    let step = dtype.byteCount / dtype.components
    let bytes = [UInt8](unsafeUninitializedCapacity: prefix.count + values.count * step) { buffer, count in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      raw.copyBytes(from: prefix)
      for (k, v) in values.enumerated() { dtype.store(v, into: raw, at: prefix.count + k * step) }
      count = buffer.count
    }
    do { try Data(bytes).write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw NumpyError.io(file: path, message: "cannot write: \(error.localizedDescription)")
    }
  }

  /// The text after `'key':` in a header dict, up to the next top-level comma.
  private static func headerValue(_ key: String, in header: String, file: String) throws -> String {
    guard let range = header.range(of: "'\(key)':") else {
      throw NumpyError.malformed(file: file, message: "header has no '\(key)'")
    }
    var depth = 0
    var value = ""
    for c in header[range.upperBound...] {
      if c == "(" { depth += 1 }
      if c == ")" { depth -= 1 }
      if (c == "," && depth == 0) || c == "}" { break }
      value.append(c)
    }
    return value.trimmingCharacters(in: .whitespaces)
  }
}

/// Element types we read and write, as numpy's `descr` strings (little-endian).
public enum NumpyDType: String, Sendable, CaseIterable {
  /// 32-bit float (`np.float32`).
  case float32 = "<f4"
  /// 64-bit float (`np.float64`).
  case float64 = "<f8"
  /// 32-bit signed integer.
  case int32 = "<i4"
  /// 64-bit signed integer.
  case int64 = "<i8"
  /// Complex number of two 32-bit floats (`np.complex64`).
  case complex64 = "<c8"

  /// Bytes per element.
  public var byteCount: Int { self == .float32 || self == .int32 ? 4 : 8 }

  /// Values per element: 2 (real, imaginary) for complex types, else 1.
  public var components: Int { self == .complex64 ? 2 : 1 }

  func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> Double {
    switch self {
    case .float32, .complex64:
      return Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian))
    case .float64: return Double(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
    case .int32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
    case .int64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
    }
  }

  /// Stores `v` (one component) little-endian at byte `offset` of `raw`, the inverse of `load`.
  func store(_ v: Double, into raw: UnsafeMutableRawBufferPointer, at offset: Int) {
    switch self {
    case .float32, .complex64: raw.storeBytes(of: Float(v).bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
    case .float64: raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
    case .int32: raw.storeBytes(of: Int32(v).littleEndian, toByteOffset: offset, as: Int32.self)
    case .int64: raw.storeBytes(of: Int64(v).littleEndian, toByteOffset: offset, as: Int64.self)
    }
  }
}

/// Errors from `.npy` files; each names the file.
public enum NumpyError: Error, Equatable, CustomStringConvertible {
  /// Not a valid `.npy` file.
  case malformed(file: String, message: String)
  /// An element type we do not read.
  case unsupportedType(file: String, descr: String)
  /// Shape and value count disagree.
  case shapeMismatch(String)
  /// The file cannot be read or written.
  case io(file: String, message: String)

  public var description: String {
    switch self {
    case .malformed(let f, let m): return "\(f): \(m)"
    case .unsupportedType(let f, let d):
      return "\(f): dtype \(inputExcerpt(d)) is not supported (read: \(NumpyDType.allCases.map(\.rawValue).joined(separator: ", ")))"
    case .shapeMismatch(let m): return "shape mismatch: \(m)"
    case .io(let f, let m): return "\(f): \(m)"
    }
  }
}
