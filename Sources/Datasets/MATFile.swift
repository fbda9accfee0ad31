import CZlib
import Foundation
import Parallelism
import Tensors

/// Numeric arrays from MATLAB `.mat` files, as the FNO paper distributed its datasets: level-5
/// files (v5/v6/v7, little-endian, uncompressed or with zlib-compressed elements) parsed here, and
/// v7.3 files, which are HDF5 behind a 512-byte header, through ``HDF5File``. Either way an
/// array comes back in MATLAB's axis order — `a` of size `N × s × s` as shape `[N, s, s]`, as
/// `scipy.io.loadmat` gives it — with its values reordered from MATLAB's column-major storage to
/// row-major. Complex arrays come back as complex64 `(re, im)` pairs.
///
/// References: MathWorks, "MAT-File Format" (level 5); the HDF5-based v7.3 format.
public enum MATFile {
  /// The variable `key` of the `.mat` file at `path`.
  /// - Throws: ``DatasetFileError`` naming the file and key: not a `.mat` file, a big-endian
  ///   file, a missing variable (the message lists the file's), a variable that is not a numeric
  ///   array, or a truncated or corrupt element.
  public static func read(_ key: String, from path: String) throws -> NumpyArray {
    guard let data = FileManager.default.contents(atPath: path) else { throw DatasetFileError(file: path, message: "cannot read") }
    guard data.count >= 128 else { throw DatasetFileError(file: path, message: "not a MATLAB .mat file (shorter than its header)") }
    let header = String(decoding: data.prefix(116), as: UTF8.self)
    if header.hasPrefix("MATLAB 7.3") {
      // HDF5 stores MATLAB's column-major array with its dimensions reversed: reverse them back.
      let stored = try HDF5File.read(key, from: path)
      return try reversingAxes(stored.values, shape: stored.shape, dtype: .float64, file: path)
    }
    guard header.hasPrefix("MATLAB 5.0") else { throw DatasetFileError(file: path, message: "not a MATLAB .mat file") }
    guard data[126] == UInt8(ascii: "I"), data[127] == UInt8(ascii: "M") else {
      throw DatasetFileError(file: path, message: "a big-endian .mat file; save it little-endian (or as -v7.3)")
    }
    var names = [String](), others = [String]()
    var reader = ElementReader(bytes: [UInt8](data[128...]), file: path)
    while let element = try reader.next() {
      let matrices: [Element]
      if element.type == 15 {
        var inner = ElementReader(bytes: try inflate(element.payload, file: path), file: path)
        matrices = try inner.all()
      } else {
        matrices = [element]
      }
      for matrix in matrices where matrix.type == 14 {
        guard let variable = try Variable(matrix.payload, file: path) else {
          others.append(try Variable.name(of: matrix.payload, file: path))
          continue
        }
        if variable.name == key { return try variable.array(file: path) }
        names.append(variable.name)
      }
    }
    if others.contains(key) {
      throw DatasetFileError(file: path, message: "\(inputExcerpt(key)) is not a numeric array (a cell, struct, text or sparse matrix)")
    }
    throw DatasetFileError(
      file: path,
      message:
        "no variable \(inputExcerpt(key)) (the file has: \(names.isEmpty ? "nothing" : inputExcerpt(names.joined(separator: ", "), limit: 200, quoted: false)))"
    )
  }

  /// Values stored in row-major order for `shape` with its axes reversed (MATLAB's column-major
  /// storage of an array of size `shape`), as a row-major array of `shape`.
  static func reversingAxes(_ values: [Double], shape: [Int], dtype: NumpyDType, file: String, columnMajor: Bool = false) throws
    -> NumpyArray
  {
    let dimensions = columnMajor ? shape : Array(shape.reversed())  // MATLAB's size
    let parts = dtype.components
    guard let count = MemoryBudget.count(dimensions), MemoryBudget.count([count, parts]) == values.count else {
      throw DatasetFileError(file: file, message: "array of size \(dimensions) does not match its \(values.count) stored values")
    }
    var out = [Double](repeating: 0, count: values.count)
    var index = [Int](repeating: 0, count: dimensions.count)
    for source in 0..<count {
      // source walks MATLAB's column-major order: the first index fastest.
      var target = 0
      for (axis, n) in dimensions.enumerated() { target = target * n + index[axis] }
      for c in 0..<parts { out[target * parts + c] = values[source * parts + c] }
      for axis in 0..<dimensions.count {
        index[axis] += 1
        if index[axis] < dimensions[axis] { break }
        index[axis] = 0
      }
    }
    do { return try NumpyArray(shape: dimensions, values: out, dtype: dtype) } catch {
      throw DatasetFileError(file: file, message: "\(error)")
    }
  }

  /// The zlib stream of a compressed element, inflated.
  private static func inflate(_ compressed: ArraySlice<UInt8>, file: String) throws -> [UInt8] {
    var stream = z_stream()
    guard czlib_inflate_init(&stream) == Z_OK else { throw DatasetFileError(file: file, message: "cannot start zlib") }
    defer { inflateEnd(&stream) }
    var output = [UInt8]()
    var input = Array(compressed)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { source in
      stream.next_in = source.baseAddress
      stream.avail_in = uInt(source.count)
      repeat {
        chunk.withUnsafeMutableBufferPointer { target in
          stream.next_out = target.baseAddress
          stream.avail_out = uInt(target.count)
          status = CZlib.inflate(&stream, Z_NO_FLUSH)
          output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
        }
      } while status == Z_OK && output.count < 1 << 36
    }
    guard status == Z_STREAM_END else { throw DatasetFileError(file: file, message: "a compressed element is corrupt or truncated") }
    return output
  }

