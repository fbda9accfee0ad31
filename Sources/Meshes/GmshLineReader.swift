import Parallelism

/// Reads a text file line by line with 1-based line numbers, turning every parse failure into a
/// ``MeshError`` that names the file and line. LF, CRLF and CR line endings are all accepted;
/// errors quote at most 80 characters of the offending line.
struct GmshLineReader {
  let file: String
  private let lines: [Substring]
  private(set) var lineNumber = 0

  init(text: String, file: String) {
    self.file = file
    lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
  }

  var isAtEnd: Bool { lineNumber >= lines.count }

  /// The next line, trimmed; throws at end of file saying what was expected.
  mutating func next(expecting what: @autoclosure () -> String) throws -> Substring {
    while lineNumber < lines.count {
      let line = lines[lineNumber].trimmingWhitespace()
      lineNumber += 1
      if !line.isEmpty { return line }
    }
    throw malformed("unexpected end of file, expected \(what())")
  }

  /// The next line split into whitespace-separated tokens.
  mutating func tokens(expecting what: @autoclosure () -> String) throws -> [Substring] {
    let line = try next(expecting: what())
    if line.hasPrefix("$") { throw malformed("expected \(what()), found \(inputExcerpt(line))") }
    return line.split(whereSeparator: { $0 == " " || $0 == "\t" })
  }

  /// Skips lines up to and including `end` (for sections we do not read).
  mutating func skip(through end: String) throws {
    while try next(expecting: inputExcerpt(end)) != end {}
  }

  /// Requires the next line to be `marker`.
  mutating func expect(_ marker: String) throws {
    let line = try next(expecting: marker)
    guard line == marker else { throw malformed("expected \(marker), found \(inputExcerpt(line))") }
  }

  func integer(_ token: Substring?, _ what: String) throws -> Int {
    guard let token, let v = Int(token) else {
      throw malformed("expected an integer \(what), found \(token.map { inputExcerpt($0) } ?? "end of line")")
    }
    return v
  }

  /// A count (of nodes, elements, tags, blocks): an integer in `0 … Int32.max`, the range mesh
  /// indices have.
  func count(_ token: Substring?, _ what: String) throws -> Int {
    let value = try integer(token, what)
    guard (0...Int(Int32.max)).contains(value) else {
      throw malformed("\(what) must be between 0 and \(Int32.max), found \(value)")
    }
    return value
  }

  /// A tag stored as `Int32` (physical groups): an integer in Int32's range.
  func int32(_ token: Substring?, _ what: String) throws -> Int32 {
    let value = try integer(token, what)
    guard let tag = Int32(exactly: value) else { throw malformed("\(what) must fit in 32 bits, found \(value)") }
    return tag
  }

  func real(_ token: Substring?, _ what: String) throws -> Double {
    guard let token, let v = Double(token), v.isFinite else {
      throw malformed("expected a finite number \(what), found \(token.map { inputExcerpt($0) } ?? "end of line")")
    }
    return v
  }

  func malformed(_ message: String) -> MeshError {
    .malformed(file: file, line: lineNumber, message: message)
  }

  func unsupported(_ message: String) -> MeshError {
    .unsupported(file: file, line: lineNumber, message: message)
  }
}

extension Substring {
  func trimmingWhitespace() -> Substring {
    var s = self
    while let f = s.first, f.isWhitespace { s = s.dropFirst() }
    while let l = s.last, l.isWhitespace { s = s.dropLast() }
    return s
  }
}
