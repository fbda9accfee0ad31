import CBLAS
import Dispatch
import Parallelism

/// Convolutions as one GEMM per kernel tap over shifted views of a zero-padded copy of each
/// sample, with no im2col: the lowered matrix of tap `t` is the padded sample read from
/// offset `offset(t)`, so it costs no copy. Outputs are computed on the padded row pitch (a few
/// wasted columns per row) and cropped. Measured on the MgNO V-cycles (3×3, 8–32 channels,
/// 4²–32² grids) this replaces im2col/col2im, which took 40% of a training step.
///
/// Strided convolutions use the polyphase form: the padded sample is stored as `Π strideₐ`
/// phase grids (phase `(a₀, a₁, a₂)` holds the padded points whose coordinates are `aₐ` modulo
/// the stride), so tap `k` of a stride-`s` convolution reads phase `k mod s` at offset
/// `⌊k / s⌋` with unit stride, and every tap is again one GEMM on a shifted view. The same
/// decomposition gives the transposed convolution (the adjoint in the input, ``dataGradient``).
///
/// Layouts (per sample): staged input `[phases, channels, P]` with `P = Π ⌈(nₐ + 2pₐ) / sₐ⌉`;
/// full output `[outChannels, N]` with `N` the phase-grid flat index of the last output plus one;
/// kernel taps `[taps, outChannels, inChannels]`.
struct ShiftedConvolution {
  let geometry: ConvolutionGeometry
  let inChannels: Int
  let outChannels: Int
  /// Extents of one phase grid (3 axes).
  let phaseExtent: [Int]
  /// Row-major strides of the phase grid.
  let pitch: [Int]
  /// Points per channel of one phase grid: the GEMMs' channel stride.
  let phaseSize: Int
  /// Floats of one staged sample (every phase of every channel).
  let stagedSize: Int
  /// Columns of the full (uncropped) output.
  let span: Int
  /// Flat offset of every kernel tap in the staged layout.
  let tapOffsets: [Int]
  /// Per axis and input index, the staged offset of that coordinate (phase block and position
  /// within the phase grid): input point `(i, j, k)` of channel `c` sits at
  /// `c · phaseSize + inputOffsets[0][i] + inputOffsets[1][j] + inputOffsets[2][k]`.
  let inputOffsets: [[Int]]

  init(geometry: ConvolutionGeometry, outChannels: Int) {
    self.geometry = geometry
    inChannels = geometry.channels
    self.outChannels = outChannels
    let stride = geometry.stride
    phaseExtent = (0..<3).map { (geometry.input[$0] + 2 * geometry.padding[$0] + stride[$0] - 1) / stride[$0] }
    let pitch = [phaseExtent[1] * phaseExtent[2], phaseExtent[2], 1]
    self.pitch = pitch
    phaseSize = phaseExtent.reduce(1, *)
    stagedSize = stride.reduce(1, *) * inChannels * phaseSize
    span = (0..<3).reduce(1) { $0 + (geometry.output[$1] - 1) * pitch[$1] }
    var offsets = [Int]()
    for kd in 0..<geometry.kernel[0] {
      for kh in 0..<geometry.kernel[1] {
        for kw in 0..<geometry.kernel[2] {
          let phase = ((kd % stride[0]) * stride[1] + kh % stride[1]) * stride[2] + kw % stride[2]
          offsets.append(phase * inChannels * phaseSize + (kd / stride[0]) * pitch[0] + (kh / stride[1]) * pitch[1] + kw / stride[2])
        }
      }
    }
    tapOffsets = offsets
    // The phase index is ((a₀ s₁ + a₁) s₂ + a₂): each axis adds its part of the phase block.
    let phaseBlock = inChannels * phaseSize
    let phaseStrides = [stride[1] * stride[2], stride[2], 1].map { $0 * phaseBlock }
    inputOffsets = (0..<3).map { axis in
      (0..<geometry.input[axis]).map { i in
        let padded = i + geometry.padding[axis]
        return (padded % stride[axis]) * phaseStrides[axis] + (padded / stride[axis]) * pitch[axis]
      }
    }
  }

