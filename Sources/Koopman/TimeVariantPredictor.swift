import Layers
import Tensors

/// Koopa's time-variant Koopman predictor: the window is cut into segments of `segment` steps,
/// each segment encoded to a state `z_j`; a local operator `K` with `z_{j+1} ≈ z_j K` is fitted
/// by least squares on this window's own states (DMD-style), which reconstructs the window
/// (backcast) and rolls the last state forward (forecast). No parameters of its own: the
/// encoder and decoder are shared by all blocks.
///
/// The fit is the ridge solution `K = Xᵀ (X Xᵀ + λI)⁻¹ Y` (`X`, `Y` the states without the last
/// and the first), solved in its small `(F−1) × (F−1)` form — there are fewer segments than
/// state dimensions, where plain least squares would be underdetermined — and differentiated
/// through the solve. `λ = 10⁻⁴`. With a memory of earlier windows' pairs (operator adaptation,
/// see ``KoopaOperatorAdaptation``) the same fit runs over all of them.
public struct TimeVariantPredictor: Sendable {
  /// Window length `L`.
  public let lookback: Int
  /// Forecast length `H`.
  public let horizon: Int
  /// Steps per segment `S`.
  public let segment: Int
  /// The ridge `λ` of the operator fit.
  public static let ridge: Float = 1e-4

  /// A predictor for windows of `lookback` steps cut into segments of `segment`.
  public init(lookback: Int, horizon: Int, segment: Int) {
    self.lookback = lookback
    self.horizon = horizon
    self.segment = segment
  }

  /// Segments per window `F = ⌈L/S⌉` (the window is padded at the front to `F·S` by repeating its
  /// last `F·S − L` steps, as Koopa does).
  public var segments: Int { (lookback + segment - 1) / segment }

  /// Backcast `[B, L, C]` and forecast `[B, H, C]` of `x` `[B, L, C]`; `encoder` maps `S·C`
  /// values to a state, `decoder` a state back.
  /// - Throws: ``TensorError`` for windows of another length, fewer than two segments, or a
  ///   singular fit.
  public func callAsFunction(_ x: Tensor, encoder: MLP, decoder: MLP) throws -> (backcast: Tensor, forecast: Tensor) {
    var memory: SnapshotPairs? = nil
    return try callAsFunction(x, encoder: encoder, decoder: decoder, remembering: &memory, updatesMemory: false)
  }

  /// Consecutive Koopman states `after ≈ before K` seen in earlier windows, `[B, P, D]` each
  /// (one history per window of the batch).
  public struct SnapshotPairs: Sendable {
    /// States `z_j`.
    public var before: Tensor
    /// Their successors `z_{j+1}`.
    public var after: Tensor
  }

  /// As the plain call, but the operator is fitted on the pairs in `memory` together with this
  /// window's, and (when `updatesMemory`) this window's pairs are then added to `memory`
  /// (detached): the time-variant operator keeps learning from incoming observations past the
  /// lookback — Koopa's operator adaptation.
  /// - Throws: ``TensorError`` as the plain call, or if `memory` belongs to another batch size
  ///   or state dimension.
  public func callAsFunction(
    _ x: Tensor, encoder: MLP, decoder: MLP, remembering memory: inout SnapshotPairs?, updatesMemory: Bool = true
  ) throws -> (backcast: Tensor, forecast: Tensor) {
    let (b, l, c) = (x.shape[0], x.shape[1], x.shape[2])
    let (f, s) = (segments, segment)
    guard l == lookback, f >= 2 else {
      throw TensorError.invalidShape(
        operation: "TimeVariantPredictor", message: "needs windows of \(lookback) steps and 2+ segments, got \(x.shape)")
    }
    let padding = f * s - l
    let padded = padding > 0 ? try Tensor.concatenated([x.sliced([0..<b, (l - padding)..<l, 0..<c]), x], alongAxis: 1) : x
    let z = try encoder(padded.reshaped(to: [b, f, s * c]))  // [B, F, D]
    let d = z.shape[2]
    let before = try z.sliced([0..<b, 0..<(f - 1), 0..<d]), after = try z.sliced([0..<b, 1..<f, 0..<d])
    let k: Tensor
    if let earlier = memory {
      guard earlier.before.shape[0] == b, earlier.before.shape[2] == d else {
        throw TensorError.shapeMismatch(operation: "TimeVariantPredictor memory", shapes: [earlier.before.shape, z.shape])
      }
      k = try Self.fitOperator(
        before: Tensor.concatenated([earlier.before, before], alongAxis: 1),
        after: Tensor.concatenated([earlier.after, after], alongAxis: 1))
    } else {
      k = try Self.fitOperator(before: before, after: after)
    }
    if updatesMemory {
      memory = SnapshotPairs(
        before: try memory.map { try Tensor.concatenated([$0.before, before.detached], alongAxis: 1) } ?? before.detached,
        after: try memory.map { try Tensor.concatenated([$0.after, after.detached], alongAxis: 1) } ?? after.detached)
    }
    let reconstructed = try Tensor.concatenated([z.sliced([0..<b, 0..<1, 0..<d]), before.matmul(k)], alongAxis: 1)
    let steps = (horizon + s - 1) / s
    var state = try z.sliced([0..<b, (f - 1)..<f, 0..<d]), states = [Tensor]()
    for _ in 0..<steps {
      state = try state.matmul(k)
      states.append(state)
    }
    let backcast = try decoder(reconstructed).reshaped(to: [b, f * s, c]).sliced([0..<b, padding..<(f * s), 0..<c])
    let forecast = try decoder(Tensor.concatenated(states, alongAxis: 1)).reshaped(to: [b, steps * s, c])
      .sliced([0..<b, 0..<horizon, 0..<c])
    return (backcast, forecast)
  }

  /// The ridge operator `K` `[B, D, D]` minimizing `‖X K − Y‖² + λ‖K‖²` over the pairs
  /// `X = before`, `Y = after` (`[B, P, D]`), differentiable: `Xᵀ (X Xᵀ + λI)⁻¹ Y` when there are
  /// no more pairs than state dimensions (`P ≤ D`), `(XᵀX + λI)⁻¹ XᵀY` otherwise — the same
  /// matrix, solved in the smaller size.
  /// - Throws: ``TensorError`` for mismatched shapes or a singular system.
  public static func fitOperator(before x: Tensor, after y: Tensor) throws -> Tensor {
    guard x.rank == 3, x.shape == y.shape else { throw TensorError.shapeMismatch(operation: "fitOperator", shapes: [x.shape, y.shape]) }
    let (p, d) = (x.shape[1], x.shape[2])
    let n = min(p, d)
    let ridge = try Tensor(shape: [n, n], scalars: (0..<(n * n)).map { $0 % (n + 1) == 0 ? Self.ridge : 0 })
    let xt = try x.permuted([0, 2, 1])
    if p <= d { return try xt.matmul(Tensor.solve(x.matmul(xt) + ridge, y)) }
    return try Tensor.solve(xt.matmul(x) + ridge, xt.matmul(y))
  }
}
