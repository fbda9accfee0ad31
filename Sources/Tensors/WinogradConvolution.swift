import CBLAS
import Parallelism

/// 3×3 unit-stride 2-D convolutions by Winograd's minimal filtering F(2×2, 3×3).
///
/// Each 2×2 block of outputs ("tile") is `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`, where `d` is the 4×4
/// input patch the tile sees and `g` the 3×3 kernel: 16 multiplications per tile and channel pair
/// instead of 36. Over channels the elementwise product becomes 16 independent GEMMs, one per
/// position `e` of the 4×4 transformed tile: `M_e = U_e · V_e` with `U_e` `[out, in]` (the
/// transformed kernels) and `V_e` `[in, tiles]` (the transformed patches), 2.25× fewer
/// multiply-adds than the direct convolution. The tiles of the batch are processed in blocks of
/// about ``tilesPerBlock`` (whole tile rows, across samples): transform, 16 GEMMs and inverse
/// transform of a block run while its transformed tiles are in the L2 cache. Transforms are adds
/// only, vectorized over 8 tiles of a tile row. The forward products run on ``PanelGEMM`` with
/// the transformed kernels packed once per call, the kernel-gradient products on BLAS.
///
/// The backward pass of the input is the same algorithm on the output gradient with the
/// kernels flipped and the channels swapped (padding `2 − p`), which reads the forward's
/// transformed kernels transposed at mirrored positions; the kernel gradient is
/// `∂g = Gᵀ [Σ_tiles (A ∂Y Aᵀ) ⊙ (Bᵀ d B)] G`, 16 GEMMs per block accumulated over the blocks.
///
/// Measured against the shifted-GEMM convolution on the MgNO shapes (32 channels, batch 10,
/// one core): forward 0.57–0.66×, backward 0.52–0.80× of its time at 4²–64²; an MgNO training
/// epoch went from 27 s to about 18 s (with the polyphase strided convolutions).
///
/// Layouts: input `[batch, in, H, W]`, output `[batch, out, H + 2p − 2, W + 2p − 2]`,
/// transformed kernels `[16, out, in]`, transformed tiles of a block `[16, channels, ld]` with
/// tile `(b, i, j)` at `(b · tileRows + i − firstRow) · tileColumns + j`.
///
/// References: A. Lavin, S. Gray, "Fast Algorithms for Convolutional Neural Networks",
/// CVPR 2016 (the F(2×2, 3×3) matrices `Bᵀ`, `G`, `Aᵀ`).
struct WinogradConvolution {
  /// Samples in the batch.
  let batch: Int
  let inChannels: Int
  let outChannels: Int
  /// Input extents (rows, columns).
  let inputRows: Int
  let inputColumns: Int
  /// Zero padding on each side (rows, columns), at most 2.
  let paddingRows: Int
  let paddingColumns: Int
  /// Output extents.
  let outputRows: Int
  let outputColumns: Int
  /// Tiles per sample along each axis (⌈output / 2⌉).
  let tileRows: Int
  let tileColumns: Int
  /// ``tileColumns`` rounded up to the SIMD width.
  let paddedTileColumns: Int

  /// Lanes of the tile transforms.
  static let lanes = 8

  /// True when this algorithm applies: two spatial axes, a 3×3 kernel, unit stride and at most
  /// two cells of padding (the backward pass pads the output gradient by `2 − p`).
  static func applies(to geometry: ConvolutionGeometry) -> Bool {
    geometry.input[0] == 1 && geometry.kernel == [1, 3, 3] && geometry.stride == [1, 1, 1] && geometry.padding[1] <= 2
      && geometry.padding[2] <= 2
  }

  init(batch: Int, geometry: ConvolutionGeometry, outChannels: Int) {
    self.init(
      batch: batch, inChannels: geometry.channels, outChannels: outChannels, input: (geometry.input[1], geometry.input[2]),
      padding: (geometry.padding[1], geometry.padding[2]))
  }

