import Tensors

/// The Fourier modes a spectral layer keeps, as positions in a half spectrum: gathering them
/// into a compact mode-major `[modes, batch, channels, 2]` tensor and scattering them back into an otherwise zero
/// spectrum, both differentiable (each is the other's adjoint).
///
/// Layout of the half spectrum (one channel): `n₁ × … × n_{d−1} × (n_d/2 + 1)` complex bins.
/// Kept: on every axis but the last, frequencies `0 ..< m` and their negatives `n − m ..< n`;
/// on the last (halved) axis, `0 ..< m`. The compact order is corner block first (bit `j` of
/// the block index: axis `j` takes the negative frequencies), then the modes row-major, which
/// is the order of a weight `[blocks, m₁, …, m_d, …]`.
struct SpectralModeSet {
  /// Complex bins per channel of the half spectrum.
  let spectrumCount: Int
  /// The half-spectrum shape (without the complex axis).
  let spectrumShape: [Int]
  /// For each kept mode in compact order, its bin in one channel's half spectrum.
  let bins: [Int]

  /// The modes `modes` of grids of extent `sizes`.
  /// - Throws: ``TensorError/invalidShape(operation:message:)`` if the corners would overlap
  ///   (`n < 2m` on a full axis, `n/2 + 1 < m` on the halved one).
  init(sizes: [Int], modes: [Int]) throws {
    let d = sizes.count
    let half = sizes[d - 1] / 2 + 1
    guard modes.count == d, (0..<(d - 1)).allSatisfy({ sizes[$0] >= 2 * modes[$0] }), half >= modes[d - 1] else {
      throw TensorError.invalidShape(operation: "SpectralConv", message: "grid \(sizes) is too small for modes \(modes)")
    }
    spectrumShape = Array(sizes.dropLast()) + [half]
    spectrumCount = spectrumShape.reduce(1, *)
    let shape = spectrumShape
    let binStrides = (0..<d).map { axis in shape[(axis + 1)...].reduce(1, *) }
    var bins = [Int]()
    bins.reserveCapacity((1 << (d - 1)) * modes.reduce(1, *))
    for block in 0..<(1 << (d - 1)) {
      var index = [Int](repeating: 0, count: d)
      for _ in 0..<modes.reduce(1, *) {
        var bin = 0
        for axis in 0..<d {
          let negative = axis < d - 1 && block >> axis & 1 == 1
          bin += (negative ? sizes[axis] - modes[axis] + index[axis] : index[axis]) * binStrides[axis]
        }
        bins.append(bin)
        // Next mode, row-major.
        var axis = d - 1
        while axis >= 0 {
          index[axis] += 1
          if index[axis] < modes[axis] { break }
          index[axis] = 0
          axis -= 1
        }
      }
    }
    self.bins = bins
  }

  /// The kept modes of a spectrum `[batch, channels, spectrumShape…, 2]`, mode-major:
  /// `[modes, batch, channels, 2]`, so that each mode's `batch × channels` block is one GEMM
  /// operand.
  func gathered(_ spectrum: Tensor) throws -> Tensor {
    let (batch, channels) = (spectrum.shape[0], spectrum.shape[1])
    let out = move(spectrum.scalars, rows: batch * channels, scatter: false)
    let result = try Tensor(shape: [bins.count, batch, channels, 2], scalars: out)
    return GradientTape.recordOperation(result, inputs: [spectrum]) { g in [try scattered(g)] }
  }

  /// A zero spectrum `[batch, channels, spectrumShape…, 2]` holding mode-major `modes`
  /// (`[modes, batch, channels, 2]`) at the kept bins.
  func scattered(_ modes: Tensor) throws -> Tensor {
    let (batch, channels) = (modes.shape[1], modes.shape[2])
    let out = move(modes.scalars, rows: batch * channels, scatter: true)
    let result = try Tensor(shape: [batch, channels] + spectrumShape + [2], scalars: out)
    return GradientTape.recordOperation(result, inputs: [modes]) { g in [try gathered(g)] }
  }

  /// Copies complex values between `rows` per-row spectra and the mode-major compact layout.
  private func move(_ source: [Float], rows: Int, scatter: Bool) -> [Float] {
    let modes = bins.count
    var out = [Float](repeating: 0, count: 2 * rows * (scatter ? spectrumCount : modes))
    source.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        bins.withUnsafeBufferPointer { bins in
          for row in 0..<rows {
            for (q, bin) in bins.enumerated() {
              // Spectrum position (row, bin) ↔ compact position (q, row).
              let (spectral, compact) = (2 * (row * spectrumCount + bin), 2 * (q * rows + row))
              let (s, t) = scatter ? (compact, spectral) : (spectral, compact)
              y[t] = x[s]
              y[t + 1] = x[s + 1]
            }
          }
        }
      }
    }
    return out
  }
}
