import Parallelism

/// An n-dimensional array of `Float`, row-major and contiguous, with copy-on-write storage.
///
/// Layout is C order (last axis fastest); neural-network tensors are channel-first,
/// `[batch, channels, spatial…]`. A tensor read while a ``GradientTape`` records carries its
/// position on that tape, so operations on it are differentiated; otherwise it is a plain value
/// and operations record nothing.
public struct Tensor: Sendable {
  /// Extent of each axis; `[]` is a scalar.
  public private(set) var shape: [Int]
  /// The elements in row-major order, `shape.reduce(1, *)` of them.
  public private(set) var scalars: [Float]
  /// Where this value sits on the tape that produced it (nil: not being differentiated).
  var trace: TapeTrace?

  /// A tensor of the given shape and elements.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` if a dimension is negative or the
  ///   element count does not match.
  public init(shape: [Int], scalars: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw TensorError.invalidShape(operation: "Tensor", message: "negative dimension in \(shape)")
    }
    guard MemoryBudget.count(shape) == scalars.count else {
      throw TensorError.invalidShape(
        operation: "Tensor",
        message: "shape \(shape) holds \(MemoryBudget.product(shape).map(String.init) ?? "more than 2^64") elements, got \(scalars.count)")
    }
    self.init(unchecked: shape, scalars)
  }

  /// Wraps storage already known to match `shape`.
  init(unchecked shape: [Int], _ scalars: [Float], trace: TapeTrace? = nil) {
    self.shape = shape
    self.scalars = scalars
    self.trace = trace
  }

  /// A tensor filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    self.init(unchecked: shape, Array(repeating: value, count: shape.reduce(1, *)))
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

  /// A rank-1 tensor holding `values`.
  public init(flat values: [Float]) { self.init(unchecked: [values.count], values) }

  /// A scalar (rank-0) tensor.
  public init(_ value: Float) { self.init(unchecked: [], [value]) }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }

  /// The single element of a one-element tensor.
  /// - Precondition: `count == 1` (a programmer error otherwise).
  public var scalar: Float {
    precondition(count == 1, "scalar of a tensor with \(count) elements")
    return scalars[0]
  }

  /// Row-major strides (elements between consecutive indices of each axis).
  public var strides: [Int] { rowMajorStrides(shape) }

  /// The value without its tape position: operations on it are not differentiated.
  public var detached: Tensor { Tensor(unchecked: shape, scalars) }

  /// Throws if any element is NaN or infinite, naming `operation` and the first bad index.
  ///
  /// The scan is an integer maximum over exponent fields (all ones only for NaN and ±∞), which
  /// vectorizes; the position is searched only when something is found.
  public func checkFinite(_ operation: String) throws {
    // A non-finite float has every exponent bit set; test 8 elements per step, branch-free.
    let exponent: UInt32 = 0x7f80_0000
    let found = scalars.withUnsafeBufferPointer { x in
      x.withMemoryRebound(to: UInt32.self) { bits -> Bool in
        let mask = SIMD8<UInt32>(repeating: exponent)
        var any = SIMDMask<SIMD8<Int32>>(repeating: false)
        let whole = bits.count / 8 * 8
        let raw = UnsafeRawPointer(bits.baseAddress)
        for i in stride(from: 0, to: whole, by: 8) {
          any .|= (raw!.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<UInt32>.self) & mask) .== mask
        }
        return Swift.any(any) || bits[whole...].contains { $0 & exponent == exponent }
      }
    }
    guard found, let k = scalars.firstIndex(where: { !$0.isFinite }) else { return }
    throw TensorError.nonFinite(operation: operation, index: multiIndex(k, shape: shape), value: scalars[k])
  }

  /// Gives `body` the elements to change in place (for optimizers and kernels). The result is
  /// a plain value: a tape position, if any, is dropped.
  public mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
    trace = nil
    return try scalars.withUnsafeMutableBufferPointer(body)
  }
}

extension Tensor: Equatable {
  /// Equal shapes and elements (the tape position is not compared).
  public static func == (a: Tensor, b: Tensor) -> Bool { a.shape == b.shape && a.scalars == b.scalars }
}

/// Errors from tensor operations; each names the operation and the shapes or values at fault.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  /// Operand shapes that the operation cannot combine.
  case shapeMismatch(operation: String, shapes: [[Int]])
  /// A shape or argument the operation cannot take.
  case invalidShape(operation: String, message: String)
  /// A NaN or infinity where finite values are required.
  case nonFinite(operation: String, index: [Int], value: Float)

  public var description: String {
    switch self {
    case .shapeMismatch(let op, let shapes):
      return "\(op): incompatible shapes \(shapes.map { "\($0)" }.joined(separator: " and "))"
    case .invalidShape(let op, let message): return "\(op): \(message)"
    case .nonFinite(let op, let index, let value): return "\(op): non-finite value \(value) at index \(index)"
    }
  }
}

/// Row-major strides of `shape`.
func rowMajorStrides(_ shape: [Int]) -> [Int] {
  var s = Array(repeating: 1, count: shape.count)
  for axis in stride(from: shape.count - 2, through: 0, by: -1) { s[axis] = s[axis + 1] * shape[axis + 1] }
  return s
}

/// The multi-index of flat position `k` in `shape`.
func multiIndex(_ k: Int, shape: [Int]) -> [Int] {
  var rest = k
  var index = Array(repeating: 0, count: shape.count)
  for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
    index[axis] = rest % shape[axis]
    rest /= shape[axis]
  }
  return index
}
