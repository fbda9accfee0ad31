import CBLAS
import Dispatch
import Parallelism

/// Matrix products on BLAS (`cblas_sgemm`).
extension Tensor {
  /// The matrix product over the last two axes, `[…, m, k] × […, k, n] → […, m, n]`.
  ///
  /// Leading (batch) axes must be equal, or `b` may be a plain `[k, n]` matrix shared by every
  /// batch entry. Gradients: `∂a = g bᵀ`, `∂b = aᵀ g` (summed over the batch when `b` is shared).
  /// - Throws: ``TensorError/shapeMismatch(operation:shapes:)`` naming both shapes.
  public func matmul(_ b: Tensor) throws -> Tensor {
    let a = self
    guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2],
      b.rank == 2 || Array(a.shape.dropLast(2)) == Array(b.shape.dropLast(2))
    else { throw TensorError.shapeMismatch(operation: "matmul", shapes: [a.shape, b.shape]) }
    try a.checkFinite("matmul (left operand \(a.shape))")
    try b.checkFinite("matmul (right operand \(b.shape))")
    let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
    let batch = a.shape.dropLast(2).reduce(1, *)
    let shared = b.rank == 2 && a.rank > 2
    let outShape = Array(a.shape.dropLast(2)) + [m, n]
    // GEMM writes every element (β = 0), so the output needs no zero fill.
    let out = [Float](unsafeUninitializedCapacity: batch * m * n) { z, initialized in
      a.scalars.withUnsafeBufferPointer { x in
        b.scalars.withUnsafeBufferPointer { y in
          if shared {
            // One GEMM: the batch folds into the rows of a.
            sgemm(x.baseAddress!, y.baseAddress!, z.baseAddress!, batch * m, k, n)
          } else {
            for s in 0..<batch {
              sgemm(x.baseAddress! + s * m * k, y.baseAddress! + s * k * n, z.baseAddress! + s * m * n, m, k, n)
            }
          }
        }
      }
      initialized = batch * m * n
    }
    let (da, db) = (a.detached, b.detached)
    return GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: [a, b]) { g in
      // The transposes stay inside GEMM (no transposed copies); the gradients are constants.
      let ga = Tensor.product(
        g, db, transposingRight: true, batch: shared ? 1 : batch, rows: shared ? batch * m : m, inner: n, columns: k, shape: da.shape)
      let gb = Tensor.product(
        da, g, transposingLeft: true, batch: shared ? 1 : batch, rows: k, inner: shared ? batch * m : m, columns: n, shape: db.shape)
      return [ga, gb]
    }
  }

  /// `op(L) op(R)` per batch entry, with `op` the transpose where asked: `rows × columns`
  /// results from `inner`-long dot products, `L` and `R` stored row-major as given; returned with
  /// `shape`. Not recorded.
  private static func product(
    _ l: Tensor, _ r: Tensor, transposingLeft: Bool = false, transposingRight: Bool = false, batch: Int, rows: Int, inner: Int,
    columns: Int, shape: [Int]
  ) -> Tensor {
    let out = [Float](unsafeUninitializedCapacity: batch * rows * columns) { z, initialized in
      l.scalars.withUnsafeBufferPointer { x in
        r.scalars.withUnsafeBufferPointer { y in
          for s in 0..<batch {
            gemm(
              x.baseAddress! + s * rows * inner, transposeA: transposingLeft, y.baseAddress! + s * inner * columns,
              transposeB: transposingRight, z.baseAddress! + s * rows * columns, m: rows, n: columns, k: inner, accumulate: false)
          }
        }
      }
      initialized = batch * rows * columns
    }
    return Tensor(unchecked: shape, out)
  }
}

/// `C = A B` for row-major `A` (m×k), `B` (k×n), `C` (m×n).
@inline(__always)
private func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ m: Int, _ k: Int, _ n: Int) {
  gemm(a, transposeA: false, b, transposeB: false, c, m: m, n: n, k: k, accumulate: false)
}

/// `C ← op(A) op(B) (+ C when accumulating)` for row-major storage, where `op` transposes when
/// asked; `op(A)` is m×k and `op(B)` is k×n. Large products are split into blocks of rows of
/// `C` (or of columns, when `C` is wide and short), one single-threaded `cblas_sgemm` per worker.
func gemm(
  _ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool, _ c: UnsafeMutablePointer<Float>,
  m: Int, n: Int, k: Int, accumulate: Bool
) {
  guard m > 0, n > 0 else { return }
  if k == 0 {
    if !accumulate { c.update(repeating: 0, count: m * n) }
    return
  }
  let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
  // One block: rows `rows` and columns `columns` of C.
  let block = { (rows: Range<Int>, columns: Range<Int>) in
    let aBlock = a + rows.lowerBound * (transposeA ? 1 : lda)
    let bBlock = b + columns.lowerBound * (transposeB ? ldb : 1)
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(rows.count),
      Int32(columns.count), Int32(k), 1, aBlock, Int32(lda), bBlock, Int32(ldb), accumulate ? 1 : 0,
      c + rows.lowerBound * n + columns.lowerBound, Int32(n))
  }
  // About 2^18 multiply-adds per worker pay for the hand-off.
  let workers = Parallel.workers(forWork: m * n * k, perWorker: 1 << 18)
  guard workers > 1 else { return block(0..<m, 0..<n) }
  let byRows = m >= n || m >= 16 * workers
  Parallel.forEach(count: workers) { w in
    if byRows {
      block(m * w / workers..<m * (w + 1) / workers, 0..<n)
    } else {
      block(0..<m, n * w / workers..<n * (w + 1) / workers)
    }
  }
}
