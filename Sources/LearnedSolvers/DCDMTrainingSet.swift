import Datasets
import Foundation
import Krylov
import Sparse
import Tensors
import Training

/// The training vectors of DCDM: unit vectors rich in the low end of the Poisson matrix's
/// spectrum — the part a conjugate-direction method finds hardest — with some high-frequency
/// content, built as in Kaneda et al. (2023) from Ritz vectors of our own Lanczos process.
///
/// `steps` Lanczos steps (full reorthogonalization, seeded random start) on the `h²`-scaled
/// Poisson matrix of the box give Ritz pairs `(θᵢ, yᵢ)`, `θ` ascending; each vector is
/// `b = Σᵢ cᵢ yᵢ / ‖·‖` with independent `cᵢ ~ N(0, 1)`, multiplied by 9 for the lower half of
/// the Ritz values. Unsupervised: a vector is both input and target of the trainer
/// (``DCDMNetwork`` compares `α A f(b)` with `b`).
public enum DCDMTrainingSet {
  /// Vectors for the grid `shape` (interior unknowns per axis, 2 or 3 axes) as a dataset
  /// `[count, 1, shape…]` whose outputs equal its inputs.
  /// - Throws: ``DCDMError/invalidConfiguration(_:)`` for bad sizes; Lanczos errors.
  public static func make(shape: [Int], count: Int, steps: Int, seed: UInt64) throws -> OperatorDataset {
    let n = shape.reduce(1, *)
    guard (2...3).contains(shape.count), shape.allSatisfy({ $0 >= 2 }) else {
      throw DCDMError.invalidConfiguration("the training grid must be 2D or 3D with at least 2 points per axis, got \(shape)")
    }
    guard count >= 1, steps >= 2 else { throw DCDMError.invalidConfiguration("need at least 1 vector and 2 Lanczos steps") }
    let matrix = try CSRMatrix.maskedPoisson(shape: shape)
    var generator = SplitMix64(seed: seed)
    let start = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
    let ritz = try LanczosRitzPairs(matrix, steps: steps, start: start)
    let m = ritz.values.count
    var scalars = [Float]()
    scalars.reserveCapacity(count * n)
    for _ in 0..<count {
      var b = [Double](repeating: 0, count: n)
      for i in 0..<m {
        let c = gaussian(&generator) * (i < m / 2 ? 9 : 1)
        for k in 0..<n { b[k] += c * ritz.vectors[i][k] }
      }
      let norm = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
      scalars += b.map { Float($0 / norm) }
    }
    let vectors = try Tensor(shape: [count, 1] + shape, scalars: scalars)
    return try OperatorDataset(inputs: vectors, outputs: vectors)
  }

  /// A standard normal sample (Box–Muller).
  private static func gaussian(_ generator: inout SplitMix64) -> Double {
    let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }
}
