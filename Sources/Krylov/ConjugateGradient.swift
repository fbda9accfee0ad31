/// The (preconditioned) conjugate gradient method for symmetric positive definite systems.
///
/// Minimizes the A-norm of the error over the Krylov space `x₀ + K_k(M⁻¹A, M⁻¹r₀)`. Stops when
/// the recursively updated residual satisfies `‖r‖ ≤ max(atol, rtol·‖b‖)`; detects an indefinite
/// operator (`pᵀAp ≤ 0`) or preconditioner (`rᵀz < 0`) and NaN instead of running on.
///
/// The workspace (four vectors) is allocated once per size; solving again with the same size
/// reallocates nothing, and every report starts its counts from zero.
///
/// References: Hestenes & Stiefel 1952, "Methods of conjugate gradients for solving linear
/// systems"; Saad 2003, *Iterative Methods for Sparse Linear Systems*, Alg. 9.1 (PCG).
public final class ConjugateGradient: KrylovSolver {
  /// Tolerances, caps and history recording.
  public var options: SolverOptions
  private var workspace: SolverWorkspace

  /// A solver for systems of `size` unknowns.
  public init(size: Int, options: SolverOptions = SolverOptions()) {
    self.options = options
    workspace = SolverWorkspace(size: size, count: 4)
  }

  /// The size the workspace is allocated for.
  public var size: Int { workspace.size }
  /// `"CG"`.
  public var methodName: String { "CG" }

  /// CG from `x`; the preconditioner must be SPD (nil for plain CG). See ``KrylovSolver/solve(_:_:_:preconditioner:monitor:)``.
  public func iterate(
    _ a: any LinearOperator, _ b: [Double], _ x: inout [Double], preconditioner: (any Preconditioner)?, monitor: SolverMonitor?,
    rule: StoppingRule, report started: inout SolveReport
  ) {
    let n = size
    let (tolerance, convergedReason) = (rule.tolerance, rule.convergedReason)
    let (r, z, p, q) = (workspace[0], workspace[1], workspace[2], workspace[3])
    let cap = options.iterationCap(size: n)
    let initial = started
    started = b.withUnsafeBufferPointer { b in
      x.withUnsafeMutableBufferPointer { x in
        var report = initial
        // r ← b − A x
        a.apply(x.readOnly, into: r)
        Vector.subtractFrom(b, r)
        report.matvecs = 1
        var rNorm = Vector.norm(r.readOnly)
        report.residualNorm = rNorm
        if options.recordHistory { report.residualHistory.append(rNorm) }
        guard rNorm.isFinite else { report.reason = .nonFinite; return report }
        if rNorm <= tolerance { report.reason = convergedReason; return report }
        // z ← M⁻¹ r,  p ← z
        applyPreconditioner(preconditioner, r.readOnly, z)
        for i in 0..<n { p[i] = z[i] }
        var rho = Vector.dot(r.readOnly, z.readOnly)
        if rho < 0 { report.reason = .indefinitePreconditioner; return report }

        for iteration in stride(from: 1, through: cap, by: 1) {
          // q ← A p
          a.apply(p.readOnly, into: q)
          report.matvecs += 1
          let pq = Vector.dot(p.readOnly, q.readOnly)
          guard pq.isFinite else { report.reason = .nonFinite; return report }
          guard pq > 0 else { report.reason = pq == 0 && rho == 0 ? .breakdown : .indefiniteOperator; return report }
          let alpha = rho / pq
          // x ← x + α p,  r ← r − α q  (and ‖r‖ in the same pass)
          rNorm = Vector.conjugateGradientUpdate(alpha, p.readOnly, q.readOnly, x, r).squareRoot()
          if report.finishIteration(
            iteration, residualNorm: rNorm, tolerance: tolerance, convergedReason: convergedReason, options: options,
            monitor: monitor, elapsed: rule.elapsedSeconds)
          {
            return report
          }
          // z ← M⁻¹ r,  β = (r·z)_new / (r·z)_old,  p ← z + β p
          applyPreconditioner(preconditioner, r.readOnly, z)
          let rhoNext = Vector.dot(r.readOnly, z.readOnly)
          guard rhoNext.isFinite else { report.reason = .nonFinite; return report }
          guard rhoNext > 0 else { report.reason = rhoNext < 0 ? .indefinitePreconditioner : .breakdown; return report }
          let beta = rhoNext / rho
          rho = rhoNext
          Vector.xpby(z.readOnly, beta, p)
        }
        report.reason = .maxIterations
        return report
      }
    }
  }
}

/// `z ← M⁻¹ r`, or `z ← r` without a preconditioner.
@inline(__always)
func applyPreconditioner(_ m: (any Preconditioner)?, _ r: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>) {
  if let m { m.apply(r, into: z) } else { for i in 0..<r.count { z[i] = r[i] } }
}
