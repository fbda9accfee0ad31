import Parallelism

/// Sparse matrix–matrix products, used for Galerkin coarse operators `Pᵀ A P` in multigrid.
extension CSRMatrix {
  /// Returns `A B`.
  ///
  /// Gustavson's row-by-row algorithm: each output row is accumulated in a dense scratch row
  /// (with a marker array) and written, sorted; rows are split into one block per worker.
  /// Cost `O(flops + nnz(C))`.
  /// - Throws: ``SparseError/dimensionMismatch(_:)`` if `A.columnCount != B.rowCount`;
  ///   ``SparseError/tooLarge(_:)`` if the product exceeds 32-bit indices.
  public func multiplied(by b: CSRMatrix) throws -> CSRMatrix {
    guard columnCount == b.rowCount else {
      throw SparseError.dimensionMismatch("\(rowCount)x\(columnCount) times \(b.rowCount)x\(b.columnCount)")
    }
    let (rows, columns, work) = (rowCount, b.columnCount, nonzeroCount * 4)
    return try withRawParts { aParts in
      try b.withRawParts { bParts in
        try CSRMatrix(rowCount: rows, columnCount: columns, work: work, terms: ProductTerms(a: aParts, b: bParts))
      }
    }
  }

  /// Builds a matrix whose entries are sums of terms: `terms` adds every term of one row into a
  /// dense scratch row with a marker array, the row's columns are sorted and written out. One
  /// pass; rows are split into one block per worker, each writing its own arrays, joined at
  /// the end.
  init<Terms: SparseRowTerms>(rowCount n: Int, columnCount m: Int, work: Int, terms: Terms) throws {
    let parts = max(1, min(Parallel.workers(forWork: work, perWorker: 50_000), n))
    var blocks = [SparseRowBlock](repeating: SparseRowBlock(), count: parts)
    blocks.withUnsafeMutableBufferPointer { blocks in
      let blocks = SharedPointer(blocks)
      Parallel.forEachRange(count: n, parts: parts) { part, rows in
        var marker = [Int32](repeating: -1, count: m)
        var scratch = [Double](repeating: 0, count: m)
        var columnBuffer = [Int32](repeating: 0, count: m + 1)
        marker.withUnsafeMutableBufferPointer { marker in
          scratch.withUnsafeMutableBufferPointer { scratch in
            columnBuffer.withUnsafeMutableBufferPointer { columnBuffer in
              var row = SparseRowAccumulator(
                marker: marker.baseAddress!, values: scratch.baseAddress!, columnBuffer: columnBuffer.baseAddress!)
              var block = SparseRowBlock()
              block.lengths.reserveCapacity(rows.count)
              for i in rows {
                row.start(i)
                terms.accumulate(row: i, into: &row)
                block.append(&row)
              }
              blocks.base[part] = block
            }
          }
        }
      }
    }
    let nnz = blocks.reduce(0) { $0 + $1.columns.count }
    guard nnz < Int(Int32.max) else { throw SparseError.tooLarge("product with \(nnz) nonzeros") }
    var pointers = [Int32](repeating: 0, count: n + 1)
    var offsets = [0]
    var i = 0
    for block in blocks {
      for length in block.lengths {
        pointers[i + 1] = pointers[i] + length
        i += 1
      }
      offsets.append(offsets.last! + block.columns.count)
    }
    // Each worker copies (and first touches) its own block's part of the joined arrays.
    var values = [Double]()
    let columns = [Int32](unsafeUninitializedCapacity: nnz) { columns, count in
      values = Array(unsafeUninitializedCapacity: nnz) { values, count in
        let (columns, values) = (SharedPointer(columns), SharedPointer(values))
        blocks.withUnsafeBufferPointer { blocks in
          let blocks = SharedPointer(blocks)
          Parallel.forEach(count: parts) { w in
            blocks[w].columns.withUnsafeBufferPointer { c in
              if let c = c.baseAddress { (columns.base + offsets[w]).initialize(from: c, count: offsets[w + 1] - offsets[w]) }
            }
            blocks[w].values.withUnsafeBufferPointer { v in
              if let v = v.baseAddress { (values.base + offsets[w]).initialize(from: v, count: offsets[w + 1] - offsets[w]) }
            }
          }
        }
        count = nnz
      }
      count = nnz
    }
    self.init(unchecked: n, m, pointers, columns, values)
  }

