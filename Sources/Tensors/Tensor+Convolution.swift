/// Convolutions in 1, 2 and 3 dimensions and their transposes, channel-first, lowered to GEMM:
/// 3×3 unit-stride 2-D kernels by Winograd F(2×2, 3×3) (``WinogradConvolution``), other kernels
/// with more than one tap (strided ones in polyphase form, and the transposes) by one GEMM per
/// tap (``ShiftedConvolution``), pointwise kernels by one GEMM (im2col where a 1×…×1 kernel is
/// strided or padded).
extension Tensor {
  /// Cross-correlation (deep learning's "convolution"), PyTorch's `conv1d/2d/3d`.
  ///
  /// Shapes: input `[batch, inputChannels, spatial…]` (1–3 spatial axes), weight
  /// `[outputChannels, inputChannels, kernel…]`, bias `[outputChannels]`; output
  /// `[batch, outputChannels, (spatial + 2·padding − kernel) / stride + 1 …]`. Padding is zero
  /// padding; use ``padded(_:mode:)`` first for replicate or circular borders. Differentiable in
  /// input, weight and bias.
  /// - Throws: ``TensorError`` naming the shapes when they do not fit together.
  public func convolved(with weight: Tensor, bias: Tensor? = nil, stride: [Int]? = nil, padding: [Int]? = nil) throws -> Tensor {
    let d = rank - 2
    guard d >= 1, d <= 3, weight.rank == rank, weight.shape[1] == shape[1], bias.map({ $0.shape == [weight.shape[0]] }) ?? true else {
      throw TensorError.shapeMismatch(operation: "convolved", shapes: [shape, weight.shape] + (bias.map { [$0.shape] } ?? []))
    }
    try checkFinite("convolved (input \(shape))")
    try weight.checkFinite("convolved (weight \(weight.shape))")
    let geometry = try ConvolutionGeometry(
      channels: shape[1], spatial: Array(shape[2...]), kernel: Array(weight.shape[2...]), stride: stride ?? Array(repeating: 1, count: d),
      padding: padding ?? Array(repeating: 0, count: d), operation: "convolved")
    let (batch, outChannels) = (shape[0], weight.shape[0])
    let outShape = [batch, outChannels] + Array(geometry.output.suffix(d))
    if WinogradConvolution.applies(to: geometry) {
      return try winogradConvolved(
        with: weight, plan: WinogradConvolution(batch: batch, geometry: geometry, outChannels: outChannels), outShape: outShape
      )
      .addingChannelBias(bias)
    }
    if ShiftedConvolution.applies(to: geometry) {
      return try shiftedConvolved(
        with: weight, geometry: ShiftedConvolution(geometry: geometry, outChannels: outChannels), outShape: outShape, transposed: false
      )
      .addingChannelBias(bias)
    }
    // The bias is the GEMM's starting value (one pass over the output instead of two).
    var out =
      bias.map { Self.channelPlanes($0.scalars, planes: batch, planeSize: geometry.outputSize) }
      ?? [Float](repeating: 0, count: outShape.reduce(1, *))
    var columns = [Float](repeating: 0, count: geometry.isPointwise ? 1 : geometry.rows * geometry.outputSize)
    scalars.withUnsafeBufferPointer { x in
      weight.scalars.withUnsafeBufferPointer { w in
        columns.withUnsafeMutableBufferPointer { cols in
          out.withUnsafeMutableBufferPointer { y in
            for b in 0..<batch {
              let sample = x.baseAddress! + b * shape[1] * geometry.inputSize
              // A pointwise kernel reads the sample directly; other kernels lower it first.
              var lowered = sample
              if !geometry.isPointwise {
                geometry.im2col(sample, cols.baseAddress!)
                lowered = UnsafePointer(cols.baseAddress!)
              }
              // Y_b = W · cols
              gemm(
                w.baseAddress!, transposeA: false, lowered, transposeB: false, y.baseAddress! + b * outChannels * geometry.outputSize,
                m: outChannels, n: geometry.outputSize, k: geometry.rows, accumulate: bias != nil)
            }
          }
        }
      }
    }
    let (input, filter) = (self.detached, weight.detached)
    let inputs = [self, weight] + (bias.map { [$0] } ?? [])
    return GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: inputs) { g in
      var dx = [Float](repeating: 0, count: input.count)
      var dw = [Float](repeating: 0, count: filter.count)
      // One scratch element for pointwise kernels, which need no lowering.
      var cols = [Float](repeating: 0, count: geometry.isPointwise ? 1 : geometry.rows * geometry.outputSize)
      var dcols = cols
      input.scalars.withUnsafeBufferPointer { x in
        filter.scalars.withUnsafeBufferPointer { w in
          g.scalars.withUnsafeBufferPointer { gy in
            cols.withUnsafeMutableBufferPointer { c in
              dcols.withUnsafeMutableBufferPointer { dc in
                dx.withUnsafeMutableBufferPointer { dxb in
                  dw.withUnsafeMutableBufferPointer { dwb in
                    for b in 0..<batch {
                      let gb = gy.baseAddress! + b * outChannels * geometry.outputSize
                      let sample = x.baseAddress! + b * input.shape[1] * geometry.inputSize
                      let dsample = dxb.baseAddress! + b * input.shape[1] * geometry.inputSize
                      // Pointwise kernels use the sample and its gradient as the lowered matrices.
                      let pointwise = geometry.isPointwise
                      if !pointwise { geometry.im2col(sample, c.baseAddress!) }
                      // ∂W += G_b · colsᵀ
                      gemm(
                        gb, transposeA: false, pointwise ? sample : UnsafePointer(c.baseAddress!), transposeB: true, dwb.baseAddress!,
                        m: outChannels, n: geometry.rows, k: geometry.outputSize, accumulate: true)
                      // ∂cols = Wᵀ · G_b, scattered back by col2im
                      gemm(
                        w.baseAddress!, transposeA: true, gb, transposeB: false, pointwise ? dsample : dc.baseAddress!, m: geometry.rows,
                        n: geometry.outputSize, k: outChannels, accumulate: false)
                      if !pointwise { geometry.col2im(dc.baseAddress!, dsample) }
                    }
                  }
                }
              }
            }
          }
        }
      }
      let gradients = [Tensor(unchecked: input.shape, dx), Tensor(unchecked: filter.shape, dw)]
      guard bias != nil else { return gradients }
      // ∂bias_c = Σ over batch and output positions of g[b, c, …].
      return try gradients + [g.summed(alongAxes: [0] + Array(2..<g.rank))]
    }
  }

  /// `[planes, values.count, planeSize]` with `out[b, c, p] = values[c]`, written once.
  static func channelPlanes(_ values: [Float], planes: Int, planeSize: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: planes * values.count * planeSize) { y, initialized in
      for b in 0..<planes {
        for (c, v) in values.enumerated() {
          let start = (b * values.count + c) * planeSize
          (y.baseAddress! + start).initialize(repeating: v, count: planeSize)
        }
      }
      initialized = planes * values.count * planeSize
    }
  }

  /// A 3×3 unit-stride 2-D convolution by ``WinogradConvolution`` (no bias), with its gradient.
  private func winogradConvolved(with weight: Tensor, plan: WinogradConvolution, outShape: [Int]) throws -> Tensor {
    let kernels = weight.scalars.withUnsafeBufferPointer { plan.transformedKernels($0.baseAddress!) }
    let out = [Float](unsafeUninitializedCapacity: outShape.reduce(1, *)) { y, count in
      scalars.withUnsafeBufferPointer { x in
        kernels.withUnsafeBufferPointer { u in plan.forward(x.baseAddress!, kernels: u.baseAddress!, y.baseAddress!) }
      }
      count = y.count
    }
    let (input, filter) = (self.detached, weight.detached)
    return GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: [self, weight]) { g in
      // ∂x: the adjoint convolution of g (flipped kernels, channels swapped).
      let adjoint = plan.adjoint
      let dx = [Float](unsafeUninitializedCapacity: input.count) { dx, count in
        g.scalars.withUnsafeBufferPointer { gy in
          kernels.withUnsafeBufferPointer { u in adjoint.forward(gy.baseAddress!, kernels: u.baseAddress!, adjointOf: true, dx.baseAddress!)
          }
        }
        count = dx.count
      }
      let dw = [Float](unsafeUninitializedCapacity: filter.count) { dw, count in
        input.scalars.withUnsafeBufferPointer { x in
          g.scalars.withUnsafeBufferPointer { gy in plan.kernelGradient(x.baseAddress!, outputGradient: gy.baseAddress!, dw.baseAddress!) }
        }
        count = dw.count
      }
      return [Tensor(unchecked: input.shape, dx), Tensor(unchecked: filter.shape, dw)]
    }
  }

  /// A convolution by ``ShiftedConvolution`` (no bias), or with `transposed` its transpose
  /// (the adjoint in the input: `shifted`'s input is then this output), with its gradient. The
  /// convolution and its adjoint exchange roles between the value and the input gradient, and
  /// the weight gradient is the convolution's with input and output gradient exchanged.
  private func shiftedConvolved(with weight: Tensor, geometry shifted: ShiftedConvolution, outShape: [Int], transposed: Bool) -> Tensor {
    let batch = shape[0]
    let taps = weight.scalars.withUnsafeBufferPointer { shifted.taps($0.baseAddress!) }
    // The convolution of `x` (`count` outputs), or its adjoint.
    func applied(to x: [Float], adjoint: Bool, count: Int) -> [Float] {
      [Float](unsafeUninitializedCapacity: count) { y, initialized in
        x.withUnsafeBufferPointer { x in
          taps.withUnsafeBufferPointer { w in
            if adjoint {
              shifted.dataGradient(x.baseAddress!, taps: w.baseAddress!, dx: y.baseAddress!, batch: batch)
            } else {
              shifted.forward(x.baseAddress!, taps: w.baseAddress!, y.baseAddress!, batch: batch)
            }
          }
        }
        initialized = count
      }
    }
    let out = applied(to: scalars, adjoint: transposed, count: outShape.reduce(1, *))
    let (input, filter) = (self.detached, weight.detached)
    return GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: [self, weight]) { g in
      let dx = applied(to: g.scalars, adjoint: !transposed, count: input.count)
      let (convolutionInput, outputGradient) = transposed ? (g.scalars, input.scalars) : (input.scalars, g.scalars)
      let dTaps = [Float](unsafeUninitializedCapacity: filter.count) { dt, count in
        convolutionInput.withUnsafeBufferPointer { x in
          outputGradient.withUnsafeBufferPointer { gy in
            shifted.tapGradient(x.baseAddress!, outputGradient: gy.baseAddress!, dTaps: dt.baseAddress!, batch: batch)
          }
        }
        count = dt.count
      }
      return [Tensor(unchecked: input.shape, dx), Tensor(unchecked: filter.shape, shifted.weightLayout(dTaps))]
    }
  }

  /// The transposed convolution (PyTorch's `conv_transpose1d/2d/3d`), the adjoint of
  /// ``convolved(with:bias:stride:padding:)`` in its input: used for upsampling and multigrid
  /// prolongation.
  ///
  /// Shapes: input `[batch, inputChannels, spatial…]`, weight
  /// `[inputChannels, outputChannels, kernel…]`, bias `[outputChannels]`; output extent
  /// `(spatial − 1)·stride − 2·padding + kernel + outputPadding` per axis.
  /// - Throws: ``TensorError`` naming the shapes when they do not fit together.
  public func transposedConvolved(
    with weight: Tensor, bias: Tensor? = nil, stride: [Int]? = nil, padding: [Int]? = nil, outputPadding: [Int]? = nil
  ) throws -> Tensor {
    let d = rank - 2
    guard d >= 1, d <= 3, weight.rank == rank, weight.shape[0] == shape[1], bias.map({ $0.shape == [weight.shape[1]] }) ?? true else {
      throw TensorError.shapeMismatch(operation: "transposedConvolved", shapes: [shape, weight.shape] + (bias.map { [$0.shape] } ?? []))
    }
    let stride = stride ?? Array(repeating: 1, count: d), padding = padding ?? Array(repeating: 0, count: d)
    let extra = outputPadding ?? Array(repeating: 0, count: d)
    let kernel = Array(weight.shape[2...])
    guard extra.count == d, stride.count == d, padding.count == d, (0..<d).allSatisfy({ extra[$0] >= 0 && extra[$0] < stride[$0] }) else {
      throw TensorError.invalidShape(
        operation: "transposedConvolved", message: "output padding \(extra) must be below the stride \(stride)")
    }
    var spatial = [Int]()
    for axis in 0..<d {
      let stretched: Int = (shape[2 + axis] - 1) * stride[axis]
      spatial.append(stretched - 2 * padding[axis] + kernel[axis] + extra[axis])
    }
    guard spatial.allSatisfy({ $0 >= 1 }) else {
      throw TensorError.invalidShape(operation: "transposedConvolved", message: "output extent \(spatial) for input \(shape)")
    }
    try checkFinite("transposedConvolved (input \(shape))")
    try weight.checkFinite("transposedConvolved (weight \(weight.shape))")
    let (batch, inChannels, outChannels) = (shape[0], shape[1], weight.shape[1])
    let geometry = try ConvolutionGeometry(
      channels: outChannels, spatial: spatial, kernel: kernel, stride: stride, padding: padding, operation: "transposedConvolved")
    let inputSize = Array(shape[2...]).reduce(1, *)
    guard geometry.outputSize == inputSize else {
      throw TensorError.invalidShape(operation: "transposedConvolved", message: "geometry mismatch for input \(shape)")
    }
    let outShape = [batch, outChannels] + spatial
    if ShiftedConvolution.applies(to: geometry) {
      return try shiftedConvolved(
        with: weight, geometry: ShiftedConvolution(geometry: geometry, outChannels: inChannels), outShape: outShape, transposed: true
      )
      .addingChannelBias(bias)
    }
    var out = [Float](repeating: 0, count: outShape.reduce(1, *))
    var columns = [Float](repeating: 0, count: geometry.rows * inputSize)
    scalars.withUnsafeBufferPointer { x in
      weight.scalars.withUnsafeBufferPointer { w in
        columns.withUnsafeMutableBufferPointer { cols in
          out.withUnsafeMutableBufferPointer { y in
            for b in 0..<batch {
              // cols = Wᵀ · x_b, scattered into the output by col2im
              gemm(
                w.baseAddress!, transposeA: true, x.baseAddress! + b * inChannels * inputSize, transposeB: false, cols.baseAddress!,
                m: geometry.rows, n: inputSize, k: inChannels, accumulate: false)
              geometry.col2im(cols.baseAddress!, y.baseAddress! + b * outChannels * geometry.inputSize)
            }
          }
        }
      }
    }
    let (input, filter) = (self.detached, weight.detached)
    let result = GradientTape.recorded(Tensor(unchecked: outShape, out), inputs: [self, weight]) { g in
      var dx = [Float](repeating: 0, count: input.count)
      var dw = [Float](repeating: 0, count: filter.count)
      var cols = [Float](repeating: 0, count: geometry.rows * inputSize)
      input.scalars.withUnsafeBufferPointer { x in
        filter.scalars.withUnsafeBufferPointer { w in
          g.scalars.withUnsafeBufferPointer { gy in
            cols.withUnsafeMutableBufferPointer { c in
              dx.withUnsafeMutableBufferPointer { dxb in
                dw.withUnsafeMutableBufferPointer { dwb in
                  for b in 0..<batch {
                    geometry.im2col(gy.baseAddress! + b * outChannels * geometry.inputSize, c.baseAddress!)
                    let xb = x.baseAddress! + b * inChannels * inputSize
                    // ∂x_b = W · im2col(G_b);  ∂W += x_b · im2col(G_b)ᵀ
                    gemm(
                      w.baseAddress!, transposeA: false, c.baseAddress!, transposeB: false, dxb.baseAddress! + b * inChannels * inputSize,
                      m: inChannels, n: inputSize, k: geometry.rows, accumulate: false)
                    gemm(
                      xb, transposeA: false, c.baseAddress!, transposeB: true, dwb.baseAddress!, m: inChannels, n: geometry.rows,
                      k: inputSize, accumulate: true)
                  }
                }
              }
            }
          }
        }
      }
      return [Tensor(unchecked: input.shape, dx), Tensor(unchecked: filter.shape, dw)]
    }
    return try result.addingChannelBias(bias)
  }

  /// Average pooling over non-overlapping windows of `kernel` on the spatial axes of
  /// `[batch, channels, spatial…]`; each spatial extent must be a multiple of its window.
  public func averagePooled(kernel: [Int]) throws -> Tensor {
    let d = rank - 2
    guard d >= 1, kernel.count == d, (0..<d).allSatisfy({ kernel[$0] >= 1 && shape[2 + $0] % kernel[$0] == 0 }) else {
      throw TensorError.invalidShape(operation: "averagePooled", message: "windows \(kernel) do not tile the spatial axes of \(shape)")
    }
    // [B, C, s₀, …] → [B, C, s₀/k₀, k₀, …] and average over the window axes.
    let split = Array(shape[..<2]) + (0..<d).flatMap { [shape[2 + $0] / kernel[$0], kernel[$0]] }
    return try reshaped(to: split).mean(alongAxes: (0..<d).map { 3 + 2 * $0 })
  }

  /// (Bi/tri)linear resampling of the spatial axes of `[batch, channels, spatial…]` to `sizes`.
  /// With `alignCorners` the corner samples coincide (samples at `i·(n−1)/(m−1)`); otherwise
  /// samples are cell centres (PyTorch's `align_corners=False`), clamped at the edges.
  /// Applied axis by axis as a product with a sparse-in-effect interpolation matrix.
  public func resized(to sizes: [Int], alignCorners: Bool = false) throws -> Tensor {
    let d = rank - 2
    guard d >= 1, sizes.count == d, sizes.allSatisfy({ $0 >= 1 }) else {
      throw TensorError.invalidShape(operation: "resized", message: "sizes \(sizes) for the spatial axes of \(shape)")
    }
    var x = self
    for axis in 0..<d where sizes[axis] != shape[2 + axis] {
      let matrix = Tensor.interpolationMatrix(from: x.shape[2 + axis], to: sizes[axis], alignCorners: alignCorners)
      // Move the axis last, multiply by Mᵀ, move it back.
      var order = Array(0..<rank)
      order.remove(at: 2 + axis)
      order.append(2 + axis)
      var back = [Int](repeating: 0, count: rank)
      for (i, p) in order.enumerated() { back[p] = i }
      x = try x.permuted(order).matmul(matrix.transposed()).permuted(back)
    }
    return x
  }

  /// The `m × n` linear interpolation matrix from `n` samples to `m`.
  static func interpolationMatrix(from n: Int, to m: Int, alignCorners: Bool) -> Tensor {
    var values = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      let position: Double
      if alignCorners {
        position = m == 1 ? 0 : Double(i) * Double(n - 1) / Double(m - 1)
      } else {
        position = Swift.min(Swift.max((Double(i) + 0.5) * Double(n) / Double(m) - 0.5, 0), Double(n - 1))
      }
      let j = Swift.min(Int(position), n - 1)
      let t = Float(position - Double(j))
      values[i * n + j] += 1 - t
      if t > 0 { values[i * n + j + 1] += t }
    }
    return Tensor(unchecked: [m, n], values)
  }

  /// `self + bias` broadcast over the batch and spatial axes of `[batch, channels, spatial…]`
  /// (differentiable through `+`); `self` when there is no bias.
  func addingChannelBias(_ bias: Tensor?) throws -> Tensor {
    guard let bias else { return self }
    return try self + bias.reshaped(to: [bias.count] + Array(repeating: 1, count: rank - 2))
  }
}
