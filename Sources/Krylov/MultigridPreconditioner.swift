import Grids
import Parallelism
import Sparse

/// One geometric multigrid V-cycle as a preconditioner, for systems assembled on a
/// ``GridLayout`` (any dimension, centring, coefficient and boundary conditions).
///
/// - Hierarchy: ``GridTransfer/hierarchy(for:coarsestUnknowns:)`` halves the unknowns per axis;
///   prolongation `P` is (bi/tri)linear interpolation, restriction is `R = Pᵀ`, and coarse
///   operators are Galerkin products `A_c = Pᵀ A P`, so jumps in the coefficient are represented
///   on every level.
/// - Smoother: Gauss–Seidel, forward sweeps before the coarse correction and backward sweeps
///   after, which makes the cycle a symmetric positive definite `M⁻¹` for SPD `A` (usable in CG).
///   With two unknowns per grid point (a complex operator in real interleaved form,
///   ``Options/componentsPerPoint``), each point's 2×2 block is solved exactly: complex
///   Gauss–Seidel, the smoother of the complex shifted Laplacian (``ShiftedLaplacian``).
///   With several workers each takes a contiguous block of rows and reads the other blocks'
///   values from before the sweep ("hybrid" Gauss–Seidel, as in hypre), so results do not
///   depend on thread timing.
/// - Coarsest level: a direct UMFPACK solve.
///
/// References: Briggs, Henson, McCormick 2000, *A Multigrid Tutorial*; Trottenberg, Oosterlee,
/// Schüller 2001, *Multigrid*, ch. 2 and 7 (Galerkin coarse operators).
public final class MultigridPreconditioner: Preconditioner {
  /// Cycle shape and sizes.
  public struct Options: Sendable {
    /// Gauss–Seidel sweeps before the coarse correction (default 1).
    public var preSmoothing: Int
    /// Gauss–Seidel sweeps after the coarse correction (default 1; equal to `preSmoothing`
    /// keeps the cycle symmetric).
    public var postSmoothing: Int
    /// Stop coarsening once a level has at most this many grid points (default 256).
    public var coarsestUnknowns: Int
    /// Unknowns per grid point: 1, or 2 for a complex operator in real interleaved form
    /// (`x[2p] = Re u_p`, `x[2p+1] = Im u_p`; transfers act on both parts alike).
    public var componentsPerPoint: Int

    /// Options with the documented defaults.
    public init(preSmoothing: Int = 1, postSmoothing: Int = 1, coarsestUnknowns: Int = 256, componentsPerPoint: Int = 1) {
      self.preSmoothing = preSmoothing
      self.postSmoothing = postSmoothing
      self.coarsestUnknowns = coarsestUnknowns
      self.componentsPerPoint = componentsPerPoint
    }
  }

  private let levels: [MultigridLevel]
  private let coarseSolver: LUFactorization
  private let options: Options

  /// Builds the hierarchy for `matrix`, assembled on `layout`.
  /// - Throws: ``KrylovError/dimensionMismatch(_:)`` if the matrix does not fit the layout (times
  ///   the components per point, 1 or 2); ``KrylovError/preconditionerFailed(_:)`` for a zero
  ///   diagonal (singular diagonal block); SuiteSparse errors from the coarsest factorization.
  public init(matrix: CSRMatrix, layout: GridLayout, options: Options = Options()) throws {
    let components = options.componentsPerPoint
    guard components == 1 || components == 2 else {
      throw KrylovError.dimensionMismatch("multigrid takes 1 or 2 unknowns per grid point, got \(components)")
    }
    let unknowns = layout.unknownCount * components
    guard matrix.rowCount == unknowns, matrix.columnCount == unknowns else {
      throw KrylovError.dimensionMismatch(
        "matrix \(matrix.rowCount)x\(matrix.columnCount) on a grid of \(layout.unknownCount) points x \(components) unknowns")
    }
    self.options = options
    var levels: [MultigridLevel] = []
    var a = matrix
    for transfer in GridTransfer.hierarchy(for: layout, coarsestUnknowns: options.coarsestUnknowns) {
      var p = try prolongation(transfer)
      if components > 1 { p = KroneckerProduct(factors: p.factors + [CSRMatrix.identity(components)]) }
      let r = p.transposed()
      levels.append(try MultigridLevel(matrix: a, prolongation: p, restriction: r, componentsPerPoint: components))
      a = try a.galerkinProduct(restriction: r, prolongation: p.assembled())
    }
    levels.append(try MultigridLevel(matrix: a, prolongation: nil, restriction: nil, componentsPerPoint: components))
    self.levels = levels
    coarseSolver = try LUFactorization(a)
  }

