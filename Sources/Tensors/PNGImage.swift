import Foundation

/// An 8-bit RGB image that encodes itself as PNG.
///
/// The encoder writes the image data as zlib *stored* (uncompressed) blocks, so it needs no
/// compression library; files are about `3·width·height` bytes and open in every viewer.
public struct PNGImage: Sendable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// `3 · width · height` bytes, rows top to bottom, `r g b` per pixel.
  public var pixels: [UInt8]

  /// A black image.
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
    pixels = Array(repeating: 0, count: 3 * width * height)
  }

  /// Sets pixel `(row, column)` (row 0 at the top).
  public mutating func set(row: Int, column: Int, _ rgb: (UInt8, UInt8, UInt8)) {
    let k = 3 * (row * width + column)
    pixels[k] = rgb.0
    pixels[k + 1] = rgb.1
    pixels[k + 2] = rgb.2
  }

  /// The PNG file's bytes.
  public func encoded() -> Data {
    var raw = [UInt8]()
    raw.reserveCapacity((3 * width + 1) * height)
    for row in 0..<height {
      raw.append(0)  // filter type: none
      raw += pixels[(3 * width * row)..<(3 * width * (row + 1))]
    }
    var zlib: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let n = min(65_535, raw.count - offset)
      let final: UInt8 = offset + n == raw.count ? 1 : 0
      zlib += [final, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
      zlib += raw[offset..<(offset + n)]
      offset += n
    } while offset < raw.count
    zlib += bigEndian(adler32(raw))

    var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]  // 8-bit RGB
    for (type, body) in [("IHDR", header), ("IDAT", zlib), ("IEND", [])] {
      let typed = Array(type.utf8) + body
      png.append(contentsOf: bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed)))
    }
    return png
  }

  /// Writes the PNG atomically.
  public func write(to path: String) throws {
    do { try encoded().write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw NumpyError.io(file: path, message: "cannot write PNG: \(error.localizedDescription)")
    }
  }
}

private func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

private let crcTable: [UInt32] = (0..<256).map { n in
  (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
}

/// CRC-32 (ISO 3309) over a PNG chunk's type and data.
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var c: UInt32 = 0xFFFF_FFFF
  for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
  return c ^ 0xFFFF_FFFF
}

/// Adler-32 checksum of the uncompressed zlib payload.
func adler32(_ bytes: [UInt8]) -> UInt32 {
  var a: UInt32 = 1, b: UInt32 = 0
  for chunk in stride(from: 0, to: bytes.count, by: 5552) {
    for v in bytes[chunk..<min(chunk + 5552, bytes.count)] {
      a += UInt32(v)
      b += a
    }
    a %= 65_521
    b %= 65_521
  }
  return b << 16 | a
}
