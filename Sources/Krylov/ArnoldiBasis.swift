/// An orthonormal Krylov basis `V = [v₀ … v_k]` and the Hessenberg matrix `H` of the Arnoldi
/// relation `A M⁻¹ V_k = V_{k+1} H̄_k` (with `M = I` when no preconditioner is applied).
///
/// Orthogonalization is modified Gram–Schmidt with one re-orthogonalization pass when the new
/// vector lost more than half its norm (Kahan–Parlett "twice is enough"), so `V` stays
/// orthonormal to working precision.
///
/// References: Arnoldi 1951; Saad 2003, *Iterative Methods for Sparse Linear Systems*, Alg. 6.2.
public final class ArnoldiBasis {
  /// Vector length `n`.
  public let size: Int
  /// Maximum number of steps `m` (the basis holds up to `m + 1` vectors).
  public let capacity: Int
  /// Basis vectors, `(capacity + 1) · size` values, vector after vector.
  private let basis: UnsafeMutableBufferPointer<Double>
  /// `H`, `(capacity + 1) × capacity`, column-major.
  public private(set) var hessenberg: [Double]
  /// Number of Arnoldi steps taken since ``start(with:)``.
  public private(set) var steps = 0

  /// Storage for `capacity` steps on vectors of length `size`.
  public init(size: Int, capacity: Int) {
    self.size = size
    self.capacity = capacity
    basis = .allocate(capacity: max(1, (capacity + 1) * size))
    basis.initialize(repeating: 0)
    hessenberg = Array(repeating: 0, count: (capacity + 1) * capacity)
  }

  deinit { basis.deallocate() }

  /// Vector `j` of the basis.
  public func vector(_ j: Int) -> UnsafeMutableBufferPointer<Double> {
    UnsafeMutableBufferPointer(rebasing: basis[(j * size)..<((j + 1) * size)])
  }

  /// `H[i, j]`.
  public func h(_ i: Int, _ j: Int) -> Double { hessenberg[j * (capacity + 1) + i] }

  /// Starts a new basis with `v₀ = r / ‖r‖`; `r` must be nonzero.
  public func start(with r: UnsafeBufferPointer<Double>, norm: Double) {
    let v = vector(0)
    for i in 0..<size { v[i] = r[i] / norm }
    steps = 0
    for k in 0..<hessenberg.count { hessenberg[k] = 0 }
  }

  /// One Arnoldi step: `w = op(v_j)` computed by `apply` into the next basis slot, orthogonalized
  /// against `v₀ … v_j` and normalized. Returns `H[j+1, j] = ‖w‖` after orthogonalization (0 on
  /// a lucky breakdown: the Krylov space is invariant).
  @discardableResult
  public func extend(_ apply: (_ v: UnsafeBufferPointer<Double>, _ w: UnsafeMutableBufferPointer<Double>) -> Void) -> Double {
    let j = steps
    precondition(j < capacity, "Arnoldi basis is full")
    let w = vector(j + 1)
    apply(UnsafeBufferPointer(vector(j)), w)
    let column = j * (capacity + 1)
    let before = Vector.norm(UnsafeBufferPointer(w))
    for pass in 0..<2 {
      for i in 0...j {
        // h_ij ← v_iᵀ w,  w ← w − h_ij v_i
        let vi = UnsafeBufferPointer(vector(i))
        let hij = Vector.dot(vi, UnsafeBufferPointer(w))
        hessenberg[column + i] += hij
        Vector.axpy(-hij, vi, w)
      }
      if pass == 0 && Vector.norm(UnsafeBufferPointer(w)) > 0.5 * before { break }
    }
    let norm = Vector.norm(UnsafeBufferPointer(w))
    hessenberg[column + j + 1] = norm
    if norm > 0 { for i in 0..<size { w[i] /= norm } }
    steps = j + 1
    return norm
  }
}
