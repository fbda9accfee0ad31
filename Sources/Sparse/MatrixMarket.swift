import Foundation
import Parallelism

/// Reading and writing NIST Matrix Market files (`.mtx`), the exchange format of scipy
/// (`scipy.io.mmread`/`mmwrite`), MATLAB and the SuiteSparse Matrix Collection.
///
/// Read: `coordinate` matrices with `real`, `integer` or `pattern` fields and `general`,
/// `symmetric` or `skew-symmetric` symmetry (the stored triangle is mirrored), and `array`
/// (dense, column-major) data. Written: `coordinate real general` (or `symmetric`, lower triangle)
/// and `array real general`, with values printed to round-trip exactly. Writes are atomic.
public enum MatrixMarket {
  /// Reads a sparse matrix.
  /// - Throws: ``SparseError/malformedFile(file:line:message:)`` naming the line of the problem,
  ///   ``SparseError/io(file:message:)`` if the file cannot be read.
  public static func readMatrix(from path: String) throws -> CSRMatrix {
    var reader = try MatrixMarketReader(path: path)
    let header = try reader.header()
    guard header.format == "coordinate" else {
      throw reader.malformed("expected a coordinate (sparse) matrix, found '\(header.format)'")
    }
    let size = try reader.numbers(count: 3, what: "'rows columns entries'")
    let (rows, columns, entries) = (
      try reader.count(size[0], "rows"), try reader.count(size[1], "columns"), try reader.count(size[2], "entries")
    )
    // Reserve no more than the file can hold: a header may claim billions of entries.
    let reserve = min(entries, reader.lines.count) * (header.symmetry == "general" ? 1 : 2)
    var coo = COOMatrix(rowCount: rows, columnCount: columns, reserve: reserve)
    for _ in 0..<entries {
      let t = try reader.numbers(count: header.field == "pattern" ? 2 : 3, what: "an entry 'row column value'")
      guard (1...Double(max(rows, 1))).contains(t[0]), (1...Double(max(columns, 1))).contains(t[1]), t[0].rounded() == t[0],
        t[1].rounded() == t[1], rows > 0, columns > 0
      else {
        throw reader.malformed("entry (\(t[0]), \(t[1])) is outside the \(rows)x\(columns) matrix")
      }
      let (i, j) = (Int(t[0]) - 1, Int(t[1]) - 1)
      let v = header.field == "pattern" ? 1 : t[2]
      coo.append(row: i, column: j, value: v)
      if i != j {
        switch header.symmetry {
        case "symmetric": coo.append(row: j, column: i, value: v)
        case "skew-symmetric": coo.append(row: j, column: i, value: -v)
        default: break
        }
      }
    }
    try reader.expectEnd()
    return try CSRMatrix(coo)
  }