  /// Returns `A ⊗ B`: entry `(i·p + k, j·q + l) = A_ij · B_kl` for `B` of size `p × q`. Columns
  /// come out sorted, so no reordering is needed.
  /// - Throws: ``SparseError/tooLarge(_:)`` if the product exceeds 32-bit indices.
  public func kronecker(_ b: CSRMatrix) throws -> CSRMatrix {
    let rows = rowCount * b.rowCount, columns = columnCount * b.columnCount
    let nnz = nonzeroCount * b.nonzeroCount
    let (bRows, bColumns, bNonzeros) = (b.rowCount, b.columnCount, b.nonzeroCount)
    guard rows < Int(Int32.max), columns < Int(Int32.max), nnz < Int(Int32.max) else {
      throw SparseError.tooLarge("Kronecker product \(rows)x\(columns) with \(nnz) nonzeros")
    }
    // Row (i, k) starts at a.rp[i]·nnz(B) + len_A(i)·b.rp[k], so the rows of A split across
    // workers, each writing (and first touching) its own part of the arrays.
    var pointers = [Int32](repeating: 0, count: rows + 1)
    var outColumns = [Int32](), outValues = [Double]()
    withRawParts { a in
      b.withRawParts { b in
        pointers.withUnsafeMutableBufferPointer { pointers in
          outColumns = Array(unsafeUninitializedCapacity: nnz) { outColumns, count in
            outValues = Array(unsafeUninitializedCapacity: nnz) { outValues, count in
              let (pointers, outColumns, outValues) = (SharedPointer(pointers), SharedPointer(outColumns), SharedPointer(outValues))
              let parts = Parallel.workers(forWork: nnz, perWorker: 200_000)
              Parallel.forEachRange(count: rowCount, parts: parts) { _, aRows in
                for i in aRows {
                  var t = Int(a.rowPointers[i]) * bNonzeros
                  for k in 0..<bRows {
                    for m in a.entries(i) {
                      let base = a.columns[m] &* Int32(bColumns)
                      let value = a.values[m]
                      for n in b.entries(k) {
                        outColumns[t] = base &+ b.columns[n]
                        outValues[t] = value * b.values[n]
                        t += 1
                      }
                    }
                    pointers[i * bRows + k + 1] = Int32(t)
                  }
                }
              }
              count = nnz
            }
            count = nnz
          }
        }
      }
    }
    return CSRMatrix(unchecked: rows, columns, pointers, outColumns, outValues)
  }
}

/// The terms of a sparse product, one output row at a time (``CSRMatrix`` products build
/// through it, specialized, so adding a term is a direct, inlined call).
protocol SparseRowTerms {
  /// Adds every term `(column, value)` of output row `row` to `accumulator`.
  func accumulate(row: Int, into accumulator: inout SparseRowAccumulator)
}

/// One output row being summed: a dense scratch row of values and a marker array recording
/// which columns the current row has touched (so neither is cleared between rows), plus the
/// list of those columns in `columnBuffer` (room for every column and one more).
struct SparseRowAccumulator {
  let marker: UnsafeMutablePointer<Int32>
  let values: UnsafeMutablePointer<Double>
  let columnBuffer: UnsafeMutablePointer<Int32>
  var count = 0
  var row: Int32 = -1

  init(marker: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>, columnBuffer: UnsafeMutablePointer<Int32>) {
    self.marker = marker
    self.values = values
    self.columnBuffer = columnBuffer
  }

  /// Starts row `i` with no terms.
  @inline(__always) mutating func start(_ i: Int) {
    row = Int32(i)
    count = 0
  }

  /// The columns the current row has touched, in the order first touched.
  var columns: UnsafeMutableBufferPointer<Int32> { UnsafeMutableBufferPointer(start: columnBuffer, count: count) }

  /// Adds `value` at `column`.
  @inline(__always) mutating func add(column: Int32, value: Double) {
    let c = Int(column)
    // Branch-free: whether a column is new is unpredictable, so select instead of branching.
    let isNew = marker[c] != row
    marker[c] = row
    values[c] = (isNew ? 0 : values[c]) + value
    columnBuffer[count] = column
    count &+= isNew ? 1 : 0
  }
}

/// The rows one worker produced, in order: each row's length, then all their sorted columns
/// and values back to back.
struct SparseRowBlock {
  var lengths: [Int32] = []
  var columns: [Int32] = []
  var values: [Double] = []

  /// Appends `row`'s entries with their columns sorted (insertion sort: rows are short).
  @inline(__always) mutating func append(_ row: inout SparseRowAccumulator) {
    let c = row.columns
    var s = 1
    while s < c.count {
      let v = c[s]
      var t = s - 1
      while t >= 0 && c[t] > v {
        c[t + 1] = c[t]
        t -= 1
      }
      c[t + 1] = v
      s += 1
    }
    lengths.append(Int32(c.count))
    columns.append(contentsOf: c)
    for column in c { values.append(row.values[Int(column)]) }
  }
}

/// A CSR matrix's arrays as raw pointers, for kernels that run while the matrix is alive.
struct CSRRawParts: @unchecked Sendable {
  let rowPointers: UnsafePointer<Int32>
  let columns: UnsafePointer<Int32>
  let values: UnsafePointer<Double>

  /// The entries of row `i` as a range into `columns` and `values`.
  @inline(__always) func entries(_ i: Int) -> Range<Int> { Int(rowPointers[i])..<Int(rowPointers[i + 1]) }
}

extension CSRMatrix {
  /// `body` with raw pointers to this matrix's arrays (valid only inside `body`).
  func withRawParts<R>(_ body: (CSRRawParts) throws -> R) rethrows -> R {
    try rowPointers.withUnsafeBufferPointer { p in
      try columnIndices.withUnsafeBufferPointer { c in
        try values.withUnsafeBufferPointer { v in
          // Empty arrays may have no address (an aligned placeholder: a matrix without entries
          // never reads them); the row pointers always hold at least one element.
          try body(
            CSRRawParts(
              rowPointers: p.baseAddress!, columns: c.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Int32>.alignment)!,
              values: v.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Double>.alignment)!))
        }
      }
    }
  }
}

/// The terms of `A B`: row `i` is `Σ_k A_ik B_k,:`.
private struct ProductTerms: SparseRowTerms {
  let a: CSRRawParts
  let b: CSRRawParts

  @inline(__always) func accumulate(row i: Int, into accumulator: inout SparseRowAccumulator) {
    for k in a.entries(i) {
      let j = Int(a.columns[k]), aik = a.values[k]
      for m in b.entries(j) { accumulator.add(column: b.columns[m], value: aik * b.values[m]) }
    }
  }
}
