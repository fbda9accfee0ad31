import CBLAS
import ComplexModule
import Parallelism
import RealModule

/// Complex tensors: a real tensor whose last axis has extent 2 holds `(re, im)` pairs.
///
/// This interleaved layout is exactly that of swift-numerics' `Complex<Float>` and FFTW's
/// `fftwf_complex`, so BLAS (`cblas_cgemm`) and FFTW work on the storage without copies, and one
/// tape differentiates real and complex code alike. For a real loss `L`, the gradient stored for
/// a complex tensor `z = x + iy` is `∂L/∂x + i ∂L/∂y` (PyTorch's convention): for `C = AB`,
/// `∂A = G Bᴴ` and `∂B = Aᴴ G`.
extension Tensor {
  /// A complex tensor of shape `shape + [2]` from complex values.
  public init(complex values: [Complex<Float>], shape: [Int]) throws {
    guard shape.reduce(1, *) == values.count else {
      throw TensorError.invalidShape(
        operation: "Tensor(complex:)", message: "shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
    }
    self.init(unchecked: shape + [2], values.flatMap { [$0.real, $0.imaginary] })
  }

  /// The elements of a complex tensor (last axis 2) as `Complex<Float>`.
  /// - Precondition: the last axis has extent 2.
  public var complexValues: [Complex<Float>] {
    precondition(shape.last == 2, "a complex tensor has a last axis of extent 2, got \(shape)")
    return stride(from: 0, to: count, by: 2).map { Complex(scalars[$0], scalars[$0 + 1]) }
  }

  /// The complex conjugate (imaginary parts negated).
  public func conjugated() throws -> Tensor {
    try requireComplex("conjugated")
    return try self * Tensor(shape: [2], scalars: [1, -1])
  }

  /// The modulus `|z| = √(x² + y²)`, shape without the last axis.
  public func complexMagnitude() throws -> Tensor {
    try requireComplex("complexMagnitude")
    return try squared().summed(alongAxes: [rank - 1]).squareRoot()
  }

  /// This real tensor as a complex one with zero imaginary parts: shape `shape + [2]`.
  /// Differentiable (the gradient is the real part of the incoming one).
  public func embeddedAsComplex() throws -> Tensor {
    try Tensor.concatenated([reshaped(to: shape + [1]), Tensor(zeros: shape + [1])], alongAxis: rank)
  }

  /// The elementwise complex product `a ⊙ b`, broadcasting over the leading axes.
  public static func complexMultiplied(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try a.requireComplex("complexMultiplied")
    try b.requireComplex("complexMultiplied")
    let (ar, ai) = try a.complexParts(), (br, bi) = try b.complexParts()
    // (ar + i ai)(br + i bi) = (ar br − ai bi) + i (ar bi + ai br)
    return try Tensor.concatenated([(ar * br - ai * bi), (ar * bi + ai * br)], alongAxis: ar.rank - 1)
  }

  /// The complex matrix product over the axes before the last: `[…, m, k, 2] × […, k, n, 2] →
  /// […, m, n, 2]`, batch axes equal, on `cblas_cgemm`. Gradients `∂A = G Bᴴ`, `∂B = Aᴴ G`.
  public func complexMatmul(_ b: Tensor) throws -> Tensor {
    let a = self
    try a.requireComplex("complexMatmul")
    try b.requireComplex("complexMatmul")
    guard a.rank >= 3, b.rank == a.rank, a.shape[a.rank - 2] == b.shape[b.rank - 3],
      Array(a.shape.dropLast(3)) == Array(b.shape.dropLast(3))
    else { throw TensorError.shapeMismatch(operation: "complexMatmul", shapes: [a.shape, b.shape]) }
    let (m, k, n) = (a.shape[a.rank - 3], a.shape[a.rank - 2], b.shape[b.rank - 2])
    let outShape = Array(a.shape.dropLast(3)) + [m, n, 2]
    let out = Tensor.complexGemm(
      a.scalars, .notTransposed, b.scalars, .notTransposed, batch: a.shape.dropLast(3).reduce(1, *), m: m, n: n, k: k)
    let (da, db) = (a.detached, b.detached)
    return GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: [a, b]) { g in
      let batch = outShape.dropLast(3).reduce(1, *)
      // ∂A = G Bᴴ (m×n · n×k), ∂B = Aᴴ G (k×m · m×n)
      let ga = Tensor.complexGemm(g.scalars, .notTransposed, db.scalars, .conjugateTransposed, batch: batch, m: m, n: k, k: n)
      let gb = Tensor.complexGemm(da.scalars, .conjugateTransposed, g.scalars, .notTransposed, batch: batch, m: k, n: n, k: m)
      return [Tensor(unchecked: da.shape, ga), Tensor(unchecked: db.shape, gb)]
    }
  }

  /// Real and imaginary parts (shapes without the last axis, keeping it as extent 1).
  func complexParts() throws -> (Tensor, Tensor) {
    let lead = shape.dropLast().map { 0..<$0 }
    return (try sliced(lead + [0..<1]), try sliced(lead + [1..<2]))
  }

  private func requireComplex(_ operation: String) throws {
    guard shape.last == 2 else {
      throw TensorError.invalidShape(operation: operation, message: "expects a complex tensor (last axis 2), got \(shape)")
    }
  }

  /// How a complex GEMM operand is used.
  enum ComplexOperand {
    case notTransposed, conjugateTransposed
    var blas: CBLAS_TRANSPOSE { self == .notTransposed ? CblasNoTrans : CblasConjTrans }
  }

  /// `C_s = op(A_s) op(B_s)` for every batch entry `s`, interleaved complex storage;
  /// `op(A)` is m×k and `op(B)` k×n. Batch entries run in parallel, one single-threaded
  /// `cblas_cgemm` each.
  static func complexGemm(_ a: [Float], _ opA: ComplexOperand, _ b: [Float], _ opB: ComplexOperand, batch: Int, m: Int, n: Int, k: Int)
    -> [Float]
  {
    guard m > 0, n > 0, k > 0 else { return [Float](repeating: 0, count: batch * m * n * 2) }
    return a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in
        let (x, y) = (SharedPointer(x.baseAddress!), SharedPointer(y.baseAddress!))
        return [Float](unsafeUninitializedCapacity: batch * m * n * 2) { z, initialized in
          let z = SharedPointer(z.baseAddress!)
          let one: [Float] = [1, 0], zero: [Float] = [0, 0]
          // About 2^16 complex multiply-adds per worker pay for the hand-off.
          let parts = Parallel.workers(forWork: batch, perWorker: Swift.max(1, (1 << 16) / (m * n * k)))
          Parallel.forEachRange(count: batch, parts: parts) { _, entries in
            for s in entries {
              cblas_cgemm(
                CblasRowMajor, opA.blas, opB.blas, Int32(m), Int32(n), Int32(k), one, x.base + 2 * s * m * k,
                Int32(opA == .notTransposed ? k : m), y.base + 2 * s * k * n, Int32(opB == .notTransposed ? n : k), zero,
                z.base + 2 * s * m * n, Int32(n))
            }
          }
          initialized = batch * m * n * 2
        }
      }
    }
  }
}
