import CBLAS

/// A register-blocked single-precision GEMM kernel for the small, repeated products of the
/// Winograd convolution: `C = A · B` with `A` `[m, k]` (m, k the channel counts, 8–64) packed
/// once and reused for many `B` `[k, n]` (n up to a few hundred tiles).
///
/// At these shapes BLAS repacks the tile matrix on every call, one copy per 32 multiply-adds:
/// on the MgNO shapes (32 channels, 256 tiles) its packing took a third as long as its kernel,
/// and on 32 × 32 × (64…256) products this kernel runs 1.4–1.5× faster than `cblas_sgemm`
/// (OpenBLAS, one core, packing of `A` included).
/// Here `A` is packed once per convolution into panels of ``panelRows`` rows, `B` is read where
/// the tile transform wrote it, and each panel times 24 (16, 8) columns of `B` accumulates in
/// twelve (eight, four) AVX registers over the whole depth `k` — the register blocking of
/// Goto & van de Geijn's micro-kernels (ACM TOMS 34(3), 2008) without their packed `B`.
///
/// The kernel needs fused multiply-adds, which Swift emits only when the whole build targets a
/// CPU with FMA (`make` passes `-target-cpu haswell` and defines `OPERATORKIT_FMA` on such
/// machines; without FMA the same code ran at a third of the speed). Other builds pack `A`
/// row-major and call `cblas_sgemm`, whose kernels OpenBLAS picks at run time.
///
/// Columns are processed in groups of 8: `B` and `C` must be readable (and `C` writable) up to
/// `n` rounded up to a multiple of 8 in every row; the extra columns of `C` receive values that
/// mean nothing.
enum PanelGEMM {
  /// Rows of `A` per packed panel (and of `C` per micro-kernel).
  static let panelRows = 4

  /// Floats of a packed `[m, k]` matrix: `⌈m/4⌉` panels of `k × 4`, rows past `m` zero
  /// (row-major `[m, k]` without FMA).
  static func packedCount(rows m: Int, depth k: Int) -> Int {
    #if OPERATORKIT_FMA
      (m + panelRows - 1) / panelRows * panelRows * k
    #else
      m * k
    #endif
  }

  /// Packs `A` (`m × k`, element `(r, c)` at `a[r · rowStride + c · columnStride]`) into
  /// panels `[⌈m/4⌉][k][4]`, rows past `m` zero (row-major `[m, k]` without FMA).
  static func pack(
    _ a: UnsafePointer<Float>, rows m: Int, depth k: Int, rowStride: Int, columnStride: Int, into packed: UnsafeMutablePointer<Float>
  ) {
    #if OPERATORKIT_FMA
      for panel in 0..<(m + panelRows - 1) / panelRows {
        for c in 0..<k {
          for r in 0..<panelRows {
            let row = panel * panelRows + r
            packed[(panel * k + c) * panelRows + r] = row < m ? a[row * rowStride + c * columnStride] : 0
          }
        }
      }
    #else
      for row in 0..<m { for c in 0..<k { packed[row * k + c] = a[row * rowStride + c * columnStride] } }
    #endif
  }

  /// `C = A · B` (overwritten): `A` packed by ``pack(_:rows:depth:rowStride:columnStride:into:)``,
  /// `B` `[k, n]` with row stride `ldb`, `C` `[m, n]` with row stride `ldc`.
  static func multiply(
    packed a: UnsafePointer<Float>, rows m: Int, depth k: Int, _ b: UnsafePointer<Float>, ldb: Int, columns n: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    #if OPERATORKIT_FMA
      for panel in 0..<(m + panelRows - 1) / panelRows {
        let (panelA, panelC, rows) = (a + panel * k * panelRows, c + panel * panelRows * ldc, min(panelRows, m - panel * panelRows))
        var j = 0
        while j + 24 <= n {
          product(panelA, depth: k, b + j, ldb: ldb, panelC + j, ldc: ldc, rows: rows, vectors: 3)
          j += 24
        }
        if j + 8 < n {
          product(panelA, depth: k, b + j, ldb: ldb, panelC + j, ldc: ldc, rows: rows, vectors: 2)
          j += 16
        }
        if j < n { product(panelA, depth: k, b + j, ldb: ldb, panelC + j, ldc: ldc, rows: rows, vectors: 1) }
      }
    #else
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(ldb), 0, c, Int32(ldc))
    #endif
  }

  /// One panel of `C`: `rows` (≤ 4) rows and `8 · vectors` columns, `C = A_panel · B` over
  /// depth `k`, accumulated in registers and stored once.
  @inline(__always)
  private static func product(
    _ a: UnsafePointer<Float>, depth k: Int, _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int,
    rows: Int, vectors: Int
  ) {
    typealias V = SIMD8<Float>
    // acc[r][v]: row r of the panel, columns 8v…8v+7.
    var (c00, c01, c02, c10, c11, c12) = (V(), V(), V(), V(), V(), V())
    var (c20, c21, c22, c30, c31, c32) = (V(), V(), V(), V(), V(), V())
    var (row, weights) = (UnsafeRawPointer(b), a)
    let step = ldb * MemoryLayout<Float>.stride
    for _ in 0..<k {
      // C_panel += a_col ⊗ b_row: four broadcasts of A's column times B's row.
      let b0 = row.loadUnaligned(as: V.self)
      let b1 = vectors > 1 ? (row + 32).loadUnaligned(as: V.self) : V()
      let b2 = vectors > 2 ? (row + 64).loadUnaligned(as: V.self) : V()
      var w = V(repeating: weights[0])
      c00 = c00.addingProduct(w, b0)
      if vectors > 1 { c01 = c01.addingProduct(w, b1) }
      if vectors > 2 { c02 = c02.addingProduct(w, b2) }
      w = V(repeating: weights[1])
      c10 = c10.addingProduct(w, b0)
      if vectors > 1 { c11 = c11.addingProduct(w, b1) }
      if vectors > 2 { c12 = c12.addingProduct(w, b2) }
      w = V(repeating: weights[2])
      c20 = c20.addingProduct(w, b0)
      if vectors > 1 { c21 = c21.addingProduct(w, b1) }
      if vectors > 2 { c22 = c22.addingProduct(w, b2) }
      w = V(repeating: weights[3])
      c30 = c30.addingProduct(w, b0)
      if vectors > 1 { c31 = c31.addingProduct(w, b1) }
      if vectors > 2 { c32 = c32.addingProduct(w, b2) }
      row += step
      weights += panelRows
    }
    @inline(__always) func store(_ row: Int, _ v0: V, _ v1: V, _ v2: V) {
      let target = UnsafeMutableRawPointer(c + row * ldc)
      target.storeBytes(of: v0, as: V.self)
      if vectors > 1 { (target + 32).storeBytes(of: v1, as: V.self) }
      if vectors > 2 { (target + 64).storeBytes(of: v2, as: V.self) }
    }
    store(0, c00, c01, c02)
    if rows > 1 { store(1, c10, c11, c12) }
    if rows > 2 { store(2, c20, c21, c22) }
    if rows > 3 { store(3, c30, c31, c32) }
  }
}
