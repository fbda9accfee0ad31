import ArgumentParser
import Foundation
import OperatorKit

/// The options every time-dependent family of `opkit generate` shares, and the run they share.
struct TrajectoryGenerationOptions: ParsableArguments {
  @Option(help: "Number of samples.") var samples: Int = 1000
  @Option(help: "Samples per shard (the unit of resumption).") var shardSize: Int = 10
  @Option(help: "Time step Δt (default: the family's, stable for its defaults).") var timeStep: Double?
  @Option(help: "Output dataset directory.") var out: String
  @Flag(help: "Remove what an earlier generation left in --out (shards, arrays, meta.json) instead of resuming it.")
  var overwrite = false
  @Option(help: "npy (the directory), or h5: also DIR/data.h5 with PDEBench's names (nu/tensor, x-coordinate, t-coordinate).")
  var format: DatasetFormat = .npy

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1, got \(shardSize)") }
    if let timeStep, !(timeStep > 0 && timeStep.isFinite) { throw ValidationError("--time-step must be positive, got \(timeStep)") }
  }

  /// Generates `problem`'s trajectories with a progress bar and prints the summary (one JSON
  /// line with `json`).
  func generate<Family: TimeDependentFamily>(_ problem: Family, seed: UInt64, json: Bool) throws {
    let generator = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: seed, shardSize: shardSize)
    let bar = ProgressBar(label: "\(Family.family.rawValue) \(problem.storedShape.map(String.init).joined(separator: "×"))")
    let world = Communicator.world
    let summary = try resumingGeneration(in: out) {
      try generator.generate(in: out, communicator: world, replacing: overwrite) { bar.update($0, $1) }
    }
    if format == .h5 && world.isRoot { try DatasetDirectory(out).writeHDF5(to: DatasetDirectory(out).hdf5Path) }
    if json {
      print(try jsonLine(summary, snakeCaseKeys: true))
    } else {
      print(
        String(
          format: "%d trajectories (%d solved now) of %d snapshots, %d time steps each, in %.1f s (%.3f s per sample); wrote %@/coeff.npy, sol.npy, meta.json",
          summary.samples, summary.solvedNow, problem.snapshotTimes.count, summary.stepsPerSample, summary.seconds,
          summary.seconds / Double(max(summary.solvedNow, 1)), out) + (format == .h5 ? ", data.h5" : ""))
    }
  }
}
