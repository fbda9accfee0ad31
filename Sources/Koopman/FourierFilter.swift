import Foundation
import Spectral
import Tensors

/// Koopa's Fourier filter (Liu et al. 2023): splits windows `x` `[B, L, C]` into a
/// time-invariant part — the frequencies whose amplitude, averaged over the training windows and
/// channels, is among the largest — and the time-variant remainder `x − x_inv`.
///
/// `x_inv = irfft(m ⊙ rfft(x))` along time with `m` the 0/1 mask of the dominant frequencies;
/// the split is linear, so it is differentiated exactly through the FFTs.
public struct FourierFilter: Sendable, Codable, Equatable {
  /// Window length `L`.
  public let length: Int
  /// The dominant frequency bins (of `0…L/2`), largest mean amplitude first.
  public let invariantFrequencies: [Int]

  /// A filter keeping `frequencies`.
  public init(length: Int, invariantFrequencies: [Int]) {
    self.length = length
    self.invariantFrequencies = invariantFrequencies
  }

  /// Fits the filter to training windows `[N, L, C]`: keeps the `max(1, ⌊fraction · (L/2 + 1)⌋)`
  /// bins of largest mean amplitude (Koopa's α; 0.2 by default).
  /// - Throws: ``TensorError`` for windows that are not `[N, L, C]`.
  public init(fitting windows: Tensor, fraction: Double = 0.2) throws {
    guard windows.rank == 3 else {
      throw TensorError.invalidShape(operation: "FourierFilter", message: "expects windows [N, L, C], got \(windows.shape)")
    }
    let length = windows.shape[1], bins = length / 2 + 1
    let spectrum = try windows.permuted([0, 2, 1]).realFFT(dimensions: 1).complexMagnitude()  // [N, C, bins]
    var amplitude = [Double](repeating: 0, count: bins)
    for (k, value) in spectrum.scalars.enumerated() { amplitude[k % bins] += Double(value) }
    let kept = max(1, Int(fraction * Double(bins)))
    self.init(length: length, invariantFrequencies: Array((0..<bins).sorted { amplitude[$0] > amplitude[$1] }.prefix(kept)))
  }

  /// The time-invariant and time-variant parts of `x` `[B, L, C]`, each `[B, L, C]`.
  /// - Throws: ``TensorError`` if the windows are not of length ``length``.
  public func callAsFunction(_ x: Tensor) throws -> (invariant: Tensor, variant: Tensor) {
    guard x.rank == 3, x.shape[1] == length else {
      throw TensorError.invalidShape(operation: "FourierFilter", message: "expects windows [B, \(length), C], got \(x.shape)")
    }
    let bins = length / 2 + 1
    var mask = [Float](repeating: 0, count: bins * 2)
    for k in invariantFrequencies { (mask[2 * k], mask[2 * k + 1]) = (1, 1) }
    let spectrum = try x.permuted([0, 2, 1]).realFFT(dimensions: 1)  // [B, C, bins, 2]
    let kept = try spectrum * Tensor(shape: [bins, 2], scalars: mask)
    let invariant = try kept.inverseRealFFT(sizes: [length]).permuted([0, 2, 1])
    return (invariant, try x - invariant)
  }
}
