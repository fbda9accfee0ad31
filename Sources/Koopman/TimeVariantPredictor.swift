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
/// through the solve. `λ = 10⁻⁴`.
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
    // K = Xᵀ (X Xᵀ + λI)⁻¹ Y, [B, D, D].
    let ridge = try Tensor(shape: [f - 1, f - 1], scalars: (0..<((f - 1) * (f - 1))).map { $0 % f == 0 ? Self.ridge : 0 })
    let gram = try before.matmul(before.permuted([0, 2, 1])) + ridge
    let k = try before.permuted([0, 2, 1]).matmul(Tensor.solve(gram, after))
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
}
