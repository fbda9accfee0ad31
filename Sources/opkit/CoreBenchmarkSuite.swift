import CBLAS
import Foundation
import OperatorKit

/// The tensor-core figures of `opkit bench`, each next to a baseline measured in the same run:
/// our matmul against raw `cblas_sgemm`, conv2d 3×3 forward+backward throughput, and one Adam
/// step over 2.4M parameters against the STREAM triad; one training step of the reference FNO
/// and of the default MgNO on a Darcy-sized batch. Medians over `repeats` runs.
struct CoreBenchmarkSuite {
  let repeats: Int
  let json: Bool

  struct MatmulRow: Encodable {
    let size: Int
    let oursSeconds: Double
    let sgemmSeconds: Double
    let ratio: Double
    enum CodingKeys: String, CodingKey {
      case size, ratio
      case oursSeconds = "ours_seconds", sgemmSeconds = "sgemm_seconds"
    }
  }

  struct Report: Encodable {
    let matmul: [MatmulRow]
    let conv2dForwardGflops: Double
    let conv2dForwardBackwardGflops: Double
    let adamParameters: Int
    let adamStepSeconds: Double
    let adamToTriadRatio: Double
    let fnoStepSeconds: Double
    let mgnoStepSeconds: Double
    enum CodingKeys: String, CodingKey {
      case matmul
      case fnoStepSeconds = "fno_training_step_seconds", mgnoStepSeconds = "mgno_training_step_seconds"
      case conv2dForwardGflops = "conv2d_forward_gflops", conv2dForwardBackwardGflops = "conv2d_forward_backward_gflops"
      case adamParameters = "adam_parameters", adamStepSeconds = "adam_step_seconds", adamToTriadRatio = "adam_to_triad_ratio"
    }
  }

  func run() throws -> Report {
    let log: (String) -> Void = { line in if !json { print(line) } }
    var g = SplitMix64(seed: 2026)
    let time: (() throws -> Void) throws -> Double = { body in
      var samples = [Double]()
      for _ in 0..<max(3, repeats) {
        let start = ContinuousClock.now
        try body()
        samples.append((ContinuousClock.now - start).seconds)
      }
      return median(samples)
    }

    // Matmul against raw sgemm on the same operands.
    var matmul = [MatmulRow]()
    for n in [256, 512, 1024] {
      let a = Initializer.uniform(shape: [n, n], bound: 1, using: &g), b = Initializer.uniform(shape: [n, n], bound: 1, using: &g)
      var c = [Float](repeating: 0, count: n * n)
      let raw = try time {
        a.scalars.withUnsafeBufferPointer { x in
          b.scalars.withUnsafeBufferPointer { y in
            c.withUnsafeMutableBufferPointer { z in
              cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, x.baseAddress, Int32(n), y.baseAddress,
                Int32(n), 0, z.baseAddress, Int32(n))
            }
          }
        }
      }
      let ours = try time { _ = try a.matmul(b) }
      matmul.append(MatmulRow(size: n, oursSeconds: ours, sgemmSeconds: raw, ratio: raw / ours))
      log(String(format: "matmul %4d³: ours %.2f ms, cblas_sgemm %.2f ms, ratio %.2f", n, ours * 1e3, raw * 1e3, raw / ours))
    }

    // conv2d 3×3, batch 16, 32 → 32 channels, 64×64, zero padding 1.
    let x = Initializer.uniform(shape: [16, 32, 64, 64], bound: 1, using: &g)
    let w = Initializer.uniform(shape: [32, 32, 3, 3], bound: 0.1, using: &g)
    let flops = 2.0 * 16 * 32 * 32 * 9 * 64 * 64
    let forward = try time { _ = try x.convolved(with: w, padding: [1, 1]) }
    let both = try time {
      let tape = GradientTape()
      try tape.record {
        let (tx, tw) = (tape.watch(x), tape.watch(w))
        let y = try tx.convolved(with: tw, padding: [1, 1]).sum()
        _ = try tape.gradients(of: y, withRespectTo: [tx, tw])
      }
    }
    log(
      String(
        format: "conv2d 3x3 (16x32x64x64, 32 out): forward %.1f GFLOP/s (%.1f ms), forward+backward %.1f GFLOP/s (%.1f ms)",
        flops / forward / 1e9, forward * 1e3, 3 * flops / both / 1e9, both * 1e3))

    // One Adam step over 2.4M parameters: 4 arrays read, 3 written per parameter.
    var model = MLP(widths: [1024, 1024, 1024, 350], using: &g)
    var gradients = [String: Tensor]()
    model.visitParameters { path, p in gradients[path] = Initializer.uniform(shape: p.shape, bound: 1e-3, using: &g) }
    var adam = Adam(learningRate: 1e-3)
    try adam.step(&model, gradients: gradients)
    let step = try time { try adam.step(&model, gradients: gradients) }
    let triad = median(MemoryBandwidth.triad(count: 1 << 24, repeats: 5))
    let bytes = Double(7 * 4 * model.parameterCount)
    log(
      String(
        format: "Adam step over %d parameters: %.1f ms; %.2f GB/s moved, %.2f of the STREAM triad", model.parameterCount, step * 1e3,
        bytes / step / 1e9, bytes / step / triad))

    // One Adam training step (relative L2 summed over the batch) of `model` on a Darcy-sized
    // batch: 20 samples at 32×32.
    let input = Initializer.uniform(shape: [20, 1, 32, 32], bound: 1, using: &g)
    let target = Initializer.uniform(shape: [20, 1, 32, 32], bound: 1, using: &g)
    func trainingStep<Model: ConfiguredModel>(_ name: String, _ model: Model) throws -> Double {
      var (model, optimizer) = (model, Adam(learningRate: 1e-3, weightDecay: 1e-4))
      let seconds = try time {
        let (_, gradients) = try model.valueWithGradients { try Loss.relativeL2($0(input), target, reduction: .sum) }
        try optimizer.step(&model, gradients: gradients)
      }
      log(
        String(
          format: "%@ training step (batch 20, 32x32): %.1f ms, %.2f s per 1000-sample epoch", name, seconds * 1e3, seconds * 50))
      return seconds
    }
    let fnoStep = try trainingStep("FNO (reference Darcy model, 2.37M parameters)", FNO(FNOConfiguration(), using: &g))
    // MgNO: 3×3 Winograd smoothers, strided restriction, transposed prolongation.
    let mgnoStep = try trainingStep("MgNO (default model, 0.70M parameters)", MgNO(MgNOConfiguration(), using: &g))
    return Report(
      matmul: matmul, conv2dForwardGflops: flops / forward / 1e9, conv2dForwardBackwardGflops: 3 * flops / both / 1e9,
      adamParameters: model.parameterCount, adamStepSeconds: step, adamToTriadRatio: bytes / step / triad, fnoStepSeconds: fnoStep,
      mgnoStepSeconds: mgnoStep)
  }
}