  /// Number of levels, finest included.
  public var levelCount: Int { levels.count }

  /// Unknowns per level, finest first.
  public var levelSizes: [Int] { levels.map(\.matrix.rowCount) }

  /// Operator complexity `Σ nnz(A_l) / nnz(A_0)` (memory and work per cycle relative to the
  /// fine matrix).
  public var operatorComplexity: Double {
    Double(levels.reduce(0) { $0 + $1.matrix.nonzeroCount }) / Double(levels[0].matrix.nonzeroCount)
  }

  /// `z = V-cycle(r)`, starting from a zero guess.
  public func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>) {
    // The finest level works on `r` and `z` themselves for the cycle (no copies).
    precondition(r.count == levels[0].matrix.rowCount && z.count == r.count, "multigrid: vector sizes do not match")
    levels[0].withVectors(b: r, x: z) { cycle(0) }
  }

  /// Solves `A_l x_l = b_l` approximately from `x_l = 0`.
  private func cycle(_ l: Int) {
    let level = levels[l]
    if l == levels.count - 1 {
      // Safe: the factorization's size equals the level's, checked at construction.
      let x = (try? coarseSolver.solve(Array(level.b))) ?? Array(repeating: 0, count: level.b.count)
      _ = level.x.update(fromContentsOf: x)
      return
    }
    // The last pre-smoothing sweep also leaves the residual behind it.
    for sweep in 0..<options.preSmoothing {
      level.smooth(forward: true, fromZero: sweep == 0, computingResidual: sweep == options.preSmoothing - 1)
    }
    if options.preSmoothing == 0 {
      level.zeroSolution()
      level.computeResidual()
    }
    let coarse = levels[l + 1]
    level.restrictResidual(into: coarse)
    cycle(l + 1)
    level.addProlongedCorrection(from: coarse)
    for _ in 0..<options.postSmoothing { level.smooth(forward: false, fromZero: false) }
  }
}

/// The prolongation `P = P₀ ⊗ P₁ ⊗ …`, the Kronecker product of the per-axis interpolation
/// matrices (row-major unknown numbering puts axis 0 outermost).
func prolongation(_ transfer: GridTransfer) throws -> KroneckerProduct {
  let factors = try transfer.axisWeights.enumerated().map { axis, weights in
    var rows = [Int32](), columns = [Int32](), values = [Double]()
    for (i, list) in weights.enumerated() {
      for (c, w) in list {
        rows.append(Int32(i))
        columns.append(Int32(c))
        values.append(w)
      }
    }
    return try CSRMatrix(
      rowCount: weights.count, columnCount: transfer.coarseCounts[axis], rows: rows, columns: columns, values: values)
  }
  return KroneckerProduct(factors: factors)
}

/// Matrices and vectors of one multigrid level.
final class MultigridLevel {
  let matrix: CSRMatrix
  /// From the next coarser level to this one; nil on the coarsest level.
  let prolongation: KroneckerProduct?
  /// `Pᵀ`, from this level to the next coarser one.
  let restriction: KroneckerProduct?
  /// Intermediate tensors of the transfers.
  let transferWorkspace = KroneckerWorkspace()
  /// `1 / a_ii` per row, or with two unknowns per point the inverse 2×2 diagonal blocks (4
  /// values per point, ``inversePairBlocks(_:)``).
  let inverseDiagonal: [Double]
  /// Unknowns per grid point (1 or 2).
  let componentsPerPoint: Int
  /// The largest `|i − j|` over the entries `a_ij`: how far a row's residual lags the sweep.
  let bandwidth: Int
  /// The level's solution and right-hand side: its own buffers, or for the duration of
  /// ``withVectors(b:x:_:)`` the caller's.
  private(set) var x: UnsafeMutableBufferPointer<Double>
  private(set) var b: UnsafeMutableBufferPointer<Double>
  let residual: UnsafeMutableBufferPointer<Double>
  /// `x` before a parallel sweep, read across block boundaries (only the rows within
  /// `bandwidth` of a boundary between workers' blocks are current).
  let previous: UnsafeMutableBufferPointer<Double>
  private let ownX: UnsafeMutableBufferPointer<Double>
  private let ownB: UnsafeMutableBufferPointer<Double>

