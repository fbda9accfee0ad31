/// Restarted GMRES(m) with right preconditioning, for general (nonsymmetric, indefinite) systems.
///
/// Each cycle builds an Arnoldi basis of `A M⁻¹` from the current residual and minimizes
/// `‖b − A x‖₂` over `x + M⁻¹ V_k y` by Givens rotations; with right preconditioning the
/// minimized residual is the true one, so the stopping test sees `‖b − A x‖` (recomputed
/// explicitly at each restart). A cycle that reduces the residual by less than one part in 10¹²
/// ends the solve with ``StopReason/stagnation``.
///
/// References: Saad & Schultz 1986, "GMRES: a generalized minimal residual algorithm for solving
/// nonsymmetric linear systems"; Saad 2003, Alg. 9.5 (right-preconditioned GMRES).
public final class GMRES: KrylovSolver {
  /// Tolerances, caps (``SolverOptions/restart`` is `m`) and history recording.
  public let options: SolverOptions
  private let arnoldi: ArnoldiBasis
  private var workspace: SolverWorkspace

  /// A solver for systems of `size` unknowns; the basis holds `options.restart + 1` vectors.
  public init(size: Int, options: SolverOptions = SolverOptions()) {
    self.options = options
    arnoldi = ArnoldiBasis(size: size, capacity: max(1, options.restart))
    workspace = SolverWorkspace(size: size, count: 2)
  }

  /// The size the workspace is allocated for.
  public var size: Int { workspace.size }
  /// `"GMRES"`.
  public var methodName: String { "GMRES" }

  /// GMRES(m) cycles from `x`, `M⁻¹` applied on the right; the monitor sees every inner
  /// iteration with the (exact-arithmetic) residual norm. See ``KrylovSolver/solve(_:_:_:preconditioner:monitor:)``.
  public func iterate(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?,
    rule: StoppingRule, report started: inout SolveReport
  ) {
    let n = size
    let (tolerance, convergedReason) = (rule.tolerance, rule.convergedReason)
    let m = arnoldi.capacity
    let cap = options.iterationCap(size: n)
    let (r, z) = (workspace[0], workspace[1])
    let initial = started
    started = b.withUnsafeBufferPointer { b in
      x.withUnsafeMutableBufferPointer { x in
        var report = initial
        var cosines = [Double](repeating: 0, count: m), sines = cosines
        var g = [Double](repeating: 0, count: m + 1)
        var previousCycleNorm = Double.infinity
        // Columns of the rotated, upper-triangular H of the current cycle.
        var columns: [[Double]] = []
        while true {
          // r ← b − A x  (the true residual at every restart)
          a.apply(x.readOnly, into: r)
          report.matvecs += 1
          Vector.subtractFrom(b, r)
          let beta = Vector.norm(r.readOnly)
          report.residualNorm = beta
          if report.iterations == 0, options.recordHistory { report.residualHistory.append(beta) }
          guard beta.isFinite else { report.reason = .nonFinite; return report }
          if beta <= tolerance { report.reason = convergedReason; return report }
          if report.iterations >= cap { report.reason = .maxIterations; return report }
          if beta >= previousCycleNorm * (1 - 1e-12) { report.reason = .stagnation; return report }
          previousCycleNorm = beta

          arnoldi.start(with: r.readOnly, norm: beta)
          for k in 0...m { g[k] = 0 }
          g[0] = beta
          var k = 0
          var stop: StopReason?
          while k < m && report.iterations < cap {
            // w ← A M⁻¹ v_k, orthogonalized into v_{k+1}
            let subdiagonal = arnoldi.extend { v, w in
              applyPreconditioner(preconditioner, v, z)
              a.apply(z.readOnly, into: w)
            }
            report.matvecs += 1
            report.iterations += 1
            // Apply the previous rotations to column k of H, then make a new one for H[k+1, k].
            var column = (0...(k + 1)).map { arnoldi.h($0, k) }
            for i in 0..<k {
              let t = cosines[i] * column[i] + sines[i] * column[i + 1]
              column[i + 1] = -sines[i] * column[i] + cosines[i] * column[i + 1]
              column[i] = t
            }
            let radius = (column[k] * column[k] + subdiagonal * subdiagonal).squareRoot()
            guard radius.isFinite else { stop = .nonFinite; break }
            cosines[k] = radius == 0 ? 1 : column[k] / radius
            sines[k] = radius == 0 ? 0 : subdiagonal / radius
            columns.append(Array(column[0..<k]) + [radius])
            g[k + 1] = -sines[k] * g[k]
            g[k] = cosines[k] * g[k]
            let estimate = abs(g[k + 1])
            k += 1
            if options.recordHistory { report.residualHistory.append(estimate) }
            if estimate <= tolerance || subdiagonal == 0 { break }
            if let monitor, monitor(report.iterations, estimate) == .stop { stop = .stoppedByMonitor; break }
            if let limit = options.timeLimit, rule.elapsedSeconds > limit { stop = .timeLimit; break }
          }
          // y ← R⁻¹ g (back substitution on the rotated H), x ← x + M⁻¹ V y
          var y = [Double](repeating: 0, count: k)
          for i in stride(from: k - 1, through: 0, by: -1) {
            var s = g[i]
            for j in (i + 1)..<k { s -= columns[j][i] * y[j] }
            y[i] = columns[i][i] == 0 ? 0 : s / columns[i][i]
          }
          for i in 0..<n { r[i] = 0 }
          for j in 0..<k { Vector.axpy(y[j], UnsafeBufferPointer(arnoldi.vector(j)), r) }
          applyPreconditioner(preconditioner, r.readOnly, z)
          Vector.axpy(1, z.readOnly, x)
          columns.removeAll(keepingCapacity: true)
          if let stop {
            a.apply(x.readOnly, into: r)
            report.matvecs += 1
            Vector.subtractFrom(b, r)
            report.residualNorm = Vector.norm(r.readOnly)
            report.reason = report.residualNorm <= tolerance ? convergedReason : stop
            return report
          }
        }
      }
    }
  }
}
