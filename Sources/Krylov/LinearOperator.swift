import Grids
import Sparse

/// A linear map `y = A x` applied into preallocated storage; what every Krylov solver works on.
///
/// Matrices, matrix-free stencils, multigrid cycles and networks conform the same way, so the
/// solvers never need to know where `A` comes from.
public protocol LinearOperator {
  /// Length of `y`.
  var rowCount: Int { get }
  /// Length of `x`.
  var columnCount: Int { get }
  /// Computes `y = A x`; `x` holds ``columnCount`` values, `y` holds ``rowCount``.
  func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>)
}

extension CSRMatrix: LinearOperator {
  /// `y = A x` by the row-parallel SpMV.
  public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    multiply(x, into: y)
  }
}

extension StencilOperator: LinearOperator {
  /// Number of unknowns.
  public var rowCount: Int { size }
  /// Number of unknowns.
  public var columnCount: Int { size }
}

/// An approximation `z = M⁻¹ r` of the inverse of an operator, applied into preallocated storage.
///
/// CG needs `M` symmetric positive definite; GMRES applies it on the right and accepts any `M`.
public protocol Preconditioner {
  /// Computes `z = M⁻¹ r`; both buffers hold the operator's size.
  func apply(_ r: UnsafeBufferPointer<Double>, into z: UnsafeMutableBufferPointer<Double>)
}
