/// Reverse-mode automatic differentiation on a tape.
///
/// While ``record(_:)`` runs, every differentiable operation whose inputs are on the tape
/// appends one entry: the indices of its inputs and a closure mapping the gradient of its output
/// to the gradients of its inputs. ``gradients(of:withRespectTo:)`` walks the entries backwards,
/// summing the gradient contributions of every use. Outside `record`, operations record nothing
/// (inference mode). Gradients of gradients are not recorded.
///
/// ```
/// let tape = GradientTape()
/// let (loss, grads) = try tape.record {
///   let w = tape.watch(weight)
///   let loss = try (w * x).sum()
///   return (loss, try tape.gradients(of: loss, withRespectTo: [w]))
/// }
/// ```
public final class GradientTape: @unchecked Sendable {
  /// One recorded operation.
  private struct Entry {
    let inputs: [Int]
    let shape: [Int]
    let backward: (Tensor) throws -> [Tensor?]
  }
  private var entries: [Entry] = []
  private let identity = TapeIdentity()

  /// The tape currently recording on this task/thread, if any.
  @TaskLocal static var active: GradientTape?

  /// An empty tape.
  public init() {}

  /// Runs `body` with this tape recording differentiable operations.
  public func record<R>(_ body: () throws -> R) rethrows -> R {
    try GradientTape.$active.withValue(self, operation: body)
  }

  /// Puts `tensor` on the tape as a leaf (a parameter or input to differentiate against).
  public func watch(_ tensor: Tensor) -> Tensor {
    var t = tensor.detached
    t.trace = TapeTrace(tape: identity, index: append(inputs: [], shape: tensor.shape) { _ in [] })
    return t
  }

  /// Number of recorded entries (leaves included).
  public var entryCount: Int { entries.count }

  /// `∂output/∂x` for every `x` in `inputs`, each of `x`'s shape; zero for inputs the output
  /// does not depend on. `output` is usually a scalar loss; for other shapes the gradient is
  /// seeded with ones (the gradient of `output.sum()`).
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` if `output` or an input is not
  ///   on this tape; errors thrown by an operation's backward pass.
  public func gradients(of output: Tensor, withRespectTo inputs: [Tensor]) throws -> [Tensor] {
    guard let start = index(of: output) else {
      throw TensorError.invalidShape(operation: "gradients", message: "the output was not computed from watched tensors on this tape")
    }
    let wanted = try inputs.map { input -> Int in
      guard let i = index(of: input) else {
        throw TensorError.invalidShape(operation: "gradients", message: "an input of shape \(input.shape) is not watched by this tape")
      }
      return i
    }
    var gradient = [Int: Tensor]()
    gradient[start] = Tensor(repeating: 1, shape: output.shape)
    // Backward passes run without recording.
    try GradientTape.$active.withValue(nil) {
      for i in stride(from: start, through: 0, by: -1) {
        guard let g = gradient[i] else { continue }
        let entry = entries[i]
        if entry.inputs.isEmpty { continue }
        let contributions = try entry.backward(g)
        for (input, contribution) in zip(entry.inputs, contributions) {
          guard let contribution else { continue }
          gradient[input] = try gradient[input].map { try $0 + contribution } ?? contribution
        }
      }
    }
    return wanted.map { gradient[$0] ?? Tensor(zeros: entries[$0].shape) }
  }

  private func index(of tensor: Tensor) -> Int? {
    guard let trace = tensor.trace, trace.tape === identity else { return nil }
    return trace.index
  }

  private func append(inputs: [Int], shape: [Int], backward: @escaping (Tensor) throws -> [Tensor?]) -> Int {
    entries.append(Entry(inputs: inputs, shape: shape, backward: backward))
    return entries.count - 1
  }

  /// Defines a differentiable operation outside this module (FFTs, custom kernels): returns
  /// `result` recorded as computed from `inputs` when a tape is recording and any input is on
  /// it, otherwise `result` unchanged. `backward` maps the gradient of `result` to one gradient
  /// per input (nil for inputs that need none), each of its input's shape.
  public static func recordOperation(_ result: Tensor, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
    recorded(result.detached, inputs: inputs, backward: backward)
  }

  /// Records an operation's result if any input is on the active tape; returns `result` with
  /// its tape position. `backward` maps the output gradient to one gradient per input (nil
  /// for inputs that need none).
  static func recorded(_ result: Tensor, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
    guard let tape = active else { return result }
    let indices = inputs.map { tape.index(of: $0) }
    guard indices.contains(where: { $0 != nil }) else { return result }
    // Inputs not on the tape become leaves, so every entry's inputs are valid indices.
    let resolved = zip(inputs, indices).map { input, index in index ?? tape.append(inputs: [], shape: input.shape) { _ in [] } }
    var out = result
    out.trace = TapeTrace(tape: tape.identity, index: tape.append(inputs: resolved, shape: result.shape, backward: backward))
    return out
  }
}

/// Identifies one tape in the traces of the tensors it produced.
final class TapeIdentity: Sendable {}

/// A tensor's position on a tape.
struct TapeTrace: Sendable {
  let tape: TapeIdentity
  let index: Int
}