  init(
    matrix: CSRMatrix, prolongation: KroneckerProduct?, restriction: KroneckerProduct?, componentsPerPoint: Int = 1
  ) throws {
    if componentsPerPoint == 2 {
      inverseDiagonal = try inversePairBlocks(matrix)
    } else {
      var d = matrix.diagonal()
      if let i = d.firstIndex(where: { $0 == 0 || !$0.isFinite }) {
        throw KrylovError.preconditionerFailed("multigrid smoother needs a nonzero diagonal; A[\(i), \(i)] = \(d[i])")
      }
      for i in d.indices { d[i] = 1 / d[i] }
      inverseDiagonal = d
    }
    self.componentsPerPoint = componentsPerPoint
    self.matrix = matrix
    self.prolongation = prolongation
    self.restriction = restriction
    bandwidth = matrix.bandwidth
    // Allocated, not filled: every entry is written before it is read (b by the restriction or
    // the caller, x by the first sweep from zero or the coarse solve, the residual by the fused
    // sweep, the halos of `previous` before each sweep), and pages never touched cost neither
    // time nor memory — the finest level's own x and b are not used by `apply` at all.
    let n = matrix.rowCount
    let vector = { UnsafeMutableBufferPointer<Double>.allocate(capacity: n) }
    (ownX, ownB, residual, previous) = (vector(), vector(), vector(), vector())
    (x, b) = (ownX, ownB)
  }

  deinit {
    for v in [ownX, ownB, residual, previous] { v.deallocate() }
  }

  /// Runs `body` with `b` and `x` being the caller's vectors (`b` only read).
  func withVectors(b: UnsafeBufferPointer<Double>, x: UnsafeMutableBufferPointer<Double>, _ body: () -> Void) {
    (self.b, self.x) = (UnsafeMutableBufferPointer(mutating: b), x)
    defer { (self.b, self.x) = (ownB, ownX) }
    body()
  }

  func zeroSolution() {
    x.update(repeating: 0)
  }

  /// `residual ← b − A x`.
  func computeResidual() {
    matrix.residual(UnsafeBufferPointer(b), UnsafeBufferPointer(x), into: residual)
  }

  /// `b_coarse ← R · residual`.
  func restrictResidual(into coarse: MultigridLevel) {
    guard let restriction else { return }
    restriction.multiply(UnsafeBufferPointer(residual), into: coarse.b, workspace: transferWorkspace)
  }

  /// `x ← x + P · x_coarse`.
  func addProlongedCorrection(from coarse: MultigridLevel) {
    guard let prolongation else { return }
    prolongation.multiplyAdd(UnsafeBufferPointer(coarse.x), into: x, workspace: transferWorkspace)
  }

