import Datasets
import Layers
import Operators
import PDEData
import Tensors
import TestSupport
import Training
import XCTest

/// The V-cycle layer (`MultigridConv`) and the MgNO model.
final class MultigridConvTests: XCTestCase {
  /// `layer` with its parameters replaced, in visiting order, by `values`.
  private func replacingParameters<M: Module>(_ layer: M, _ values: ArraySlice<Tensor>) -> M {
    var copy = layer
    var next = values.startIndex
    copy.updateParameters { _, p in
      p = values[next]
      next += 1
    }
    return copy
  }

  private func parameterList<M: Module>(_ layer: M) -> [Tensor] {
    var list = [Tensor]()
    layer.visitParameters { list.append($1) }
    return list
  }

  func testGradientsOfTheVCycleForEveryPaddingModeOnOddAndEvenGrids() throws {
    var g = SeededGenerator(seed: 1)
    for mode in Tensor.PaddingMode.allCases {
      let layer = MultigridConv(
        inputChannels: 2, outputChannels: 3, dimension: 2, preSmoothing: [1, 1], postSmoothing: [1, 1], paddingMode: mode, using: &g)
      let weights = parameterList(layer)
      XCTAssertEqual(weights.count, 8)  // level 0: A, pre, post, R, P; level 1: A, pre, post
      // 8 × 7: one even axis (padded transfers), one odd axis (vertex-centred transfers).
      try checkGradients([randomTensor([2, 2, 8, 7], seed: 2)] + weights, tolerance: 2e-2) { t in
        try replacingParameters(layer, t[1...])(t[0])
      }
    }
  }

  func testTheClassicalWeightsReproduceATextbookVCycleOnAPoissonResidual() throws {
    for (dimension, n, pre, post) in [
      (2, 31, [2, 1, 1, 3], [1, 1, 1, 0]), (3, 15, [1, 1, 2], [1, 1, 0]), (1, 63, [1, 1, 1, 1, 4], [1, 1, 1, 1, 0]),
    ] {
      let h = 1.0 / Double(n + 1)
      let cycle = try MultigridConv.classicalPoisson(dimension: dimension, spacing: h, preSmoothing: pre, postSmoothing: post)
      let grid = Array(repeating: n, count: dimension)
      let residual = randomVector(grid.reduce(1, *), seed: UInt64(dimension))
      let reference = TextbookVCycle(dimension: dimension, pre: pre, post: post).cycle(residual, extent: n, spacing: h)
      let output = try cycle(Tensor(shape: [1, 1] + grid, scalars: residual.map(Float.init)))
      let scale = reference.map(abs).max()!
      let difference = zip(output.scalars, reference).map { abs(Double($0) - $1) }.max()!
      XCTAssertLessThan(difference / scale, 2e-6, "\(dimension)D, \(n) points per axis")
      // And it is a multigrid cycle: as a correction it cuts the residual of −Δ_h e = r by a
      // large factor.
      let corrected = zip(residual, TextbookVCycle.laplacian(output.scalars.map(Double.init), extent: n, dimension: dimension, spacing: h))
        .map { $0 - $1 }
      XCTAssertLessThan(norm(corrected) / norm(residual), 0.35, "\(dimension)D V-cycle residual reduction")
    }
  }

  func testCircularPaddingMakesTheCycleCommuteWithShiftsOfTheCoarsestSpacing() throws {
    var g = SeededGenerator(seed: 3)
    let layer = MultigridConv(
      inputChannels: 1, outputChannels: 2, dimension: 2, preSmoothing: [1, 1, 1], postSmoothing: [1, 0, 0], paddingMode: .circular,
      using: &g)
    let x = randomTensor([1, 1, 16, 12], seed: 4)
    // Rolling by 4 = 2^(levels−1) points keeps every level's points on points of that level.
    func rolled(_ t: Tensor) throws -> Tensor {
      let (rows, columns) = (t.shape[2], t.shape[3])
      let wrapped = try t.padded([(4, 0), (4, 0)], mode: .circular)
      return try wrapped.sliced([0..<t.shape[0], 0..<t.shape[1], 0..<rows, 0..<columns])
    }
    let shiftedThenApplied = try layer(rolled(x))
    let appliedThenShifted = try rolled(layer(x))
    assertClose(shiftedThenApplied.scalars.map(Double.init), appliedThenShifted.scalars.map(Double.init), rtol: 1e-5)
    // Zero padding sees the border, so the same check fails there.
    let zero = MultigridConv(
      inputChannels: 1, outputChannels: 2, dimension: 2, preSmoothing: [1, 1, 1], postSmoothing: [1, 0, 0], using: &g)
    let difference = try zip(zero(rolled(x)).scalars, rolled(zero(x)).scalars).map { abs($0 - $1) }.max()!
    XCTAssertGreaterThan(difference, 1e-2)
  }