  init(batch: Int, inChannels: Int, outChannels: Int, input: (Int, Int), padding: (Int, Int)) {
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    (inputRows, inputColumns) = input
    (paddingRows, paddingColumns) = padding
    outputRows = inputRows + 2 * paddingRows - 2
    outputColumns = inputColumns + 2 * paddingColumns - 2
    tileRows = (outputRows + 1) / 2
    tileColumns = (outputColumns + 1) / 2
    paddedTileColumns = (tileColumns + Self.lanes - 1) / Self.lanes * Self.lanes
  }

  /// Tiles of the whole batch.
  var tiles: Int { batch * tileRows * tileColumns }

  /// The convolution computing the gradient of the input from the gradient of the output:
  /// channels swapped, padding `2 − p`, kernels flipped (``adjointPositions``).
  var adjoint: WinogradConvolution {
    WinogradConvolution(
      batch: batch, inChannels: outChannels, outChannels: inChannels, input: (outputRows, outputColumns),
      padding: (2 - paddingRows, 2 - paddingColumns))
  }

  // MARK: Kernels

  /// `U = G g Gᵀ` for every kernel of `weight` (`[out, in, 3, 3]`), as `[16, out, in]`.
  func transformedKernels(_ weight: UnsafePointer<Float>) -> [Float] {
    let block = outChannels * inChannels
    return [Float](unsafeUninitializedCapacity: 16 * block) { u, count in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 12) { t in
        for k in 0..<block {
          let g = weight + 9 * k
          // t = G g (4×3), row by row: g₀, (g₀ + g₁ + g₂)/2, (g₀ − g₁ + g₂)/2, g₂.
          for c in 0..<3 {
            let (g0, g1, g2) = (g[c], g[3 + c], g[6 + c])
            t[c] = g0
            t[3 + c] = 0.5 * (g0 + g1 + g2)
            t[6 + c] = 0.5 * (g0 - g1 + g2)
            t[9 + c] = g2
          }
          // U = t Gᵀ (4×4), the same combination along the columns.
          for a in 0..<4 {
            let (t0, t1, t2) = (t[3 * a], t[3 * a + 1], t[3 * a + 2])
            u[(4 * a) * block + k] = t0
            u[(4 * a + 1) * block + k] = 0.5 * (t0 + t1 + t2)
            u[(4 * a + 2) * block + k] = 0.5 * (t0 - t1 + t2)
            u[(4 * a + 3) * block + k] = t2
          }
        }
      }
      count = 16 * block
    }
  }

  /// `∂g = Gᵀ ∂U G` for the transformed-kernel gradient `dU` (`[16, out, in]`), as
  /// `[out, in, 3, 3]`: the adjoint of ``transformedKernels(_:)``.
  func kernelGradient(_ dU: UnsafePointer<Float>) -> [Float] {
    let block = outChannels * inChannels
    return [Float](unsafeUninitializedCapacity: 9 * block) { dg, count in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 12) { s in
        for k in 0..<block {
          // s = ∂U G (4×3): per row, d₀ + (d₁ + d₂)/2, (d₁ − d₂)/2, (d₁ + d₂)/2 + d₃.
          for a in 0..<4 {
            let (d0, d1, d2, d3) = (
              dU[(4 * a) * block + k], dU[(4 * a + 1) * block + k], dU[(4 * a + 2) * block + k], dU[(4 * a + 3) * block + k]
            )
            s[3 * a] = d0 + 0.5 * (d1 + d2)
            s[3 * a + 1] = 0.5 * (d1 - d2)
            s[3 * a + 2] = 0.5 * (d1 + d2) + d3
          }
          // ∂g = Gᵀ s (3×3), the same combination down the columns.
          for c in 0..<3 {
            let (s0, s1, s2, s3) = (s[c], s[3 + c], s[6 + c], s[9 + c])
            dg[9 * k + c] = s0 + 0.5 * (s1 + s2)
            dg[9 * k + 3 + c] = 0.5 * (s1 - s2)
            dg[9 * k + 6 + c] = 0.5 * (s1 + s2) + s3
          }
        }
      }
      count = 9 * block
    }
  }

  /// Where the ``adjoint``'s transformed kernels are found in this convolution's: flipping a
  /// 3×3 kernel reverses the rows of `G g`, which maps transformed position `(a, c)` to
  /// `(σa, σc)` with `σ = (3, 1, 2, 0)` (rows 1 and 2 of `G` are symmetric); the channels swap,
  /// so each `[out, in]` block is read transposed.
  static let adjointPositions: [Int] = {
    let sigma = [3, 1, 2, 0]
    return (0..<16).map { e in 4 * sigma[e / 4] + sigma[e % 4] }
  }()

  // MARK: Passes

  /// `y = conv(x)` for the whole batch (`y` overwritten); `u` from ``transformedKernels(_:)``,
  /// or, when `adjointOf` is set, the transformed kernels of the convolution whose ``adjoint``
  /// this is (read at ``adjointPositions``, transposed).
  func forward(_ x: UnsafePointer<Float>, kernels u: UnsafePointer<Float>, adjointOf: Bool = false, _ y: UnsafeMutablePointer<Float>) {
    // U_e packed once for all blocks (BLAS would repack the tiles on every call).
    let (block, panels) = (outChannels * inChannels, PanelGEMM.packedCount(rows: outChannels, depth: inChannels))
    let packed = [Float](unsafeUninitializedCapacity: 16 * panels) { packed, count in
      for e in 0..<16 {
        if adjointOf {
          PanelGEMM.pack(
            u + Self.adjointPositions[e] * block, rows: outChannels, depth: inChannels, rowStride: 1, columnStride: outChannels,
            into: packed.baseAddress! + e * panels)
        } else {
          PanelGEMM.pack(
            u + e * block, rows: outChannels, depth: inChannels, rowStride: inChannels, columnStride: 1,
            into: packed.baseAddress! + e * panels)
        }
      }
      count = 16 * panels
    }
    packed.withUnsafeBufferPointer { packed -> Void in
      forEachBlock { rows, scratch in
        let (v, m, ld) = (scratch.input, scratch.output, scratch.leadingDimension)
        let n = rows.count * tileColumns
        transformInput(x, rows: rows, into: v, leadingDimension: ld)
        // M_e = U_e · V_e, e = 0…15.
        for e in 0..<16 {
          PanelGEMM.multiply(
            packed: packed.baseAddress! + e * panels, rows: outChannels, depth: inChannels, v + e * inChannels * ld, ldb: ld,
            columns: n, into: m + e * outChannels * ld, ldc: ld)
        }
        transformOutput(m, leadingDimension: ld, rows: rows, into: y)
      }
    }
  }

  /// The kernel gradient `[out, in, 3, 3]` (overwritten) of `forward` at input `x` for the
  /// output gradient `g`.
  func kernelGradient(_ x: UnsafePointer<Float>, outputGradient g: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>) {
    let block = outChannels * inChannels
    let partials = forEachBlock { rows, scratch in
      let (v, dm, ld) = (scratch.input, scratch.output, scratch.leadingDimension)
      let n = rows.count * tileColumns
      transformInput(x, rows: rows, into: v, leadingDimension: ld)
      transformOutputGradient(g, rows: rows, into: dm, leadingDimension: ld)
      // ∂U_e += ∂M_e · V_eᵀ
      for e in 0..<16 {
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, Int32(outChannels), Int32(inChannels), Int32(n), 1, dm + e * outChannels * ld,
          Int32(ld), v + e * inChannels * ld, Int32(ld), 1, scratch.kernelGradient + e * block, Int32(inChannels))
      }
    }
    var du = partials[0]
    for partial in partials.dropFirst() { for k in du.indices { du[k] += partial[k] } }
    let dg = du.withUnsafeBufferPointer { kernelGradient($0.baseAddress!) }
    dg.withUnsafeBufferPointer { dw.update(from: $0.baseAddress!, count: $0.count) }
  }

  /// Per-worker buffers of one block of tiles: transformed inputs `[16, in, ld]`, transformed
  /// outputs `[16, out, ld]` and a transformed-kernel gradient `[16, out, in]`.
  private struct Scratch {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let kernelGradient: UnsafeMutablePointer<Float>
    /// Row stride of the transformed tiles: the block's tiles and a SIMD group of slack, which
    /// the transforms may read and write past a tile row's end.
    let leadingDimension: Int
  }

  /// Tiles per block: the block's transformed tiles and products (2 × 16 × 32 × 72 floats at 32
  /// channels, 0.3 MB) stay in the 512 KB L2 cache. On the MgNO training step 64 was as fast
  /// as 128 and 256 or faster, 32 slower.
  static let tilesPerBlock = 64

  /// Tile rows (over the whole batch: global row `b · tileRows + i`) per block.
  private var rowsPerBlock: Int { max(1, Self.tilesPerBlock / tileColumns) }

  /// Runs `body(rows, scratch)` for every block of global tile rows, the blocks split over
  /// the workers the GEMMs pay for; returns each worker's transformed-kernel gradient.
  @discardableResult
  private func forEachBlock(_ body: (Range<Int>, Scratch) -> Void) -> [[Float]] {
    let totalRows = batch * tileRows
    let blocks = (totalRows + rowsPerBlock - 1) / rowsPerBlock
    let work = 16 * outChannels * inChannels * tiles
    let workers = min(Parallel.workers(forWork: work, perWorker: 1 << 20), blocks)
    let ld = min(rowsPerBlock, totalRows) * tileColumns + Self.lanes
    let sizes = (input: 16 * inChannels * ld, output: 16 * outChannels * ld, kernel: 16 * outChannels * inChannels)
    return Parallel.map(count: workers) { w -> [Float] in
      // The kernel gradient accumulates from zero; the forward GEMMs overwrite their
      // outputs, the transforms write all the GEMMs read, and the lanes read past a row's
      // end are cropped.
      var buffer = [Float](unsafeUninitializedCapacity: sizes.input + sizes.output + sizes.kernel) { _, count in
        count = sizes.input + sizes.output + sizes.kernel
      }
      buffer.withUnsafeMutableBufferPointer { buffer in
        let base = buffer.baseAddress!
        (base + sizes.input + sizes.output).initialize(repeating: 0, count: sizes.kernel)
        let scratch = Scratch(
          input: base, output: base + sizes.input, kernelGradient: base + sizes.input + sizes.output, leadingDimension: ld)
        for block in (blocks * w / workers)..<(blocks * (w + 1) / workers) {
          body(block * rowsPerBlock..<min(totalRows, (block + 1) * rowsPerBlock), scratch)
        }
      }
      return Array(buffer[(sizes.input + sizes.output)...])
    }
  }

  // MARK: Tile transforms

  /// Floats per half of a staged row: one per tile column, one more for the next tile's
  /// shared column, and a SIMD group of slack for the unaligned loads at `j + 1`.
  private var halfPitch: Int { paddedTileColumns + Self.lanes }

  /// Stages one input row as its padded row's even and odd columns (`even[k]` = padded column
  /// `2k`, `odd[k]` = column `2k + 1`), so that the tile transform reads `d₀…d₃` of 8 tiles as
  /// four plain loads instead of deinterleaving every patch row of every tile row. Columns
  /// outside the input are never written, so they keep the zeros they started with.
  private func stage(_ source: UnsafePointer<Float>, even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>) {
    // Input column q lands in padded column q + p: pairs (q, q + 1) from an even q go to
    // (first, second)[q / 2].
    let p = paddingColumns
    let (first, second) = p % 2 == 0 ? (even + p / 2, odd + p / 2) : (odd, even + 1)
    var q = 0
    while q + 16 <= inputColumns {
      let pair = UnsafeRawPointer(source + q).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(first + q / 2).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(second + q / 2).storeBytes(of: pair.oddHalf, as: SIMD8<Float>.self)
      q += 16
    }
    while q < inputColumns {
      (q % 2 == 0 ? first : second)[q / 2] = source[q]
      q += 1
    }
  }

  /// `V = Bᵀ d B` for the tiles of global tile rows `rows`: `[16, in, ld]`, tile `(r, j)` of
  /// the block at `(r − rows.lowerBound) · tileColumns + j`.
  private func transformInput(_ x: UnsafePointer<Float>, rows: Range<Int>, into v: UnsafeMutablePointer<Float>, leadingDimension ld: Int) {
    let half = halfPitch
    // Four staged patch rows (even half, then odd half) and a zero row.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 10 * half) { staged in
      let staged = staged.baseAddress!
      staged.initialize(repeating: 0, count: 10 * half)
      let zeros = UnsafePointer(staged + 8 * half)
      for c in 0..<inChannels {
        var patch = (zeros, zeros, zeros, zeros)
        // The slots holding patch rows 2 and 3 (0/1 or 2/3); the next tile row's rows 0 and 1.
        var bottom = 2
        for row in rows {
          let (b, i) = row.quotientAndRemainder(dividingBy: tileRows)
          let plane = x + (b * inChannels + c) * inputRows * inputColumns
          // Patch row k (padded input row 2i + k) staged in `slot`; zero rows outside the input.
          func patchRow(_ k: Int, slot: Int) -> UnsafePointer<Float> {
            let r = 2 * i + k - paddingRows
            guard r >= 0, r < inputRows else { return zeros }
            stage(plane + r * inputColumns, even: staged + 2 * slot * half, odd: staged + (2 * slot + 1) * half)
            return UnsafePointer(staged + 2 * slot * half)
          }
          if i > 0 && row > rows.lowerBound {
            // Tile rows overlap by two patch rows: reuse them, stage the other two.
            bottom = 2 - bottom
            patch = (patch.2, patch.3, patchRow(2, slot: bottom), patchRow(3, slot: bottom + 1))
          } else {
            bottom = 2
            patch = (patchRow(0, slot: 0), patchRow(1, slot: 1), patchRow(2, slot: 2), patchRow(3, slot: 3))
          }
          let out = v + c * ld + (row - rows.lowerBound) * tileColumns
          for j in stride(from: 0, to: tileColumns, by: Self.lanes) {
            // Per patch row, d B: columns (d₀ − d₂, d₁ + d₂, d₂ − d₁, d₁ − d₃) for 8 tiles.
            let (h0, h1, h2, h3) = (
              Self.rowTimesB(patch.0 + j, odd: half), Self.rowTimesB(patch.1 + j, odd: half),
              Self.rowTimesB(patch.2 + j, odd: half), Self.rowTimesB(patch.3 + j, odd: half)
            )
            // Bᵀ (d B): the same combination of the rows. Stores run up to 7 tiles past the
            // row's end, into the next row's place (written after) or the slack.
            Self.store(Self.difference(h0, h2), to: out + j, position: 0, stride: inChannels * ld)
            Self.store(Self.sum(h1, h2), to: out + j, position: 4, stride: inChannels * ld)
            Self.store(Self.difference(h2, h1), to: out + j, position: 8, stride: inChannels * ld)
            Self.store(Self.difference(h1, h3), to: out + j, position: 12, stride: inChannels * ld)
          }
        }
      }
    }
  }

  /// `y = Aᵀ M A` for the tiles of global tile rows `rows`, cropped to the output.
  private func transformOutput(
    _ m: UnsafeMutablePointer<Float>, leadingDimension ld: Int, rows: Range<Int>, into y: UnsafeMutablePointer<Float>
  ) {
    let stride = outChannels * ld
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { pair in
      let pair = pair.baseAddress!
      for o in 0..<outChannels {
        for row in rows {
          let (b, i) = row.quotientAndRemainder(dividingBy: tileRows)
          let source = m + o * ld + (row - rows.lowerBound) * tileColumns
          let target = y + ((b * outChannels + o) * outputRows + 2 * i) * outputColumns
          let outputRowsHere = min(2, outputRows - 2 * i)
          for j in Swift.stride(from: 0, to: tileColumns, by: Self.lanes) {
            // Loads run up to 7 tiles past the row's end; those lanes are cropped.
            let at = source + j
            let (m0, m1, m2, m3) = (
              Self.load(at, position: 0, stride: stride), Self.load(at, position: 4, stride: stride),
              Self.load(at, position: 8, stride: stride), Self.load(at, position: 12, stride: stride)
            )
            // Aᵀ M: rows m₀ + m₁ + m₂ and m₁ − m₂ − m₃; then (Aᵀ M) A along the columns, the
            // even and odd outputs of 8 tiles interleaved into 16 outputs of each row.
            let (top, bottom) = (Self.sum(Self.sum(m0, m1), m2), Self.difference(Self.difference(m1, m2), m3))
            let columns = min(16, outputColumns - 2 * j)
            if columns == 16 && outputRowsHere == 2 {
              Self.storeInterleaved(top, to: target + 2 * j)
              Self.storeInterleaved(bottom, to: target + outputColumns + 2 * j)
            } else {
              Self.storeInterleaved(top, to: pair)
              Self.storeInterleaved(bottom, to: pair + 16)
              for r in 0..<outputRowsHere { (target + r * outputColumns + 2 * j).update(from: pair + 16 * r, count: columns) }
            }
          }
        }
      }
    }
  }

  /// `∂M = A ∂Y Aᵀ` for the tiles of global tile rows `rows` (zeros past the output):
  /// `[16, out, ld]`, the adjoint of ``transformOutput(_:leadingDimension:rows:into:)``.
  private func transformOutputGradient(
    _ g: UnsafePointer<Float>, rows: Range<Int>, into dm: UnsafeMutablePointer<Float>, leadingDimension ld: Int
  ) {
    let pitch = 2 * paddedTileColumns
    // Two output-gradient rows; columns past the output are never written, so they stay zero.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * pitch) { staged in
      let staged = staged.baseAddress!
      staged.initialize(repeating: 0, count: 3 * pitch)
      let zeros = UnsafeRawPointer(staged + 2 * pitch)
      for o in 0..<outChannels {
        for row in rows {
          let (b, i) = row.quotientAndRemainder(dividingBy: tileRows)
          let plane = g + (b * outChannels + o) * outputRows * outputColumns
          func gradientRow(_ k: Int) -> UnsafeRawPointer {
            guard 2 * i + k < outputRows else { return zeros }
            (staged + k * pitch).update(from: plane + (2 * i + k) * outputColumns, count: outputColumns)
            return UnsafeRawPointer(staged + k * pitch)
          }
          let pair = (gradientRow(0), gradientRow(1))
          let out = dm + o * ld + (row - rows.lowerBound) * tileColumns
          for j in stride(from: 0, to: tileColumns, by: Self.lanes) {
            // Per output row, ∂Y Aᵀ: columns (g₀, g₀ + g₁, g₀ − g₁, −g₁) for 8 tiles.
            let offset = 2 * j * MemoryLayout<Float>.stride
            let (h0, h1) = (Self.rowTimesATransposed(pair.0 + offset), Self.rowTimesATransposed(pair.1 + offset))
            // A (∂Y Aᵀ): the same combination of the two rows.
            Self.store(h0, to: out + j, position: 0, stride: outChannels * ld)
            Self.store(Self.sum(h0, h1), to: out + j, position: 4, stride: outChannels * ld)
            Self.store(Self.difference(h0, h1), to: out + j, position: 8, stride: outChannels * ld)
            Self.store(Self.negated(h1), to: out + j, position: 12, stride: outChannels * ld)
          }
        }
      }
    }
  }

  /// Four columns (or rows) of a tile transform, 8 tiles each.
  private typealias Quad = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

  /// `d B` for one staged patch row of 8 tiles from tile `j` (`even` points at the even
  /// half's element `j`, the odd half `odd` floats further): `(d₀ − d₂, d₁ + d₂, d₂ − d₁, d₁ − d₃)`
  /// with `d₀ = even[j]`, `d₁ = odd[j]`, `d₂ = even[j + 1]`, `d₃ = odd[j + 1]`.
  @inline(__always)
  private static func rowTimesB(_ even: UnsafePointer<Float>, odd: Int) -> Quad {
    let (e, o) = (UnsafeRawPointer(even), UnsafeRawPointer(even + odd))
    let step = MemoryLayout<Float>.stride
    let (d0, d1) = (e.loadUnaligned(as: SIMD8<Float>.self), o.loadUnaligned(as: SIMD8<Float>.self))
    let (d2, d3) = ((e + step).loadUnaligned(as: SIMD8<Float>.self), (o + step).loadUnaligned(as: SIMD8<Float>.self))
    return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
  }

  @inline(__always) private static func sum(_ a: Quad, _ b: Quad) -> Quad { (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3) }
  @inline(__always) private static func difference(_ a: Quad, _ b: Quad) -> Quad { (a.0 - b.0, a.1 - b.1, a.2 - b.2, a.3 - b.3) }
  @inline(__always) private static func negated(_ a: Quad) -> Quad { (-a.0, -a.1, -a.2, -a.3) }

  /// `d Aᵀ` for one output-gradient row of 8 tiles (tile `k` reads floats `2k, 2k+1`):
  /// `(g₀, g₀ + g₁, g₀ − g₁, −g₁)`.
  @inline(__always)
  private static func rowTimesATransposed(_ row: UnsafeRawPointer) -> Quad {
    let pair = row.loadUnaligned(as: SIMD16<Float>.self)
    let (g0, g1) = (pair.evenHalf, pair.oddHalf)
    return (g0, g0 + g1, g0 - g1, -g1)
  }

  /// Stores the four vectors of `value` at positions `position…position+3` of a transformed
  /// tile array whose positions are `stride` floats apart.
  @inline(__always)
  private static func store(_ value: Quad, to target: UnsafeMutablePointer<Float>, position: Int, stride: Int) {
    let raw = UnsafeMutableRawPointer(target + position * stride)
    let step = stride * MemoryLayout<Float>.stride
    raw.storeBytes(of: value.0, as: SIMD8<Float>.self)
    (raw + step).storeBytes(of: value.1, as: SIMD8<Float>.self)
    (raw + 2 * step).storeBytes(of: value.2, as: SIMD8<Float>.self)
    (raw + 3 * step).storeBytes(of: value.3, as: SIMD8<Float>.self)
  }

  /// The four vectors at positions `position…position+3` of a transformed tile array whose
  /// positions are `stride` floats apart.
  @inline(__always)
  private static func load(_ source: UnsafePointer<Float>, position: Int, stride: Int) -> Quad {
    let at = UnsafeRawPointer(source + position * stride)
    let step = stride * MemoryLayout<Float>.stride
    return (
      at.loadUnaligned(as: SIMD8<Float>.self), (at + step).loadUnaligned(as: SIMD8<Float>.self),
      (at + 2 * step).loadUnaligned(as: SIMD8<Float>.self), (at + 3 * step).loadUnaligned(as: SIMD8<Float>.self)
    )
  }

  /// `(s₀ + s₁ + s₂, s₁ − s₂ − s₃)` of 8 tiles, interleaved into 16 consecutive outputs.
  @inline(__always)
  private static func storeInterleaved(_ s: Quad, to target: UnsafeMutablePointer<Float>) {
    var pair = SIMD16<Float>()
    pair.evenHalf = s.0 + s.1 + s.2
    pair.oddHalf = s.1 - s.2 - s.3
    UnsafeMutableRawPointer(target).storeBytes(of: pair, as: SIMD16<Float>.self)
  }
}
