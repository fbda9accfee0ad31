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
  var inputSize: Int { input.reduce(1, *) }
  var outputSize: Int { output.reduce(1, *) }
  var rows: Int { channels * kernelSize }

  /// Lowers one sample `x` (`channels · inputSize`) into `columns` (`rows · outputSize`).
  func im2col(_ x: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
    walk { row, column, source in columns[row * outputSize + column] = source >= 0 ? x[source] : 0 }
  }

  /// The adjoint of ``im2col(_:_:)``: adds every column entry back to its input element.
  func col2im(_ columns: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
    walk { row, column, source in if source >= 0 { x[source] += columns[row * outputSize + column] } }
  }

  /// Calls `body(row, column, source)` for every entry of the lowered matrix, with the input
  /// offset it reads (−1 in the zero padding).
  @inline(__always)
  private func walk(_ body: (Int, Int, Int) -> Void) {
    let (D, H, W) = (input[0], input[1], input[2])
    let (OD, OH, OW) = (output[0], output[1], output[2])
    var row = 0
    for c in 0..<channels {
      for kd in 0..<kernel[0] {
        for kh in 0..<kernel[1] {
          for kw in 0..<kernel[2] {
            for od in 0..<OD {
              let id = od * stride[0] + kd - padding[0]
              for oh in 0..<OH {
                let ih = oh * stride[1] + kh - padding[1]
                let inside = id >= 0 && id < D && ih >= 0 && ih < H
                let base = ((c * D + id) * H + ih) * W
                let column = (od * OH + oh) * OW
                for ow in 0..<OW {
                  let iw = ow * stride[2] + kw - padding[2]
                  body(row, column + ow, inside && iw >= 0 && iw < W ? base + iw : -1)
                }
              }
            }
            row += 1
          }
        }
      }
    }
  }
}