  /// Reads dense data (`array` format, column-major): returns its shape and values.
  /// - Throws: as ``readMatrix(from:)``.
  public static func readArray(from path: String) throws -> (rows: Int, columns: Int, values: [Double]) {
    var reader = try MatrixMarketReader(path: path)
    let header = try reader.header()
    guard header.format == "array", header.symmetry == "general" else {
      throw reader.malformed("expected 'array ... general' dense data, found '\(header.format) \(header.symmetry)'")
    }
    let size = try reader.numbers(count: 2, what: "'rows columns'")
    let (rows, columns) = (try reader.count(size[0], "rows"), try reader.count(size[1], "columns"))
    guard let count = MemoryBudget.count([rows, columns]), count <= reader.lines.count else {
      throw reader.malformed("\(rows)x\(columns) values do not fit in a file of \(reader.lines.count) lines")
    }
    var values = [Double]()
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(try reader.numbers(count: 1, what: "a value")[0]) }
    try reader.expectEnd()
    return (rows, columns, values)
  }

  /// Writes a sparse matrix in coordinate format; with `symmetric`, only the lower triangle is
  /// written and the header says `symmetric` (the caller asserts that `A = Aᵀ`).
  public static func write(_ matrix: CSRMatrix, to path: String, symmetric: Bool = false) throws {
    var entries = [String]()
    entries.reserveCapacity(matrix.nonzeroCount)
    for i in 0..<matrix.rowCount {
      for k in Int(matrix.rowPointers[i])..<Int(matrix.rowPointers[i + 1]) {
        let j = Int(matrix.columnIndices[k])
        if symmetric && j > i { continue }
        entries.append("\(i + 1) \(j + 1) \(matrix.values[k])")
      }
    }
    var text = "%%MatrixMarket matrix coordinate real \(symmetric ? "symmetric" : "general")\n% written by OperatorKit\n"
    text += "\(matrix.rowCount) \(matrix.columnCount) \(entries.count)\n"
    text += entries.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    try writeAtomically(text, to: path)
  }

  /// Writes a dense column vector (`array real general`, `values.count × 1`).
  public static func writeArray(_ values: [Double], to path: String) throws {
    var text = "%%MatrixMarket matrix array real general\n% written by OperatorKit\n\(values.count) 1\n"
    text += values.map { "\($0)" }.joined(separator: "\n") + "\n"
    try writeAtomically(text, to: path)
  }

  static func writeAtomically(_ text: String, to path: String) throws {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw SparseError.io(file: path, message: "cannot write: \(error.localizedDescription)")
    }
  }
}

/// Line-oriented reader for Matrix Market files that reports 1-based line numbers.
private struct MatrixMarketReader {
  let path: String
  let lines: [Substring]
  var line = 0

  init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SparseError.io(file: path, message: "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw SparseError.malformedFile(file: path, line: 1, message: "not a text file")
    }
    self.path = path
    lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
  }

  /// A size of the header: a whole number in `0 … Int32.max` (the range of CSR indices).
  func count(_ value: Double, _ what: String) throws -> Int {
    guard value >= 0, value <= Double(Int32.max), value.rounded() == value else {
      throw malformed("\(what) must be a whole number between 0 and \(Int32.max), found \(value)")
    }
    return Int(value)
  }

  func malformed(_ message: String) -> SparseError {
    .malformedFile(file: path, line: max(line, 1), message: message)
  }

  mutating func header() throws -> (format: String, field: String, symmetry: String) {
    guard let first = lines.first else { throw malformed("empty file") }
    line = 1
    let t = first.lowercased().split(separator: " ").map(String.init)
    guard t.count == 5, t[0] == "%%matrixmarket", t[1] == "matrix" else {
      throw malformed("expected '%%MatrixMarket matrix <format> <field> <symmetry>'")
    }
    guard ["coordinate", "array"].contains(t[2]) else { throw malformed("unknown format \(inputExcerpt(t[2]))") }
    guard ["real", "integer", "pattern", "double"].contains(t[3]) else {
      throw malformed("field \(inputExcerpt(t[3])) is not supported (read: real, integer, pattern)")
    }
    guard ["general", "symmetric", "skew-symmetric"].contains(t[4]) else {
      throw malformed("symmetry \(inputExcerpt(t[4])) is not supported")
    }
    return (t[2], t[3], t[4])
  }

  /// The next non-comment line's numbers; exactly `count` of them.
  mutating func numbers(count: Int, what: String) throws -> [Double] {
    while line < lines.count {
      let text = lines[line].trimmingCharacters(in: .whitespaces)
      line += 1
      if text.isEmpty || text.hasPrefix("%") { continue }
      let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard tokens.count == count else { throw malformed("expected \(what), found \(inputExcerpt(text))") }
      return try tokens.map {
        guard let v = Double($0), v.isFinite else { throw malformed("\(inputExcerpt($0)) is not a finite number") }
        return v
      }
    }
    throw malformed("unexpected end of file, expected \(what)")
  }

  mutating func expectEnd() throws {
    while line < lines.count {
      let text = lines[line].trimmingCharacters(in: .whitespaces)
      line += 1
      if !text.isEmpty && !text.hasPrefix("%") { throw malformed("more entries than the size line declares") }
    }
  }
}