  /// True when this lowering applies: a kernel with more than one tap.
  static func applies(to geometry: ConvolutionGeometry) -> Bool { geometry.kernelSize > 1 }

  /// Calls `body(dense, staged, count, step)` for every input row (last axis) of every channel:
  /// `count` points of the row, read from a dense `[channels, input…]` sample at `dense`,
  /// `dense + step`, … and stored consecutively in the staged layout from `staged`. With unit
  /// stride along the last axis that is the whole row; with stride `s` it is `s` runs, one per
  /// phase.
  @inline(__always)
  private func forEachInputRun(_ body: (Int, Int, Int, Int) -> Void) {
    let (input, s) = (geometry.input, geometry.stride[2])
    let width = input[2]
    // The runs of one row: its first `s` points start one phase each.
    let runs = (0..<min(s, width)).map { first in (first: first, count: (width - first + s - 1) / s, offset: inputOffsets[2][first]) }
    var dense = 0
    for c in 0..<inChannels {
      for i in 0..<input[0] {
        for j in 0..<input[1] {
          let row = c * phaseSize + inputOffsets[0][i] + inputOffsets[1][j]
          for run in runs { body(dense + run.first, row + run.offset, run.count, s) }
          dense += width
        }
      }
    }
  }

  /// Calls `body(dense, full)` for every output row: its offset in a dense `[out, output…]`
  /// sample and in the full output `[out, span]`.
  @inline(__always)
  private func forEachOutputRow(_ body: (Int, Int) -> Void) {
    let output = geometry.output
    var dense = 0
    for c in 0..<outChannels {
      for i in 0..<output[0] {
        for j in 0..<output[1] {
          body(dense, c * span + i * pitch[0] + j * pitch[1])
          dense += output[2]
        }
      }
    }
  }

  /// Weights `[out, in, taps]` rearranged to `[taps, out, in]`.
  func taps(_ weight: UnsafePointer<Float>) -> [Float] {
    let (k, block) = (tapOffsets.count, outChannels * inChannels)
    return [Float](unsafeUninitializedCapacity: k * block) { out, count in
      for t in 0..<k { for oi in 0..<block { out[t * block + oi] = weight[oi * k + t] } }
      count = k * block
    }
  }

  /// Tap gradients `[taps, out, in]` back to the weight layout `[out, in, taps]`.
  func weightLayout(_ dTaps: [Float]) -> [Float] {
    let k = tapOffsets.count, block = dTaps.count / k
    return [Float](unsafeUninitializedCapacity: dTaps.count) { dw, count in
      for t in 0..<k { for oi in 0..<block { dw[oi * k + t] = dTaps[t * block + oi] } }
      count = dTaps.count
    }
  }

  /// One sample `[in, input…]` into a zeroed staged buffer.
  private func stage(_ x: UnsafePointer<Float>, into buffer: UnsafeMutablePointer<Float>) {
    buffer.update(repeating: 0, count: stagedSize)
    forEachInputRun { dense, staged, count, step in
      if step == 1 { return (buffer + staged).update(from: x + dense, count: count) }
      var q = 0
      if step == 2 {
        // Every other point, 8 at a time, while the 16 floats read stay in the run.
        while 2 * q + 16 <= 2 * count - 1 {
          let pair = UnsafeRawPointer(x + dense + 2 * q).loadUnaligned(as: SIMD16<Float>.self)
          UnsafeMutableRawPointer(buffer + staged + q).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
          q += 8
        }
      }
      while q < count {
        buffer[staged + q] = x[dense + q * step]
        q += 1
      }
    }
  }

  /// One sample's output gradient `[out, output…]` on the full output's pitch, zero in the
  /// unused columns.
  private func spread(_ g: UnsafePointer<Float>, into full: UnsafeMutablePointer<Float>) {
    full.update(repeating: 0, count: outChannels * span)
    let width = geometry.output[2]
    forEachOutputRow { dense, strided in (full + strided).update(from: g + dense, count: width) }
  }

