import CBLAS

/// A block of `count` vectors of one length stored column after column (column-major), with
/// the block operations recycling solvers need as OpenBLAS level-2/3 calls (`dgemv`, `dgemm`,
/// `dtrsm`) — one pass over the block instead of one per vector. Programs keep OpenBLAS on one
/// thread (`ProcessConfiguration.apply`), so these calls do not hand work to threads that would
/// spin against the generator's workers.
struct VectorBlock {
  /// Vector length.
  let length: Int
  /// Number of vectors.
  private(set) var count: Int
  /// `length · count` values.
  private(set) var values: [Double]

  /// `count` zero vectors.
  init(length: Int, count: Int) {
    self.length = length
    self.count = count
    values = [Double](repeating: 0, count: length * count)
  }

  /// The block of `columns`.
  init(length: Int, columns: [[Double]]) {
    self.length = length
    count = columns.count
    values = columns.flatMap { $0 }
  }

  /// The columns as separate arrays.
  var columnArrays: [[Double]] { (0..<count).map { Array(values[($0 * length)..<(($0 + 1) * length)]) } }

  func withColumn<R>(_ j: Int, _ body: (UnsafePointer<Double>) -> R) -> R {
    values.withUnsafeBufferPointer { body($0.baseAddress! + j * length) }
  }

  mutating func withMutableColumn<R>(_ j: Int, _ body: (UnsafeMutablePointer<Double>) -> R) -> R {
    let length = length
    return values.withUnsafeMutableBufferPointer { body($0.baseAddress! + j * length) }
  }

  mutating func setColumn(_ j: Int, _ column: [Double]) { values.replaceSubrange((j * length)..<((j + 1) * length), with: column) }

  /// `‖column j‖₂`.
  func columnNorm(_ j: Int) -> Double {
    withColumn(j) { column in
      let x = UnsafeBufferPointer(start: column, count: length)
      return Vector.norm(x)
    }
  }

  /// `Xᵀ y` over the first `columns` vectors (all by default).
  func transposedTimes(_ y: [Double], columns: Int? = nil) -> [Double] {
    let k = columns ?? count
    guard k > 0 else { return [] }
    var out = [Double](repeating: 0, count: k)
    values.withUnsafeBufferPointer { x in
      cblas_dgemv(CblasColMajor, CblasTrans, Int32(length), Int32(k), 1, x.baseAddress, Int32(length), y, 1, 0, &out, 1)
    }
    return out
  }

  /// `Xᵀ Y` over the first `columns` vectors of X: a `columns × Y.count` column-major matrix.
  func transposedTimes(_ y: VectorBlock, columns: Int? = nil) -> [Double] {
    let k = columns ?? count
    guard k > 0, y.count > 0 else { return [] }
    var out = [Double](repeating: 0, count: k * y.count)
    values.withUnsafeBufferPointer { x in
      y.values.withUnsafeBufferPointer { yv in
        cblas_dgemm(
          CblasColMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(y.count), Int32(length), 1, x.baseAddress, Int32(length),
          yv.baseAddress, Int32(length), 0, &out, Int32(k))
      }
    }
    return out
  }

  /// `X c`.
  func times(_ coefficients: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: length)
    addTimes(coefficients, to: &out, columns: count)
    return out
  }

  /// `y ← y + a X c` over the first `columns` vectors.
  private func addTimes(_ a: Double, _ coefficients: [Double], to y: inout [Double], columns: Int) {
    guard columns > 0 else { return }
    values.withUnsafeBufferPointer { x in
      cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(length), Int32(columns), a, x.baseAddress, Int32(length), coefficients, 1, 1, &y, 1)
    }
  }

  /// `y ← y + X c` over the first `columns` vectors.
  func addTimes(_ coefficients: [Double], to y: inout [Double], columns: Int) { addTimes(1, coefficients, to: &y, columns: columns) }

  /// `y ← y − X c` over the first `columns` vectors (all by default).
  func subtractTimes(_ coefficients: [Double], from y: inout [Double], columns: Int? = nil) {
    addTimes(-1, coefficients, to: &y, columns: columns ?? count)
  }

  /// `X Q[rows, :]`, the combination of this block's vectors by rows `rows` of `q`.
  func times(block q: VectorBlock, rows: Range<Int>) -> VectorBlock {
    var out = VectorBlock(length: length, count: q.count)
    addTimes(block: q, rows: rows, to: &out, columns: rows.count)
    return out
  }

  /// `Y ← Y + X[:, 0..<columns] Q[rows.lowerBound ..< rows.lowerBound + columns, :]`.
  func addTimes(block q: VectorBlock, rows: Range<Int>, to y: inout VectorBlock, columns: Int) {
    guard columns > 0, q.count > 0 else { return }
    let (n, m) = (Int32(length), Int32(q.count))
    values.withUnsafeBufferPointer { x in
      q.values.withUnsafeBufferPointer { qv in
        y.values.withUnsafeMutableBufferPointer { yv in
          cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, n, m, Int32(columns), 1, x.baseAddress, n, qv.baseAddress! + rows.lowerBound,
            Int32(q.length), 1, yv.baseAddress, n)
        }
      }
    }
  }

  /// Each column `j` multiplied by `scales[j]`.
  func scaled(by scales: [Double]) -> VectorBlock {
    var out = self
    for j in 0..<count { out.withMutableColumn(j) { column in for i in 0..<length { column[i] *= scales[j] } } }
    return out
  }

  /// The columns `kept`, in that order.
  func selecting(_ kept: [Int]) -> VectorBlock {
    VectorBlock(length: length, columns: kept.map { j in Array(values[(j * length)..<((j + 1) * length)]) })
  }

  /// `X R⁻¹` for the upper-triangular `order × order` column-major `r` (the first `order`
  /// columns).
  func rightDivided(by r: [Double], order: Int) -> VectorBlock {
    guard order > 0 else { return self }
    var out = self
    out.values.withUnsafeMutableBufferPointer { x in
      cblas_dtrsm(
        CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(length), Int32(order), 1, r, Int32(order),
        x.baseAddress, Int32(length))
    }
    return out
  }

  /// QR by classical Gram–Schmidt with re-orthogonalization: the orthonormal block, `R`
  /// (upper triangular, column-major, over the kept columns) and the kept column indices —
  /// columns numerically dependent on earlier ones are dropped.
  func orthonormalized() -> (q: VectorBlock, r: [Double], kept: [Int]) {
    var q = VectorBlock(length: length, count: 0)
    var columns = [[Double]](), kept = [Int]()
    let largest = (0..<count).map(columnNorm).max() ?? 0
    for j in 0..<count {
      var w = Array(values[(j * length)..<((j + 1) * length)])
      var coefficients = [Double](repeating: 0, count: q.count)
      for _ in 0..<2 {
        let h = q.transposedTimes(w)
        q.subtractTimes(h, from: &w)
        for i in 0..<h.count { coefficients[i] += h[i] }
      }
      let norm = VectorBlock.norm(w)
      guard norm > 1e-12 * largest, norm > 0 else { continue }
      q.values += w.map { $0 / norm }
      q.count += 1
      columns.append(coefficients + [norm])
      kept.append(j)
    }
    let k = kept.count
    var r = [Double](repeating: 0, count: k * k)
    for (j, column) in columns.enumerated() { for (i, value) in column.enumerated() { r[j * k + i] = value } }
    return (q, r, kept)
  }

  /// `‖x‖₂`.
  static func norm(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { Vector.norm($0) } }

  /// `xᵀ y`.
  static func dot(_ x: [Double], _ y: [Double]) -> Double {
    x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { Vector.dot(xp, $0) } }
  }
}
