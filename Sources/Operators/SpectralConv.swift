import Layers
import Spectral
import Tensors

/// The Fourier layer's linear operator: `y = F⁻¹(R · F x)`, with `R` a learned complex weight on
/// the lowest Fourier modes and zero above them, in 1, 2 or 3 dimensions.
///
/// Modes kept: on every axis but the last, frequencies `0 ..< m` and their negatives
/// `n − m ..< n` (both signs); on the last (halved) axis, `0 ..< m`. Each of the `2^(d−1)` corner
/// blocks has its own weight, `[inputChannels, outputChannels, m₁, …, m_d, 2]` (complex,
/// interleaved), contracted over input channels mode by mode. Because the weights live on
/// modes, not grid points, the same layer applies at any resolution with `n ≥ 2m` (zero-shot
/// super-resolution). Shapes: `x` is `[batch, inputChannels, n₁, …, n_d]`, `y` is
/// `[batch, outputChannels, n₁, …, n_d]`. Initialization as the reference implementation:
/// uniform in `[0, 1/(in·out))` for real and imaginary parts.
///
/// References: Li et al. 2021, "Fourier Neural Operator for Parametric Partial Differential
/// Equations", ICLR.
public struct SpectralConv: Module, Sendable {
  /// One weight per corner block, in block order (bit `j` of the index set: axis `j` takes the
  /// negative frequencies).
  public var weights: [Tensor]
  /// Modes kept per axis.
  public let modes: [Int]

  /// A layer keeping `modes` (one count per spatial axis), initialized from `generator`.
  public init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, modes: [Int], using generator: inout G) {
    precondition((1...3).contains(modes.count) && modes.allSatisfy { $0 >= 1 }, "1 to 3 spatial axes with at least one mode")
    self.modes = modes
    let scale = 1 / Float(inputChannels * outputChannels)
    weights = (0..<(1 << (modes.count - 1))).map { _ in
      let values = (0..<(inputChannels * outputChannels * modes.reduce(1, *) * 2)).map { _ in Float.random(in: 0..<scale, using: &generator)
      }
      // Safe: the count matches the shape by construction.
      return (try? Tensor(shape: [inputChannels, outputChannels] + modes + [2], scalars: values))!
    }
  }

  /// Applies the layer.
  /// - Throws: ``TensorError`` if the channels do not match or an axis is shorter than twice
  ///   its modes (or, on the last axis, than `2m − 1`).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let d = modes.count
    let (inChannels, outChannels) = (weights[0].shape[0], weights[0].shape[1])
    guard x.rank == d + 2, x.shape[1] == inChannels else {
      throw TensorError.shapeMismatch(operation: "SpectralConv", shapes: [x.shape, weights[0].shape])
    }
    let sizes = Array(x.shape.suffix(d))
    let half = sizes[d - 1] / 2 + 1
    guard (0..<(d - 1)).allSatisfy({ sizes[$0] >= 2 * modes[$0] }), half >= modes[d - 1] else {
      throw TensorError.invalidShape(operation: "SpectralConv", message: "grid \(sizes) is too small for modes \(modes)")
    }
    let batch = x.shape[0]
    let spectrum = try x.realFFT(dimensions: d)  // [b, i, n₁, …, n_d/2+1, 2]
    let blockModes = modes.reduce(1, *)
    var output: Tensor?
    for (block, weight) in weights.enumerated() {
      // This corner's frequencies along each axis.
      let ranges = (0..<d).map { axis -> Range<Int> in
        let negative = axis < d - 1 && block >> axis & 1 == 1
        return negative ? (sizes[axis] - modes[axis])..<sizes[axis] : 0..<modes[axis]
      }
      let corner = try spectrum.sliced([0..<batch, 0..<inChannels] + ranges)
      let mixed = try Tensor.modeContraction(
        corner.reshaped(to: [batch, inChannels, blockModes, 2]), weight.reshaped(to: [inChannels, outChannels, blockModes, 2]))
      // Put the block back at its corner of an otherwise zero spectrum.
      let pads = (0..<d).map { axis -> (before: Int, after: Int) in
        let extent = axis < d - 1 ? sizes[axis] : half
        return (ranges[axis].lowerBound, extent - ranges[axis].upperBound)
      }
      let placed = try mixed.reshaped(to: [batch, outChannels] + modes + [2]).padded(pads + [(0, 0)])
      output = try output.map { try $0 + placed } ?? placed
    }
    return try output!.inverseRealFFT(sizes: sizes)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    for (i, w) in weights.enumerated() { try visit("weights.\(i)", w) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    for i in weights.indices { try update("weights.\(i)", &weights[i]) }
  }
}