  func testShapesIn1DAnd3DAndAClearErrorForTooSmallGrids() throws {
    var g = SeededGenerator(seed: 5)
    let line = MultigridConv(inputChannels: 2, outputChannels: 4, dimension: 1, preSmoothing: [1, 1, 1], paddingMode: .reflect, using: &g)
    XCTAssertEqual(try line(randomTensor([3, 2, 20], seed: 6)).shape, [3, 4, 20])
    let volume = MultigridConv(inputChannels: 1, outputChannels: 2, dimension: 3, preSmoothing: [1, 1], paddingMode: .replicate, using: &g)
    XCTAssertEqual(try volume(randomTensor([1, 1, 8, 7, 6], seed: 7)).shape, [1, 2, 8, 7, 6])
    XCTAssertThrowsError(try line(randomTensor([1, 2, 5], seed: 8))) { error in
      XCTAssertTrue("\(error)".contains("too small for 3 levels"), "\(error)")
    }
    XCTAssertThrowsError(try line(randomTensor([1, 3, 20], seed: 8))) { error in
      XCTAssertTrue("\(error)".contains("does not have 2 channels"), "\(error)")
    }
  }
}

final class MgNOTests: XCTestCase {
  func testParameterCountGradientsAndResolutionIndependence() throws {
    var g = SeededGenerator(seed: 9)
    let configuration = MgNOConfiguration(width: 3, layers: 2, preSmoothing: [1, 1], postSmoothing: [0, 1], paddingMode: .reflect)
    let model = MgNO(configuration, using: &g)
    // Layer 0 (1 → 3): A 3·9, pre 3·9, R 9, P 81 on level 0; A 27, pre 27, post 27 on level 1;
    // bias 3 + 3. Layer 1 (3 → 3): 81 per 3×3 map, 7 maps; bias 9 + 3. Projection 3 + 1.
    let first = 27 + 27 + 9 + 81 + 27 + 27 + 27 + 6, second = 7 * 81 + 12
    XCTAssertEqual(model.parameterCount, first + second + 4)
    let x = randomTensor([2, 1, 8, 8], seed: 10)
    try checkGradients([x], tolerance: 2e-2) { try model($0[0]) }
    try checkParameterGradients(model) { try $0(x).squared().mean() }
    XCTAssertEqual(try model(randomTensor([1, 1, 33, 16], seed: 11)).shape, [1, 1, 33, 16])
  }

  /// An independent implementation: the PyTorch transcription (bench/mgno_reference.py, zero
  /// padding, even grids) gives the same output and parameter gradients for the same weights
  /// and input (Tests/Fixtures/mgno-pytorch.safetensors, written by bench/mgno_fixture.py).
  func testForwardAndGradientsAgreeWithPyTorch() throws {
    var g = SeededGenerator(seed: 1)
    let model = MgNO(MgNOConfiguration(width: 4, layers: 2, preSmoothing: [1, 1, 1]), using: &g)
    try assertAgreesWithPyTorchFixture(model, fixture: "mgno-pytorch.safetensors") { try $0($1) }
  }

  func testTheDefaultDarcyModelIsSmallerThanTheReferenceFNO() {
    var g = SeededGenerator(seed: 12)
    let mgno = MgNO(MgNOConfiguration(), using: &g)
    let fno = FNO(FNOConfiguration(), using: &g)
    XCTAssertLessThan(mgno.parameterCount, fno.parameterCount / 2)
  }

