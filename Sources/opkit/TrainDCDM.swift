import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train dcdm`: the network of the learned conjugate-direction solver.
struct TrainDCDM: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dcdm",
    abstract: "Train the DCDM network (Kaneda et al. 2023): a CNN approximating A⁻¹ of the Poisson matrix, without labels.",
    discussion: """
      The training vectors are built here: Ritz vectors of the h²-scaled Poisson matrix on the \
      --grid of interior unknowns (Lanczos, full reorthogonalization), mixed with weights 9 on \
      the lower half of the spectrum and 1 above; 10% are held out. The loss is the relative \
      L2 distance between b and α·A·f(b) with the best scale α, so "test rel. L2" is the sine \
      of the angle between b and A f(b). Use the network with \
      `opkit solve poisson --grid … --method dcdm --model OUT` at any grid size.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var training: TrainingArguments

  @Option(help: "Training grid of interior unknowns, NxM or NxMxK (each a multiple of 4).") var grid: GridShape
  @Option(help: "Spatial dimension; with a single N in --grid, the grid is N per axis.") var dim: Int?
  @Option(help: "Training vectors (10% held out for testing).") var vectors: Int = 600
  @Option(help: "Lanczos steps (Ritz vectors) for the training vectors.") var lanczos: Int = 300
  @Option(help: "Feature channels at every resolution.") var width: Int = 8
  @Option(help: "Residual blocks per level on the way down and up.") var blocks: Int = 2
  @Option(help: "Grids are halved while every extent is even and larger than this (the coarsest level).") var coarsest: Int = 4

  /// The training grid after `--dim`.
  var shape: [Int] {
    guard let dim, grid.counts.count == 1 else { return grid.counts }
    return Array(repeating: grid.counts[0], count: dim)
  }

  func validate() throws {
    if let dim, !(2...3).contains(dim) { throw ValidationError("--dim must be 2 or 3, got \(dim)") }
    if let dim, grid.counts.count != 1, grid.counts.count != dim {
      throw ValidationError("--grid \(grid) is not \(dim)D")
    }
    guard (2...3).contains(shape.count) else { throw ValidationError("--grid must be 2D or 3D (NxM, NxMxK, or N with --dim)") }
    guard shape.allSatisfy({ $0 >= 8 && $0 % 4 == 0 }) else {
      throw ValidationError("--grid sizes must be multiples of 4 and at least 8, got \(grid)")
    }
    guard vectors >= 10 else { throw ValidationError("--vectors must be at least 10") }
    guard lanczos >= 2 else { throw ValidationError("--lanczos must be at least 2") }
    try OptionLimits.require(["--width": width, "--blocks": blocks, "--coarsest": coarsest], atMost: OptionLimits.largestSize)
    try OptionLimits.require(["--vectors": vectors, "--lanczos": lanczos], atMost: OptionLimits.largestCount)
    // The training vectors and the Lanczos basis are held as doubles over the grid.
    do {
      try MemoryBudget.require(
        [[vectors, 8] + shape, [lanczos, 8] + shape], what: "\(vectors) training vectors and \(lanczos) Lanczos steps")
    } catch { throw ValidationError("--vectors/--lanczos: \(error)") }
    guard width >= 1, blocks >= 1 else { throw ValidationError("--width and --blocks must be at least 1") }
    guard coarsest >= 2 else { throw ValidationError("--coarsest must be at least 2") }
  }

  func run() throws {
    global.apply()
    let start = ContinuousClock.now
    let all = try DCDMTrainingSet.make(shape: shape, count: vectors, steps: lanczos, seed: global.seed)
    let (train, test) = all.split(testFraction: 0.1, seed: global.seed)
    if !global.json {
      print(
        String(
          format: "%d training vectors from %d Ritz vectors on %@ in %.1f s", vectors, min(lanczos, shape.reduce(1, *)),
          shape.map(String.init).joined(separator: "x"), (ContinuousClock.now - start).seconds))
    }
    var configuration = DCDMConfiguration(dimension: shape.count, width: width, blocks: blocks, coarsest: coarsest)
    configuration.maxLevels = configuration.levels(for: shape).count
    var run = try training.start(
      configuration, as: DCDMNetwork.self, options: training.options(seed: global.seed, normalization: .none), train: train)
    try training.run(&run, train: train, test: test, json: global.json)
  }
}