  /// One Gauss–Seidel sweep on `A x = b`, rows in increasing (`forward`) or decreasing order.
  /// With `fromZero`, the sweep starts from `x = 0` whatever `x` holds (a forward sweep then
  /// reads only values it has already updated, so `x` needs neither zeroing nor a halo copy).
  /// With `computingResidual` (forward sweeps), `residual = b − A x` is computed as well, each
  /// row `bandwidth` rows behind the sweep while the values it reads are still in cache — one
  /// pass over the matrix instead of two. Rows within `bandwidth` of another worker's block
  /// wait until every block is swept.
  func smooth(forward: Bool, fromZero: Bool, computingResidual: Bool = false) {
    precondition(!fromZero || forward, "a sweep from zero runs forward")
    precondition(!computingResidual || forward, "the residual follows a forward sweep")
    if componentsPerPoint == 2 {
      smoothPairs(forward: forward, fromZero: fromZero)
      if computingResidual { computeResidual() }
      return
    }
    let n = matrix.rowCount
    let (workers, block) = workerBlocks(fromZero: fromZero)
    withSweepPointers { rowPointers, columns, values, inverseDiagonal in
      let sweep = GaussSeidelSweep(
        rowPointers: rowPointers, columns: columns, values: values, inverseDiagonal: inverseDiagonal,
        b: UnsafePointer(b.baseAddress!), old: UnsafePointer(previous.baseAddress!), x: x.baseAddress!,
        residual: residual.baseAddress!, bandwidth: bandwidth, rowCount: n)
      Parallel.forEach(count: workers) { w in
        sweep.run(rows: block(w), forward: forward, fromZero: fromZero, computingResidual: computingResidual)
      }
      if computingResidual {
        Parallel.forEach(count: workers) { w in sweep.residualRowsLeft(by: block(w)) }
      }
    }
  }
}

extension MultigridLevel {
  /// The grid points (``componentsPerPoint`` unknowns each) split into one contiguous block per
  /// worker. For a sweep that reads `x` as it was (not from zero), the values within `bandwidth`
  /// of each boundary between blocks — the only ones another worker reads — are first copied
  /// into `previous`.
  fileprivate func workerBlocks(fromZero: Bool) -> (count: Int, block: (Int) -> Range<Int>) {
    let points = matrix.rowCount / componentsPerPoint
    let workers = Parallel.workers(forWork: matrix.nonzeroCount, perWorker: 50_000)
    let block = { (w: Int) in (points * w / workers)..<(points * (w + 1) / workers) }
    if workers > 1 && !fromZero {
      for w in 1..<workers {
        let edge = componentsPerPoint * block(w).lowerBound
        for i in max(0, edge - bandwidth)..<min(matrix.rowCount, edge + bandwidth) { previous[i] = x[i] }
      }
    }
    return (workers, block)
  }

  /// One complex (point-block) Gauss–Seidel sweep over the grid points, two unknowns each
  /// (``PairGaussSeidelSweep``), blocks of points split among workers as in the scalar sweep.
  fileprivate func smoothPairs(forward: Bool, fromZero: Bool) {
    let (workers, block) = workerBlocks(fromZero: fromZero)
    withSweepPointers { rowPointers, columns, values, inverseBlocks in
      let sweep = PairGaussSeidelSweep(
        rowPointers: rowPointers, columns: columns, values: values, inverseBlocks: inverseBlocks,
        b: UnsafePointer(b.baseAddress!), old: UnsafePointer(previous.baseAddress!), x: x.baseAddress!, bandwidth: bandwidth)
      Parallel.forEach(count: workers) { w in sweep.run(points: block(w), forward: forward, fromZero: fromZero) }
    }
  }

  /// `body` with base pointers to the matrix's row pointers, columns and values and to
  /// ``inverseDiagonal``, which the sweeps read.
  fileprivate func withSweepPointers(
    _ body: (UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Double>, UnsafePointer<Double>) -> Void
  ) {
    matrix.rowPointers.withUnsafeBufferPointer { rp in
      matrix.columnIndices.withUnsafeBufferPointer { ci in
        matrix.values.withUnsafeBufferPointer { v in
          inverseDiagonal.withUnsafeBufferPointer { d in body(rp.baseAddress!, ci.baseAddress!, v.baseAddress!, d.baseAddress!) }
        }
      }
    }
  }
}

/// Raw pointers for one Gauss–Seidel sweep; workers write disjoint row blocks of `x` and read
/// other blocks only through `old`, so sharing them across threads is safe.
private struct GaussSeidelSweep: @unchecked Sendable {
  let rowPointers: UnsafePointer<Int32>
  let columns: UnsafePointer<Int32>
  let values: UnsafePointer<Double>
  let inverseDiagonal: UnsafePointer<Double>
  let b: UnsafePointer<Double>
  let old: UnsafePointer<Double>
  let x: UnsafeMutablePointer<Double>
  let residual: UnsafeMutablePointer<Double>
  let bandwidth: Int
  let rowCount: Int