  /// One data element: its type and payload.
  struct Element {
    let type: UInt32
    let payload: ArraySlice<UInt8>
  }

  /// Reads data elements one after the other (8-byte tags or 4-byte small-element tags,
  /// payloads padded to 8 bytes).
  struct ElementReader {
    let bytes: [UInt8]
    let file: String
    var offset = 0

    init(bytes: [UInt8], file: String) {
      self.bytes = bytes
      self.file = file
    }

    func word(_ at: Int) -> UInt32 {
      UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    mutating func next() throws -> Element? {
      guard offset + 8 <= bytes.count else { return nil }
      let first = word(offset)
      if first >> 16 != 0 {
        // Small element: type and size in one word, up to 4 bytes of data in the next.
        let size = Int(first >> 16)
        guard size <= 4 else { throw DatasetFileError(file: file, message: "corrupt small data element at byte \(offset + 128)") }
        defer { offset += 8 }
        return Element(type: first & 0xFFFF, payload: bytes[(offset + 4)..<(offset + 4 + size)])
      }
      let size = Int(word(offset + 4))
      let start = offset + 8
      guard size <= bytes.count - start else {
        throw DatasetFileError(file: file, message: "a data element at byte \(offset + 128) claims \(size) bytes past the end (truncated?)")
      }
      offset = start + (first == 15 ? size : (size + 7) / 8 * 8)
      return Element(type: first, payload: bytes[start..<(start + size)])
    }

    mutating func all() throws -> [Element] {
      var elements = [Element]()
      while let element = try next() { elements.append(element) }
      return elements
    }
  }

  /// A numeric matrix element: name, MATLAB size, real and imaginary parts.
  struct Variable {
    let name: String
    let dimensions: [Int]
    let real: Element
    let imaginary: Element?

    /// Parses a matrix element's subelements; nil for arrays that are not numeric (cells,
    /// structs, characters, sparse).
    init?(_ payload: ArraySlice<UInt8>, file: String) throws {
      var reader = ElementReader(bytes: Array(payload), file: file)
      let parts = try reader.all()
      guard parts.count >= 3, parts[0].payload.count >= 4 else { throw DatasetFileError(file: file, message: "a corrupt matrix element") }
      let flags = parts[0].payload.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
      let arrayClass = flags & 0xFF, complex = flags & 0x800 != 0
      name = String(decoding: parts[2].payload, as: UTF8.self)
      guard (6...15).contains(arrayClass), parts.count >= (complex ? 5 : 4) else { return nil }
      let dims = parts[1].payload
      guard dims.count % 4 == 0 else { throw DatasetFileError(file: file, message: "\(inputExcerpt(name)): corrupt dimensions") }
      dimensions = stride(from: dims.startIndex, to: dims.endIndex, by: 4).map { i in
        Int(Int32(bitPattern: UInt32(dims[i]) | UInt32(dims[i + 1]) << 8 | UInt32(dims[i + 2]) << 16 | UInt32(dims[i + 3]) << 24))
      }
      real = parts[3]
      imaginary = complex ? parts[4] : nil
    }

    /// The name of any matrix element (numeric or not).
    static func name(of payload: ArraySlice<UInt8>, file: String) throws -> String {
      var reader = ElementReader(bytes: Array(payload), file: file)
      let parts = try reader.all()
      return parts.count >= 3 ? String(decoding: parts[2].payload, as: UTF8.self) : ""
    }

    /// The array in row-major order of MATLAB's size.
    func array(file: String) throws -> NumpyArray {
      guard dimensions.allSatisfy({ $0 >= 0 }) else {
        throw DatasetFileError(file: file, message: "\(inputExcerpt(name)): negative dimensions")
      }
      let count = dimensions.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
      let re = try Self.numbers(real, file: file, name: name)
      guard re.count == count else {
        throw DatasetFileError(file: file, message: "\(inputExcerpt(name)) has \(re.count) values for size \(dimensions)")
      }
      var values = re
      var dtype = NumpyDType.float64
      if let imaginary {
        let im = try Self.numbers(imaginary, file: file, name: name)
        guard im.count == count else {
          throw DatasetFileError(file: file, message: "\(inputExcerpt(name)): imaginary part of another size")
        }
        values = zip(re, im).flatMap { [$0, $1] }
        dtype = .complex64
      }
      return try MATFile.reversingAxes(values, shape: dimensions, dtype: dtype, file: file, columnMajor: true)
    }

    /// The numbers of a numeric element as `Double`.
    static func numbers(_ element: Element, file: String, name: String) throws -> [Double] {
      let bytes = element.payload
      func values<T>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
        let size = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
          (0..<(raw.count / size)).map { convert(raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
      }
      switch element.type {
      case 1: return values(Int8.self) { Double($0) }
      case 2: return values(UInt8.self) { Double($0) }
      case 3: return values(Int16.self) { Double($0) }
      case 4: return values(UInt16.self) { Double($0) }
      case 5: return values(Int32.self) { Double($0) }
      case 6: return values(UInt32.self) { Double($0) }
      case 7: return values(Float.self) { Double($0) }
      case 9: return values(Double.self) { $0 }
      case 12: return values(Int64.self) { Double($0) }
      case 13: return values(UInt64.self) { Double($0) }
      default: throw DatasetFileError(file: file, message: "\(inputExcerpt(name)): data of unknown type \(element.type)")
      }
    }
  }
}
