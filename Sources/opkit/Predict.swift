import ArgumentParser
import Foundation
import OperatorKit

/// `opkit predict`: a trained model applied to inputs that have no ground truth.
struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Apply a trained model to new inputs (no ground truth needed) and write its predictions in sol.npy's layout.",
    discussion: """
      The inputs are a dataset directory (its coeff.npy), an .npy file of (N, s, ...) samples, or \
      an array of an .h5/.hdf5/.mat file (--key), at any resolution the model supports; models \
      that query any grid (DeepONet) answer on the input grid unless --output-grid says otherwise. \
      Models of trajectories (train fno --mode rollout or space-time) continue them: from an (N, \
      T, s, s) file they take the last snapshots they need, from a dataset directory the first ones \
      of its sol.npy (where training's rollouts start), and write (N, steps, s, s). Loads only the \
      model and its normalizers (no optimizer state).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Checkpoint written by opkit train.") var model: String
  @Option(help: "Inputs: a dataset directory, an .npy file of (N, s, ...) samples, or an .h5/.hdf5/.mat file (with --key).")
  var input: String
  @Option(help: "Key of the input array in an .h5/.hdf5/.mat --input file.") var key: String?
  @Option(help: "Output .npy file: (N, s, ...), (N, K, s, ...) for K components, complex64 for complex models.") var out: String
  @Option(help: "Output grid of models that query any grid (DeepONet), e.g. 64 or 64x64 (default: the input grid).")
  var outputGrid: GridShape?
  @Option(help: "Samples per forward pass.") var batch: Int = 50
  @Option(help: "Autoregressive models: snapshots to roll out (default: as many as the model was trained to predict).")
  var steps: Int?

  func validate() throws {
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
    try OptionLimits.require(["--batch": batch], atMost: OptionLimits.largestCount)
    guard steps ?? 1 >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps ?? 0)") }
    guard (out as NSString).pathExtension.lowercased() == "npy" else { throw ValidationError("--out must name an .npy file, got \(out)") }
    try checkOutputs([OutputFile("--out", out, ["npy"])], inputs: [model, input])
    if ArrayFile.isArrayFile(input) {
      guard key != nil else { throw ValidationError("\(input) is an array file: name its input array with --key") }
    } else if key != nil {
      throw ValidationError("--key names an array of an .h5/.hdf5/.mat --input file")
    }
  }

  func run() throws {
    global.apply()
    let directory = !ArrayFile.isArrayFile(input) && isDirectory(input)
    var trained = try ModelRegistry.standard.load(checkpointAt: model)
    let inputs: Tensor
    let inputFile: String
    if let rollout = trained.rolloutSteps {
      // Trajectories: continue each from its last snapshots (a directory: sol.npy's first).
      inputs = try OperatorDataset.trajectoryHistory(at: input, key: key, steps: rollout.history, dimension: rollout.dimension)
      inputFile = directory ? DatasetDirectory(input).outputsPath : input
    } else {
      inputs = try OperatorDataset.inputs(at: input, key: key)
      inputFile = directory ? DatasetDirectory(input).inputsPath : input
    }
    do { try trained.validate(input: inputs.shape) } catch { throw CommandFailure("\(inputFile): \(error)") }
    trained = try trained.predicting(steps: steps, checkpoint: model) { steps in
      // A huge --steps would fill memory before writing anything: refuse it up front.
      let values = [steps, inputs.shape.dropFirst(2).reduce(1, *), 8].reduce(Optional(inputs.shape[0])) { total, factor in
        total.flatMap { t in
          let (p, overflow) = t.multipliedReportingOverflow(by: factor); return overflow ? nil : p
        }
      }
      let available = ProcessInfo.processInfo.physicalMemory / 2
      guard let values, UInt64(values) <= available else {
        return "\(inputs.shape[0]) trajectories of that many snapshots need more than the \(available >> 30) GiB available for "
          + "predictions; predict fewer steps or fewer inputs at a time"
      }
      return nil
    }
    if let outputGrid {
      guard trained.queriesAnyGrid else { throw CommandFailure("--output-grid: a \(trained.kind) model answers on its input grid only") }
      guard outputGrid.counts.allSatisfy({ $0 >= 1 }) else {
        throw CommandFailure("--output-grid needs positive extents, got \(outputGrid)")
      }
      trained = trained.querying(outputGrid: outputGrid.counts)
    } else if trained.queriesAnyGrid {
      trained = trained.querying(outputGrid: Array(inputs.shape.dropFirst(2)))
    }
    let start = ContinuousClock.now
    try writePredictions(of: trained, inputs: inputs, queries: nil, to: out, batchSize: batch)
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let report = PredictionReport(
      model: trained.kind, samples: inputs.shape[0], resolution: Array(inputs.shape.dropFirst(2)), seconds: seconds,
      secondsPerSample: seconds / Double(inputs.shape[0]), out: out)
    if global.json {
      print(try jsonLine(report, snakeCaseKeys: true))
    } else {
      print(
        String(
          format: "%@ on %d inputs at %@: %.3g s (%.3g s per sample, batch %d); wrote %@", trained.kind, report.samples,
          report.resolution.map(String.init).joined(separator: "x"), seconds, report.secondsPerSample, batch, out))
    }
  }

  private func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
  }
}

/// The summary `opkit predict --json` prints (snake-case keys).
struct PredictionReport: Encodable {
  let model: String
  let samples: Int
  let resolution: [Int]
  let seconds: Double
  let secondsPerSample: Double
  let out: String
}