  /// The rows of block `rows` whose residual the fused sweep computes: all but those within
  /// `bandwidth` of a neighbouring block, whose values are still changing while this block
  /// is swept.
  func fusedResidualRows(_ rows: Range<Int>) -> Range<Int> {
    let start = rows.lowerBound > 0 ? min(rows.lowerBound + bandwidth, rows.upperBound) : rows.lowerBound
    let stop = rows.upperBound < rowCount ? max(rows.upperBound - bandwidth, start) : rows.upperBound
    return start..<stop
  }

  /// `residual_k = b_k − Σ_j a_kj x_j`.
  @inline(__always) func residualRow(_ k: Int) {
    var s = b[k]
    for t in Int(rowPointers[k])..<Int(rowPointers[k + 1]) { s -= values[t] * x[Int(columns[t])] }
    residual[k] = s
  }

  /// The residuals of block `rows` that the fused sweep left (after every block is swept).
  func residualRowsLeft(by rows: Range<Int>) {
    let fused = fusedResidualRows(rows)
    for k in rows.lowerBound..<fused.lowerBound { residualRow(k) }
    for k in fused.upperBound..<rows.upperBound { residualRow(k) }
  }

  /// x_i ← (b_i − Σ_{j≠i} a_ij x_j) / a_ii for the rows of one block. `fromZero`: the sweep
  /// starts from x = 0, so only this block's already-updated rows (j < i) contribute. With
  /// `computingResidual` (forward only), row `k`'s residual is computed once the sweep has
  /// passed row `k + bandwidth`, for the rows ``fusedResidualRows(_:)`` names.
  func run(rows: Range<Int>, forward: Bool, fromZero: Bool, computingResidual: Bool) {
    let lo = Int32(rows.lowerBound), hi = Int32(rows.upperBound)
    @inline(__always) func relax(_ i: Int) {
      var s = b[i]
      let row = Int32(i)
      for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
        let j = columns[k]
        if j == row { continue }
        s -= values[k] * (j >= lo && j < hi ? x[Int(j)] : old[Int(j)])
      }
      x[i] = s * inverseDiagonal[i]
    }
    @inline(__always) func relaxFromZero(_ i: Int) {
      var s = b[i]
      let row = Int32(i)
      for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) {
        let j = columns[k]
        if j >= lo && j < row { s -= values[k] * x[Int(j)] }
      }
      x[i] = s * inverseDiagonal[i]
    }
    // Rows whose entries all lie in this block update in residual form, x_i += r_i / a_ii, with
    // no test per entry (from zero, the block is zeroed first so unswept rows read as zero).
    let inner = innerRows(rows)
    @inline(__always) func relaxInner(_ i: Int) {
      var s = b[i]
      for k in Int(rowPointers[i])..<Int(rowPointers[i + 1]) { s -= values[k] * x[Int(columns[k])] }
      x[i] += s * inverseDiagonal[i]
    }
    @inline(__always) func step(_ i: Int) {
      if i >= inner.lowerBound && i < inner.upperBound {
        relaxInner(i)
      } else if fromZero {
        relaxFromZero(i)
      } else {
        relax(i)
      }
    }
    if fromZero { (x + rows.lowerBound).update(repeating: 0, count: rows.count) }
    if computingResidual {
      let fused = fusedResidualRows(rows)
      var next = fused.lowerBound
      for i in rows {
        step(i)
        while next < fused.upperBound && next + bandwidth <= i {
          residualRow(next)
          next += 1
        }
      }
      while next < fused.upperBound {
        residualRow(next)
        next += 1
      }
      return
    }
    if forward { for i in rows { step(i) } } else { for i in rows.reversed() { step(i) } }
  }

  /// The rows of block `rows` whose entries all lie inside the block (all of them for a block
  /// that is the whole matrix): the same rows ``fusedResidualRows(_:)`` names.
  func innerRows(_ rows: Range<Int>) -> Range<Int> { fusedResidualRows(rows) }
}
