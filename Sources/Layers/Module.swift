import Tensors

/// A layer or model: parameters stored as properties, applied with `callAsFunction`.
///
/// Parameters are enumerated explicitly (no reflection) by ``visitParameters(_:)`` as
/// `(path, tensor)` pairs, where a path names the parameter's place in the module tree —
/// `layers.1.weight`. The same paths are the checkpoint keys and the optimizer-state keys.
/// ``updateParameters(_:)`` visits the same parameters, in the same order, mutably.
public protocol Module {
  /// Calls `visit(path, parameter)` for every parameter, in a fixed order.
  func visitParameters(_ visit: (_ path: String, _ parameter: Tensor) throws -> Void) rethrows
  /// Calls `update(path, &parameter)` for every parameter, in the order of ``visitParameters(_:)``.
  mutating func updateParameters(_ update: (_ path: String, _ parameter: inout Tensor) throws -> Void) rethrows
}

extension Module {
  /// The parameters by path.
  public var parameters: [String: Tensor] {
    var result = [String: Tensor]()
    visitParameters { result[$0] = $1 }
    return result
  }

  /// Total number of scalar parameters.
  public var parameterCount: Int {
    var n = 0
    visitParameters { n += $1.count }
    return n
  }

  /// Replaces every parameter by the tensor of the same path in `values`.
  /// - Throws: ``ModuleError`` naming a missing parameter or a shape that differs.
  public mutating func loadParameters(_ values: [String: Tensor]) throws {
    try updateParameters { path, parameter in
      guard let value = values[path] else { throw ModuleError(message: "no tensor for parameter '\(path)'") }
      guard value.shape == parameter.shape else {
        throw ModuleError(message: "parameter '\(path)' has shape \(parameter.shape), the checkpoint has \(value.shape)")
      }
      parameter = value
    }
  }
}

/// A layer whose parameters are exactly `weight` and an optional `bias` (paths `weight`, `bias`).
public protocol WeightAndBiasLayer: Module {
  /// The weight.
  var weight: Tensor { get set }
  /// The bias, or nil for a layer without one.
  var bias: Tensor? { get set }
}

extension WeightAndBiasLayer {
  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try visit("weight", weight)
    if let bias { try visit("bias", bias) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try update("weight", &weight)
    if bias != nil { try update("bias", &bias!) }
  }
}

/// A layer whose parameters are exactly `weight` and `bias`, both always present (paths
/// `weight`, `bias`): normalization scales and shifts, complex linear maps.
public protocol WeightAndShiftLayer: Module {
  /// The weight (or scale).
  var weight: Tensor { get set }
  /// The bias (or shift).
  var bias: Tensor { get set }
}

extension WeightAndShiftLayer {
  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try visit("weight", weight)
    try visit("bias", bias)
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try update("weight", &weight)
    try update("bias", &bias)
  }
}

/// Prefixes child paths: `"layers.1"` + `"weight"` → `"layers.1.weight"`.
@inline(__always)
public func parameterPath(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

/// A module whose parameters do not fit what is loaded into it.
public struct ModuleError: Error, Equatable, CustomStringConvertible {
  /// What does not fit.
  public let message: String
  public var description: String { message }
}
