import Foundation

/// A TensorBoard event file: scalars and PNG images by tag and step, for `tensorboard --logdir`.
///
/// The file is `DIR/events.out.tfevents.<seconds>.<host>.<pid>` (never an existing file), a sequence of records — a
/// little-endian `UInt64` length, its masked CRC-32C, the bytes of one `Event` protocol-buffer
/// message, their masked CRC-32C — the TFRecord framing TensorBoard reads. The first event
/// carries the file version `brain.Event:2`; each later one a `Summary` with one value. Every
/// event is written and flushed at once, so a dashboard follows a running job and a killed job
/// leaves every finished epoch readable.
///
/// The messages (tensorflow/core/util/event.proto, summary.proto): `Event { double wall_time = 1;
/// int64 step = 2; string file_version = 3; Summary summary = 5; }`, `Summary { repeated Value
/// value = 1; }`, `Value { string tag = 1; float simple_value = 2; Image image = 4; }`, `Image {
/// int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }`.
public final class TensorBoardLog {
  /// The event file.
  public let path: String
  private let handle: FileHandle

  /// A new event file in `directory` (created if missing).
  /// - Throws: ``TensorBoardLogError`` naming the directory when it cannot be created or written.
  public init(directory: String) throws {
    do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
      throw TensorBoardLogError(path: directory, message: "cannot create the log directory: \(error.localizedDescription)")
    }
    let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
    let name = "events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host).\(ProcessInfo.processInfo.processIdentifier)"
    // A second log of the same process in the same second gets a suffix, never the first's file.
    let base = (directory as NSString).appendingPathComponent(name)
    path = (0...).lazy.map { $0 == 0 ? base : "\(base).\($0)" }.first { !FileManager.default.fileExists(atPath: $0) }!
    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
      throw TensorBoardLogError(path: path, message: "cannot create the event file")
    }
    self.handle = handle
    var event = ProtocolBuffer()
    event.double(1, Date().timeIntervalSince1970)
    event.bytes(3, Array("brain.Event:2".utf8))
    try write(event)
  }

  deinit { try? handle.close() }

  /// Records `value` under `tag` (slashes group tags: `train/loss`) at `step`.
  public func scalar(_ tag: String, _ value: Double, step: Int) throws {
    var summaryValue = ProtocolBuffer()
    summaryValue.bytes(1, Array(tag.utf8))
    summaryValue.float(2, Float(value))
    try write(summary: summaryValue, step: step)
  }

  /// Records a PNG image (`png` holds the encoded file) of `width × height` pixels under `tag`.
  public func image(_ tag: String, png: [UInt8], width: Int, height: Int, step: Int) throws {
    var image = ProtocolBuffer()
    image.varint(1, UInt64(height))
    image.varint(2, UInt64(width))
    image.varint(3, 4)  // RGBA
    image.bytes(4, png)
    var summaryValue = ProtocolBuffer()
    summaryValue.bytes(1, Array(tag.utf8))
    summaryValue.bytes(4, image.bytes)
    try write(summary: summaryValue, step: step)
  }

  private func write(summary value: ProtocolBuffer, step: Int) throws {
    var summary = ProtocolBuffer()
    summary.bytes(1, value.bytes)
    var event = ProtocolBuffer()
    event.double(1, Date().timeIntervalSince1970)
    event.varint(2, UInt64(bitPattern: Int64(step)))
    event.bytes(5, summary.bytes)
    try write(event)
  }

  /// One TFRecord: length, masked CRC of the length, data, masked CRC of the data.
  private func write(_ event: ProtocolBuffer) throws {
    let data = event.bytes
    var length = [UInt8]()
    withUnsafeBytes(of: UInt64(data.count).littleEndian) { length.append(contentsOf: $0) }
    var record = length
    withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { record.append(contentsOf: $0) }
    record += data
    withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { record.append(contentsOf: $0) }
    do {
      try handle.write(contentsOf: Data(record))
      try handle.synchronize()
    } catch {
      throw TensorBoardLogError(path: path, message: "cannot write: \(error.localizedDescription)")
    }
  }
}

/// An event file that cannot be written, naming it.
public struct TensorBoardLogError: Error, Equatable, CustomStringConvertible {
  /// The file or directory.
  public let path: String
  /// What went wrong.
  public let message: String
  public var description: String { "\(path): \(message)" }
}

/// The protocol-buffer wire format, as much as event files need: varints (wire type 0),
/// 64-bit (1), length-delimited (2) and 32-bit (5) fields.
struct ProtocolBuffer {
  private(set) var bytes = [UInt8]()

  mutating func varint(_ field: Int, _ value: UInt64) {
    key(field, wireType: 0)
    raw(varint: value)
  }

  mutating func double(_ field: Int, _ value: Double) {
    key(field, wireType: 1)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func float(_ field: Int, _ value: Float) {
    key(field, wireType: 5)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func bytes(_ field: Int, _ value: [UInt8]) {
    key(field, wireType: 2)
    raw(varint: UInt64(value.count))
    bytes += value
  }

  private mutating func key(_ field: Int, wireType: UInt64) { raw(varint: UInt64(field) << 3 | wireType) }

  private mutating func raw(varint value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), and the masked form TFRecord files
/// store: `((crc >> 15) | (crc << 17)) + 0xA282EAD8`.
enum CRC32C {
  private static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    return c
  }

  static func checksum(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }

  static func masked(_ data: [UInt8]) -> UInt32 {
    let crc = checksum(data)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }
}

extension TensorBoardLog {
  /// Records an epoch's figures at step `summary.epoch`: `train/<loss>` (the run's loss, e.g.
  /// `train/relative_l2` or `train/mse`), `test/relative_l2`, `validation/<loss>` when the run
  /// has a validation set, `learning_rate` and `seconds_per_epoch`.
  public func record(_ summary: EpochSummary, loss: LossKind) throws {
    let step = summary.epoch
    try scalar("train/\(loss.reportName)", summary.trainLoss, step: step)
    try scalar("test/relative_l2", summary.testRelativeL2, step: step)
    if let validation = summary.validationLoss { try scalar("validation/\(loss.reportName)", validation, step: step) }
    try scalar("learning_rate", Double(summary.learningRate), step: step)
    try scalar("seconds_per_epoch", summary.seconds, step: step)
  }
}