  func testTrainingReducesTheLossOnDarcyData() throws {
    let directory = temporaryDirectory("mgno-darcy")
    _ = try DarcyDatasetGenerator(resolution: 16, samples: 40, seed: 3).generate(in: directory.path)
    let data = try OperatorDataset(directory: directory.path)
    let (train, test) = data.split(testFraction: 0.25, seed: 0)
    var g = SeededGenerator(seed: 13)
    let model = MgNO(MgNOConfiguration(width: 8, layers: 2, preSmoothing: [1, 1, 1]), using: &g)
    var trainer = Trainer(
      model: model, options: TrainingOptions(epochs: 30, batchSize: 10, learningRate: 3e-3), fittingNormalizersTo: train)
    let before = try trainer.evaluate(test).relativeL2
    try trainer.train(on: train, testingOn: test)
    let after = try trainer.evaluate(test).relativeL2
    let baseline = try meanPredictorErrors(train: train.outputs, test: test.outputs).relativeL2
    XCTAssertLessThan(after, 0.5 * before, "relative L2 \(before) → \(after)")
    XCTAssertLessThan(after, 0.6 * baseline, "relative L2 \(after) against the mean predictor's \(baseline)")
    let path = directory.appendingPathComponent("mgno.safetensors").path
    try trainer.writeCheckpoint(to: path)
    let restored = try Trainer<MgNO>(checkpointAt: path)
    XCTAssertEqual(restored.model.configuration, trainer.model.configuration)
    XCTAssertEqual(try restored.predict(test.inputs).scalars, try trainer.predict(test.inputs).scalars)
  }
}

/// Geometric multigrid for `−Δ_h` on the `n^d` interior points of a vertex grid with zero
/// Dirichlet values outside, written out with loops in `Double`: damped Jacobi (ω = 2/3),
/// full weighting, linear interpolation, rediscretized coarse operators, smoothing only on the
/// coarsest level.
private struct TextbookVCycle {
  let dimension: Int
  let pre: [Int]
  let post: [Int]

  /// Strides of the row-major `n^d` grid.
  static func strides(_ n: Int, _ d: Int) -> [Int] { (0..<d).map { axis in Int(pow(Double(n), Double(d - 1 - axis))) } }

  /// The multi-index of flat index `p`.
  static func index(_ p: Int, _ n: Int, _ d: Int) -> [Int] { strides(n, d).map { (p / $0) % n } }

  static func laplacian(_ u: [Double], extent n: Int, dimension d: Int, spacing h: Double) -> [Double] {
    let s = strides(n, d)
    return u.indices.map { p in
      let i = index(p, n, d)
      var value = 2 * Double(d) * u[p]
      for axis in 0..<d {
        if i[axis] > 0 { value -= u[p - s[axis]] }
        if i[axis] < n - 1 { value -= u[p + s[axis]] }
      }
      return value / (h * h)
    }
  }

  func cycle(_ f: [Double], extent n: Int, spacing h: Double, level: Int = 0) -> [Double] {
    let d = dimension
    var u = [Double](repeating: 0, count: f.count)
    let jacobi = { (u: inout [Double]) in
      let r = zip(f, Self.laplacian(u, extent: n, dimension: d, spacing: h)).map { $0 - $1 }
      for p in u.indices { u[p] += 2.0 / 3.0 * h * h / (2 * Double(d)) * r[p] }
    }
    for _ in 0..<pre[level] { jacobi(&u) }
    if level < pre.count - 1 {
      let r = zip(f, Self.laplacian(u, extent: n, dimension: d, spacing: h)).map { $0 - $1 }
      let m = (n - 1) / 2
      let fine = Self.strides(n, d)
      // Full weighting: coarse point j sits at fine point 2j + 1 on every axis.
      var rc = [Double](repeating: 0, count: Int(pow(Double(m), Double(d))))
      for q in rc.indices {
        let j = Self.index(q, m, d)
        for offset in 0..<Int(pow(3, Double(d))) {
          let o = Self.index(offset, 3, d).map { $0 - 1 }
          let weight = o.reduce(1.0) { $0 * ($1 == 0 ? 0.5 : 0.25) }
          rc[q] += weight * r[(0..<d).reduce(0) { $0 + (2 * j[$1] + 1 + o[$1]) * fine[$1] }]
        }
      }
      let ec = cycle(rc, extent: m, spacing: 2 * h, level: level + 1)
      // Linear interpolation: each fine point takes the mean of its nearest coarse points.
      for q in ec.indices {
        let j = Self.index(q, m, d)
        for offset in 0..<Int(pow(3, Double(d))) {
          let o = Self.index(offset, 3, d).map { $0 - 1 }
          let weight = o.reduce(1.0) { $0 * ($1 == 0 ? 1 : 0.5) }
          u[(0..<d).reduce(0) { $0 + (2 * j[$1] + 1 + o[$1]) * fine[$1] }] += weight * ec[q]
        }
      }
    }
    for _ in 0..<post[level] { jacobi(&u) }
    return u
  }
}

private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
