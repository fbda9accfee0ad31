import Foundation
import Krylov
import Layers
import LearnedSolvers
import Sparse
import Tensors
import TestSupport
import Training
import XCTest

final class DCDMTests: XCTestCase {
  private func network(dimension: Int = 2, width: Int = 3, blocks: Int = 1, seed: UInt64 = 1) -> DCDMNetwork {
    var g = SeededGenerator(seed: seed)
    return DCDMNetwork(DCDMConfiguration(dimension: dimension, width: width, blocks: blocks, coarsest: 2), using: &g)
  }

  /// The fixed stencil convolution is the obstacle-free Poisson matrix, in 2D and 3D.
  func testStencilConvolutionIsThePoissonMatrix() throws {
    for shape in [[6, 5], [4, 3, 5]] {
      let u = randomTensor([1, 1] + shape, seed: 3)
      let conv = try PoissonStencil.apply(u, dimension: shape.count)
      let matrix = try CSRMatrix.maskedPoisson(shape: shape)
      let spmv = try matrix.multiplied(by: u.scalars.map(Double.init))
      for i in 0..<spmv.count { XCTAssertEqual(Double(conv.scalars[i]), spmv[i], accuracy: 1e-5) }
    }
  }

  /// Finite-difference gradients through the V-cycle network and the scale-invariant training
  /// view (stencil, best scale α), 2D and 3D; every parameter receives a gradient.
  func testGradientsThroughTheNetworkAndTheLoss() throws {
    let net2 = network()
    let b = randomTensor([2, 1, 8, 8], seed: 4)
    XCTAssertEqual(net2.configuration.levels(for: [8, 8]), [[8, 8], [4, 4], [2, 2]])
    // A small step: the ReLU network's kinks lie within 1e-2 of some inputs.
    try checkGradients([b], epsilon: 1e-3, tolerance: 2e-2) { try net2.direction($0[0]) }
    try checkGradients([b], epsilon: 1e-3, tolerance: 2e-2) { try net2($0[0]) }
    let net3 = network(dimension: 3, width: 2)
    try checkGradients([randomTensor([1, 1, 4, 4, 4], seed: 5)], epsilon: 1e-3, tolerance: 2e-2) { try net3($0[0]) }
    try checkParameterGradients(net2) { try Loss.relativeL2($0(b), b, reduction: .sum) }
  }

  /// The map is positively homogeneous (the residual's scale does not matter) and the training
  /// view's relative L2 distance to `b` is the sine of the angle between `b` and `A f(b)`.
  func testHomogeneityAndTheScaleInvariantLoss() throws {
    let net = network(width: 4, blocks: 2)
    let r = randomTensor([1, 1, 16, 16], seed: 6)
    let (f, f3) = (try net.direction(r), try net.direction(r * Tensor(3)))
    for i in 0..<f.count { XCTAssertEqual(f3.scalars[i], 3 * f.scalars[i], accuracy: 1e-4 * max(1, abs(f3.scalars[i]))) }
    let af = try PoissonStencil.apply(f, dimension: 2).scalars.map(Double.init)
    let bv = r.scalars.map(Double.init)
    let cosine = zip(af, bv).reduce(0.0) { $0 + $1.0 * $1.1 } / (norm(af) * norm(bv))
    let loss = Double(try Loss.relativeL2(net(r), r, reduction: .sum).scalar)
    XCTAssertEqual(loss, (1 - cosine * cosine).squareRoot(), accuracy: 1e-4)
  }

  private func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  /// The training vectors are unit vectors weighted towards the low end of the spectrum: their
  /// Rayleigh quotient is well below that of random vectors (≈ 2d = 4).
  func testTrainingVectorsAreSmoothUnitVectors() throws {
    let data = try DCDMTrainingSet.make(shape: [16, 16], count: 20, steps: 60, seed: 1)
    XCTAssertEqual(data.inputs.shape, [20, 1, 16, 16])
    XCTAssertEqual(data.inputs.scalars, data.outputs.scalars)
    let a = try CSRMatrix.maskedPoisson(shape: [16, 16])
    var quotients = [Double]()
    for k in 0..<20 {
      let b = Array(data.inputs.scalars[(k * 256)..<((k + 1) * 256)]).map(Double.init)
      XCTAssertEqual(norm(b), 1, accuracy: 1e-5)
      quotients.append(zip(try a.multiplied(by: b), b).reduce(0.0) { $0 + $1.0 * $1.1 })
    }
    XCTAssertLessThan(quotients.reduce(0, +) / 20, 2.2, "Rayleigh quotients \(quotients) (random vectors: about 4)")
  }

  /// A network trained briefly at 16² drives the conjugate-direction solver to 1e-6 at 32²
  /// (a size it never saw) in fewer iterations than CG, and on a domain with an obstacle; the
  /// answer is checked by its true residual, directions in solid cells are zero.
  func testTrainedNetworkSolvesLargerAndObstructedGrids() throws {
    let data = try DCDMTrainingSet.make(shape: [16, 16], count: 300, steps: 100, seed: 2)
    var g = SeededGenerator(seed: 3)
    var trainer = Trainer(
      model: DCDMNetwork(DCDMConfiguration(width: 8), using: &g),
      options: TrainingOptions(epochs: 10, batchSize: 10, learningRate: 2e-3, weightDecay: 0), fittingNormalizersTo: data)
    let before = try trainer.evaluate(data).relativeL2
    try trainer.train(on: data, testingOn: data)
    let after = try trainer.evaluate(data).relativeL2
    XCTAssertLessThan(after, 0.6 * before, "loss \(before) → \(after)")
    let n = 32
    let a = try CSRMatrix.maskedPoisson(shape: [n, n])
    let b = (0..<(n * n)).map { sin(Double($0)) + 1 }
    let options = SolverOptions(rtol: 1e-6)
    var x = [Double](repeating: 0, count: n * n), y = x
    let learned = try LearnedDirections(network: trainer.model, shape: [n, n])
    let dcdm = try ConjugateDirections(size: n * n, options: options).solve(a, b, &x, directions: learned)
    let cg = try ConjugateGradient(size: n * n, options: options).solve(a, b, &y)
    XCTAssertTrue(dcdm.converged)
    try assertSolves(a, x, b, relativeResidual: 1.01e-6)
    XCTAssertLessThan(dcdm.iterations, cg.iterations / 3, "DCDM \(dcdm.iterations), CG \(cg.iterations)")
    XCTAssertEqual(learned.evaluations, dcdm.iterations)
    // A square obstacle in the middle, never seen in training.
    var solid = [Bool](repeating: false, count: n * n)
    for i in 12..<20 { for j in 10..<22 { solid[i * n + j] = true } }
    let walls = try CSRMatrix.maskedPoisson(shape: [n, n], solid: solid)
    let c = zip(b, solid).map { $1 ? 0 : $0 }
    let masked = try LearnedDirections(network: trainer.model, shape: [n, n], solid: solid)
    var z = [Double](repeating: 0, count: n * n)
    let obstructed = try ConjugateDirections(size: n * n, options: options).solve(walls, c, &z, directions: masked)
    XCTAssertTrue(obstructed.converged)
    try assertSolves(walls, z, c, relativeResidual: 1.01e-6)
    XCTAssertTrue(zip(z, solid).allSatisfy { !$1 || $0 == 0 })
    XCTAssertThrowsError(try LearnedDirections(network: trainer.model, shape: [8, 8, 8])) {
      XCTAssertTrue("\($0)".contains("2D network"), "\($0)")
    }
  }
}
