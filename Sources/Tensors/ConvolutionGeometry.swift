/// The index geometry of a strided, zero-padded convolution in 1 to 3 dimensions, normalized to
/// three (missing leading axes have extent 1), with the im2col lowering and its adjoint.
///
/// `im2col` writes, for one sample `[channels, D, H, W]`, the matrix
/// `[channels·KD·KH·KW, OD·OH·OW]` whose column `o` holds the input patch that output `o` sees
/// (zeros where the patch leaves the padded input). A convolution is then one GEMM with the
/// weight matrix; `col2im` is the exact adjoint (it sums overlapping patches), used by the
/// backward pass and by transposed convolutions.
struct ConvolutionGeometry: Equatable {
  let channels: Int
  let input: [Int]
  let kernel: [Int]
  let stride: [Int]
  let padding: [Int]
  let output: [Int]

  /// Geometry for `spatial` input extents (1 to 3 axes); throws if the kernel does not fit.
  init(channels: Int, spatial: [Int], kernel: [Int], stride: [Int], padding: [Int], operation: String) throws {
    let d = spatial.count
    guard (1...3).contains(d), kernel.count == d, stride.count == d, padding.count == d,
      kernel.allSatisfy({ $0 >= 1 }), stride.allSatisfy({ $0 >= 1 }), padding.allSatisfy({ $0 >= 0 })
    else {
      throw TensorError.invalidShape(
        operation: operation, message: "kernel \(kernel), stride \(stride), padding \(padding) for \(d) spatial axes")
    }
    var out = [Int]()
    for axis in 0..<d {
      let padded: Int = spatial[axis] + 2 * padding[axis]
      out.append((padded - kernel[axis]) / stride[axis] + 1)
    }
    guard (0..<d).allSatisfy({ spatial[$0] + 2 * padding[$0] >= kernel[$0] }) else {
      throw TensorError.invalidShape(
        operation: operation, message: "kernel \(kernel) is larger than the padded input \(spatial) + 2·\(padding)")
    }
    let lift = { (v: [Int], fill: Int) in Array(repeating: fill, count: 3 - d) + v }
    self.channels = channels
    input = lift(spatial, 1)
    self.kernel = lift(kernel, 1)
    self.stride = lift(stride, 1)
    self.padding = lift(padding, 0)
    output = lift(out, 1)
  }

  var kernelSize: Int { kernel.reduce(1, *) }
  /// A 1×…×1 kernel with unit stride and no padding: the lowered matrix is the input itself.
  var isPointwise: Bool { kernelSize == 1 && stride.allSatisfy { $0 == 1 } && padding.allSatisfy { $0 == 0 } }
  var inputSize: Int { input.reduce(1, *) }
  var outputSize: Int { output.reduce(1, *) }
  var rows: Int { channels * kernelSize }

  /// Lowers one sample `x` (`channels · inputSize`) into `columns` (`rows · outputSize`).
  func im2col(_ x: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
    forEachRun { column, source, count, step in
      if source < 0 {
        columns.advanced(by: column).update(repeating: 0, count: count)
      } else if step == 1 {
        columns.advanced(by: column).update(from: x.advanced(by: source), count: count)
      } else {
        for t in 0..<count { columns[column + t] = x[source + t * step] }
      }
    }
  }

  /// The adjoint of ``im2col(_:_:)``: adds every column entry back to its input element.
  func col2im(_ columns: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
    forEachRun { column, source, count, step in
      guard source >= 0 else { return }
      for t in 0..<count { x[source + t * step] += columns[column + t] }
    }
  }

  /// Calls `body(column, source, count, step)` for runs of the lowered matrix: `count`
  /// consecutive entries starting at flat position `column` read the input at
  /// `source, source + step, …`, or are zero padding when `source < 0`.
  @inline(__always)
  private func forEachRun(_ body: (Int, Int, Int, Int) -> Void) {
    let (D, H, W) = (input[0], input[1], input[2])
    let (OD, OH, OW) = (output[0], output[1], output[2])
    let (sw, pw) = (stride[2], padding[2])
    var row = 0
    for c in 0..<channels {
      for kd in 0..<kernel[0] {
        for kh in 0..<kernel[1] {
          for kw in 0..<kernel[2] {
            // Output columns whose tap lands inside the input along the last axis:
            // 0 ≤ ow·sw + kw − pw < W.
            let first = Swift.min(OW, Swift.max(0, (pw - kw + sw - 1) / sw))
            let last = Swift.min(OW, Swift.max(first, (W - 1 + pw - kw) / sw + 1))
            for od in 0..<OD {
              let id = od * stride[0] + kd - padding[0]
              for oh in 0..<OH {
                let ih = oh * stride[1] + kh - padding[1]
                let column = row * outputSize + (od * OH + oh) * OW
                guard id >= 0, id < D, ih >= 0, ih < H else {
                  body(column, -1, OW, 0)
                  continue
                }
                let base = ((c * D + id) * H + ih) * W
                if first > 0 { body(column, -1, first, 0) }
                if last > first { body(column + first, base + first * sw + kw - pw, last - first, sw) }
                if last < OW { body(column + last, -1, OW - last, 0) }
              }
            }
            row += 1
          }
        }
      }
    }
  }
}