  /// `y = conv(x)` for `batch` samples; weights as ``taps(_:)``.
  func forward(_ x: UnsafePointer<Float>, taps w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int) {
    let (inSize, outSize) = (inChannels * geometry.inputSize, outChannels * geometry.outputSize)
    forEachSampleRange(batch) { samples in
      withScratch(stagedSize, outChannels * span) { xs, yf in
        for b in samples {
          stage(x + b * inSize, into: xs)
          for (t, offset) in tapOffsets.enumerated() {
            // Y ← W_t · X_t (+ Y)
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(span), Int32(inChannels), 1,
              w + t * outChannels * inChannels, Int32(inChannels), xs + offset, Int32(phaseSize), t == 0 ? 0 : 1, yf, Int32(span))
          }
          let (width, yb) = (geometry.output[2], y + b * outSize)
          forEachOutputRow { dense, strided in (yb + dense).update(from: yf + strided, count: width) }
        }
      }
    }
  }

  /// The gradient of the input (overwritten) from the output gradient `g`: the adjoint of
  /// ``forward``, which is also the transposed convolution of `g`.
  func dataGradient(_ g: UnsafePointer<Float>, taps w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, batch: Int) {
    let (inSize, outSize) = (inChannels * geometry.inputSize, outChannels * geometry.outputSize)
    let block = outChannels * inChannels
    forEachSampleRange(batch) { samples in
      withScratch(stagedSize, outChannels * span) { dxs, gf in
        for b in samples {
          spread(g + b * outSize, into: gf)
          dxs.update(repeating: 0, count: stagedSize)
          for (t, offset) in tapOffsets.enumerated() {
            // ∂X_t += W_tᵀ · G
            cblas_sgemm(
              CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inChannels), Int32(span), Int32(outChannels), 1, w + t * block,
              Int32(inChannels), gf, Int32(span), 1, dxs + offset, Int32(phaseSize))
          }
          let dxb = dx + b * inSize
          forEachInputRun { dense, staged, count, step in
            if step == 1 { return (dxb + dense).update(from: dxs + staged, count: count) }
            for q in 0..<count { dxb[dense + q * step] = dxs[staged + q] }
          }
        }
      }
    }
  }

  /// The tap gradients `[taps, out, in]` (overwritten) of ``forward`` at input `x` for the
  /// output gradient `g`.
  func tapGradient(_ x: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>, dTaps: UnsafeMutablePointer<Float>, batch: Int) {
    let (inSize, outSize) = (inChannels * geometry.inputSize, outChannels * geometry.outputSize)
    let block = outChannels * inChannels
    let partials = forEachSampleRange(batch) { samples -> [Float] in
      var dw = [Float](repeating: 0, count: tapOffsets.count * block)
      dw.withUnsafeMutableBufferPointer { dw in
        withScratch(stagedSize, outChannels * span) { xs, gf in
          for b in samples {
            stage(x + b * inSize, into: xs)
            spread(g + b * outSize, into: gf)
            for (t, offset) in tapOffsets.enumerated() {
              // ∂W_t += G · X_tᵀ
              cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(outChannels), Int32(inChannels), Int32(span), 1, gf, Int32(span),
                xs + offset, Int32(phaseSize), 1, dw.baseAddress! + t * block, Int32(inChannels))
            }
          }
        }
      }
      return dw
    }
    dTaps.update(repeating: 0, count: tapOffsets.count * block)
    for partial in partials { for i in partial.indices { dTaps[i] += partial[i] } }
  }

  /// `body(staged, full)` with a staged-sample buffer and a full-output buffer.
  private func withScratch(_ staged: Int, _ full: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: staged + full) { buffer in
      body(buffer.baseAddress!, buffer.baseAddress! + staged)
    }
  }

  /// Runs `body` on contiguous ranges of the samples, one per worker when the batch and the
  /// work allow (inside another parallel loop: all on this thread).
  @discardableResult
  private func forEachSampleRange<T>(_ batch: Int, _ body: (Range<Int>) -> T) -> [T] {
    let work = batch * outChannels * inChannels * tapOffsets.count * span
    let workers = min(Parallel.workers(forWork: work, perWorker: 1 << 18), batch)
    guard workers > 1 else { return [body(0..<batch)] }
    return Parallel.map(count: workers) { w in body(batch * w / workers..<batch * (w + 1) / workers) }
  }
}
