import Layers
import Tensors

/// Koopa's time-invariant Koopman predictor: each channel's whole window is encoded to a state,
/// advanced by one learned global operator `K` (`[D, D]`, initialized orthogonal so that it
/// neither blows up nor damps the state), and decoded to the forecast. The encoder and decoder
/// are shared by all blocks; `K` is the block's own.
///
/// Parameter path: `operator`.
public struct TimeInvariantPredictor: Module, Sendable {
  /// The Koopman operator `K`, `[D, D]`, applied as `z K`.
  public var koopmanOperator: Tensor

  /// An operator of `dimension` `D`: an orthonormalized Gaussian matrix (Gram–Schmidt).
  public init<G: RandomNumberGenerator>(dimension d: Int, using generator: inout G) {
    var rows = (0..<d).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &generator) } }
    for i in 0..<d {
      for j in 0..<i {
        let dot = zip(rows[i], rows[j]).reduce(0) { $0 + $1.0 * $1.1 }
        rows[i] = zip(rows[i], rows[j]).map { $0 - dot * $1 }
      }
      let norm = rows[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
      rows[i] = rows[i].map { $0 / norm }
    }
    koopmanOperator = (try? Tensor(shape: [d, d], scalars: rows.flatMap { $0.map(Float.init) }))!
  }

  /// The forecast `[B, H, C]` of `x` `[B, L, C]`; `encoder` maps `L` steps to a state, `decoder` a
  /// state to `H` steps.
  public func callAsFunction(_ x: Tensor, encoder: MLP, decoder: MLP) throws -> Tensor {
    try decoder(encoder(x.permuted([0, 2, 1])).matmul(koopmanOperator)).permuted([0, 2, 1])
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows { try visit("operator", koopmanOperator) }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try update("operator", &koopmanOperator)
  }
}
