import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train afno`: the Adaptive Fourier Neural Operator.
struct TrainAFNO: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "afno",
    abstract: "Train an Adaptive Fourier Neural Operator (Guibas et al. 2022: patch tokens mixed in the Fourier domain).",
    discussion: """
      On a dataset directory whose meta.json records several snapshot times (opkit generate \\
      navier-stokes) it learns a trajectory's next --steps-out snapshots from its first --steps-in \\
      at once (snapshots as channels); otherwise coeff.npy → sol.npy. The model takes its training \\
      grid only (its position embedding is learned there). Gaussian-normalized data, relative L2 loss.
      """)

  @OptionGroup var common: OperatorTrainingArguments

  @Option(help: "Trajectories: snapshots given.") var stepsIn: Int = 10
  @Option(help: "Trajectories: snapshots predicted (default: the rest of the trajectory).") var stepsOut: Int?
  @Option(help: "Side of the square patches that become tokens.") var patch: Int = 2
  @Option(help: "Channels of a token.") var embedding: Int = 128
  @Option(help: "Number of AFNO blocks.") var depth: Int = 4
  @Option(help: "Blocks of the block-diagonal channel MLP in the Fourier domain.") var blocks: Int = 8
  @Option(help: "Hidden channels of the token MLPs, as a multiple of --embedding.") var mlpRatio: Int = 4
  @Option(help: "Soft-thresholding level of the Fourier-domain outputs.") var sparsity: Float = 0.01

  func validate() throws {
    guard patch >= 1, embedding >= 1, depth >= 1, blocks >= 1, mlpRatio >= 1 else {
      throw ValidationError("--patch, --embedding, --depth, --blocks and --mlp-ratio must be at least 1")
    }
    try OptionLimits.require(
      [
        "--patch": patch, "--embedding": embedding, "--depth": depth, "--blocks": blocks, "--mlp-ratio": mlpRatio, "--steps-in": stepsIn,
        "--steps-out": stepsOut ?? 1,
      ], atMost: OptionLimits.largestSize)
    guard embedding % blocks == 0 else { throw ValidationError("--blocks \(blocks) must divide --embedding \(embedding)") }
    guard sparsity >= 0, sparsity.isFinite else { throw ValidationError("--sparsity must be non-negative, got \(sparsity)") }
    guard stepsIn >= 1, stepsOut ?? 1 >= 1 else { throw ValidationError("--steps-in and --steps-out must be at least 1") }
  }

  func run() throws {
    var (train, test) = try common.datasets()
    let trajectory = try common.recordsTrajectories()
    if trajectory { (train, test) = try common.trajectoryWindows(train, test, stepsIn: stepsIn, stepsOut: stepsOut) }
    let configuration = AFNOConfiguration(
      inputChannels: train.inputs.shape[1], outputChannels: train.outputs.shape[1], grid: train.spatialShape, patch: patch,
      embedding: embedding, depth: depth, blocks: blocks, mlpRatio: mlpRatio, sparsityThreshold: sparsity, trajectory: trajectory)
    try common.checked {
      try configuration.validate()
      try configuration.validate(input: [1] + train.inputs.shape.dropFirst())
    }
    try common.train(configuration, as: AFNO.self, perStep: trajectory, train: train, test: test)
  }
}
