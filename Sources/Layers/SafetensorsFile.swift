import Foundation
import Parallelism
import Tensors

/// Named tensors and string metadata in the `safetensors` format, which Python's `safetensors`
/// package, PyTorch tools and numpy (with a few lines of `json` + `frombuffer`) read.
///
/// Layout: an 8-byte little-endian header length `N`; `N` bytes of JSON mapping each name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data that follows) plus
/// an optional `"__metadata__"` object of strings; then the raw little-endian data. We write
/// `F32`, names in sorted order, and pad the header with spaces to a multiple of 8 bytes; we read
/// `F32`, `F64` and `F16`. Writes are atomic: a temporary file renamed over the target, so an
/// interrupted write leaves any previous checkpoint intact.
public struct SafetensorsFile: Sendable, Equatable {
  /// The tensors by name (for models: parameter paths such as `blocks.2.spectral.weight`).
  public var tensors: [String: Tensor]
  /// Free-form string metadata (for models: the configuration as JSON, a format version).
  public var metadata: [String: String]

  /// A checkpoint holding `tensors` and `metadata`.
  public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Reads a `.safetensors` file.
  /// - Throws: ``SafetensorsError`` naming the file: a truncated file, a malformed header, an
  ///   unsupported dtype, or offsets that do not match the shapes.
  public init(contentsOf path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SafetensorsError(file: path, message: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
    }
    let bytes = [UInt8](data)
    guard bytes.count >= 8 else { throw SafetensorsError(file: path, message: "truncated: no header length") }
    let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
    guard headerLength >= 2, 8 + headerLength <= bytes.count else {
      throw SafetensorsError(file: path, message: "header length \(headerLength) exceeds the file size \(bytes.count)")
    }
    guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any] else {
      throw SafetensorsError(file: path, message: "the header is not a JSON object")
    }
    let dataStart = 8 + headerLength
    var tensors = [String: Tensor]()
    var metadata = [String: String]()
    var extents = [(name: String, range: Range<Int>)]()
    for (name, value) in header {
      if name == "__metadata__" {
        guard let entries = value as? [String: Any], let strings = entries as? [String: String] else {
          throw SafetensorsError(file: path, message: "__metadata__ must map strings to strings")
        }
        metadata = strings
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
      else { throw SafetensorsError(file: path, message: "tensor \(inputExcerpt(name)) has a malformed entry") }
      let width: Int
      switch dtype {
      case "F32": width = 4
      case "F64": width = 8
      case "F16": width = 2
      default:
        throw SafetensorsError(file: path, message: "tensor \(inputExcerpt(name)) has dtype \(inputExcerpt(dtype)) (read: F32, F64, F16)")
      }
      guard shape.allSatisfy({ $0 >= 0 }), let count = MemoryBudget.count(shape), let size = MemoryBudget.count(shape + [width]),
        offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == size, offsets[1] <= bytes.count - dataStart
      else {
        throw SafetensorsError(
          file: path, message: "tensor \(inputExcerpt(name)) of shape \(shape) has data offsets \(offsets) that do not fit")
      }
      extents.append((name, offsets[0]..<offsets[1]))
      let base = dataStart + offsets[0]
      let scalars: [Float] = bytes.withUnsafeBytes { raw in
        (0..<count).map { i -> Float in
          let at = base + i * width
          switch width {
          case 4: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
          case 8: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
          default: return Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))))
          }
        }
      }
      tensors[name] = try Tensor(shape: shape, scalars: scalars)
    }
    // Each byte belongs to one tensor: overlapping data is a corrupt (or crafted) file.
    let ordered = extents.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
    for (a, b) in zip(ordered, ordered.dropFirst()) where b.range.lowerBound < a.range.upperBound {
      throw SafetensorsError(
        file: path, message: "tensors \(inputExcerpt(a.name)) and \(inputExcerpt(b.name)) share data bytes (offsets overlap)")
    }
    self.init(tensors: tensors, metadata: metadata)
  }

  /// Writes the checkpoint atomically (F32 data).
  /// - Throws: ``SafetensorsError`` if the file cannot be written; nothing is left at `path`
  ///   then but what was there before.
  public func write(to path: String) throws {
    let names = tensors.keys.sorted()
    var entries = [String]()
    var offset = 0
    for name in names {
      let t = tensors[name]!
      let shape = "[" + t.shape.map(String.init).joined(separator: ",") + "]"
      entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + 4 * t.count)]}")
      offset += 4 * t.count
    }
    if !metadata.isEmpty {
      let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      entries.insert("\"__metadata__\":{" + fields.joined(separator: ",") + "}", at: 0)
    }
    var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for name in names {
      tensors[name]!.scalars.withUnsafeBufferPointer { values in
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
      }
    }
    do { try data.write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw SafetensorsError(file: path, message: "cannot write: \(error.localizedDescription)")
    }
  }
}

/// A checkpoint file that cannot be read or written; the message names the file.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible {
  /// The file.
  public let file: String
  /// What is wrong with it.
  public let message: String
  public var description: String { "\(file): \(message)" }
}

/// `s` as a JSON string literal.
private func jsonString(_ s: String) -> String {
  // Safe: a String always encodes as a JSON fragment.
  let data = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8)
  return String(decoding: data, as: UTF8.self)
}
