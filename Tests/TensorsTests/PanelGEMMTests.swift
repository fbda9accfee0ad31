import TestSupport
import XCTest

@testable import Tensors

/// The Winograd convolution's register-blocked GEMM against a triple loop in double
/// precision: row counts that fill 4-row panels and leave 1–3 rows over, column counts that
/// take the 24-, 16- and 8-column paths and a partial group, `A` read row-major and transposed
/// (the adjoint convolution's kernels).
final class PanelGEMMTests: XCTestCase {
  func testProductMatchesTripleLoop() {
    for (m, k, n) in [(1, 1, 1), (4, 3, 8), (5, 7, 9), (32, 32, 64), (13, 6, 47), (3, 17, 24), (8, 2, 40), (30, 20, 100)] {
      for transposed in [false, true] {
        let ldb = n + 11, ldc = n + 13  // columns up to n rounded to 8 stay inside a row
        let a = randomTensor([m * k], seed: UInt64(m * 100 + k)).scalars
        let b = randomTensor([k * ldb], seed: UInt64(n * 10 + k)).scalars
        // A(r, c) at a[r·k + c] (row-major) or a[c·m + r] (stored transposed).
        let (rowStride, columnStride) = transposed ? (1, m) : (k, 1)
        var packed = [Float](repeating: .nan, count: PanelGEMM.packedCount(rows: m, depth: k))
        var c = [Float](repeating: .nan, count: m * ldc)
        a.withUnsafeBufferPointer { a in
          packed.withUnsafeMutableBufferPointer { p in
            PanelGEMM.pack(a.baseAddress!, rows: m, depth: k, rowStride: rowStride, columnStride: columnStride, into: p.baseAddress!)
          }
        }
        packed.withUnsafeBufferPointer { p in
          b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
              PanelGEMM.multiply(
                packed: p.baseAddress!, rows: m, depth: k, b.baseAddress!, ldb: ldb, columns: n, into: c.baseAddress!, ldc: ldc)
            }
          }
        }
        var worst = 0.0
        for r in 0..<m {
          for j in 0..<n {
            var exact = 0.0
            for t in 0..<k { exact += Double(a[r * rowStride + t * columnStride]) * Double(b[t * ldb + j]) }
            worst = max(worst, abs(Double(c[r * ldc + j]) - exact) / (1 + abs(exact)))
          }
        }
        XCTAssertLessThan(worst, 1e-5, "m \(m), k \(k), n \(n), transposed \(transposed)")
        // Past the last row nothing is written.
        XCTAssertTrue(c[(m - 1) * ldc + (n + 7) / 8 * 8..<m * ldc].allSatisfy(\.isNaN), "m \(m), n \(n)")
      }
    }
  }
}
