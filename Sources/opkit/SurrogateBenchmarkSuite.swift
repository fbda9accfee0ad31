import Foundation
import OperatorKit

/// `opkit bench --suite surrogate`: does a trained operator pay for itself? For each trained
/// model on its own dataset, the learned prediction per sample (batches of 50, as a user runs
/// `opkit predict`) beside the numerical solver producing the same output at the dataset's
/// accuracy, in the same run: multigrid PCG at the dataset's tolerance for Darcy, the
/// pseudo-spectral steppers for Burgers and Navier–Stokes (over the span the model predicts).
/// Medians of `repeats`.
struct SurrogateBenchmarkSuite {
  /// Checkpoints and the dataset directories they were trained on.
  let pairs: [(model: String, data: String)]
  let repeats: Int
  let json: Bool

  /// One model's figures (`--json`: snake-case keys).
  struct Row: Encodable {
    let model: String, kind: String, family: String, resolution: [Int], samples: Int
    let learnedSecondsPerSample: Double
    let solver: String?
    let solverSecondsPerSample: Double?
    /// Solver time over learned time: above 1, the operator is faster.
    let speedup: Double?
    enum CodingKeys: String, CodingKey {
      case model, kind, family, resolution, samples, solver, speedup
      case learnedSecondsPerSample = "learned_seconds_per_sample", solverSecondsPerSample = "solver_seconds_per_sample"
    }
  }

  func run() throws -> [Row] {
    let log: (String) -> Void = { line in if !json { print(line) } }
    log("Learned operators against the solvers that made their data, seconds per sample (medians of \(repeats))")
    log("model             family          grid      learned s    solver s  solver                                speedup")
    var rows = [Row]()
    for (path, data) in pairs {
      let row = try measure(model: path, data: data)
      rows.append(row)
      log(
        row.kind.padding(toLength: 18, withPad: " ", startingAt: 0) + row.family.padding(toLength: 16, withPad: " ", startingAt: 0)
          + row.resolution.map(String.init).joined(separator: "x").padding(toLength: 8, withPad: " ", startingAt: 0)
          + String(
            format: "%11.3g %11@  %@ %8@", row.learnedSecondsPerSample, row.solverSecondsPerSample.map { String(format: "%.3g", $0) } ?? "—",
            (row.solver ?? "—").padding(toLength: 36, withPad: " ", startingAt: 0), row.speedup.map { String(format: "%.3gx", $0) } ?? "—"))
    }
    return rows
  }

  private func measure(model path: String, data: String) throws -> Row {
    let trained = try ModelRegistry.standard.load(checkpointAt: path)
    var dataset = try OperatorDataset(directory: data, sameGrid: !trained.queriesAnyGrid)
    guard let metadata = try DatasetDirectory(data).metadata() else { throw CommandFailure("\(data): no meta.json to say how it was solved") }
    var model = trained
    if trained.queriesAnyGrid { model = trained.querying(outputGrid: dataset.outputSpatialShape) }
    if let rollout = trained.rolloutSteps {
      do { dataset = try dataset.trajectoryWindows(stepsIn: rollout.history, stepsOut: rollout.predicted) } catch let error as DatasetFileError {
        throw CommandFailure("\(data): \(error.message)")
      }
    }
    do { try model.validate(input: dataset.inputs.shape) } catch { throw CommandFailure("\(data): \(error)") }
    let inputs = dataset.inputs.rows(Array(0..<min(dataset.count, 200)))
    let learned = try median(
      (0..<repeats).map { _ in
        try seconds {
          for start in stride(from: 0, to: inputs.shape[0], by: 50) {
            _ = try model.predict(inputs.rows(Array(start..<min(start + 50, inputs.shape[0]))), queries: nil)
          }
        } / Double(inputs.shape[0])
      })
    let (solver, solverSeconds) = try solve(metadata, predictedSnapshots: trained.rolloutSteps?.predicted)
    return Row(
      model: path, kind: trained.kind, family: metadata.family.rawValue, resolution: dataset.outputSpatialShape, samples: inputs.shape[0],
      learnedSecondsPerSample: learned, solver: solver, solverSecondsPerSample: solverSeconds, speedup: solverSeconds.map { $0 / learned })
  }

  /// The solver of the dataset's family, timed per sample: a description and the seconds, or
  /// (nil, nil) for families without one here. Trajectory models predicting
  /// `predictedSnapshots` snapshots are compared with the stepper over that span.
  private func solve(_ metadata: DatasetMetadata, predictedSnapshots: Int?) throws -> (String?, Double?) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("opkit-bench-surrogate-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let parameter = { (name: String) throws -> Double in
      guard let value = metadata.parameters?[name] else { throw CommandFailure("meta.json: no parameter '\(name)' to rebuild the solver") }
      return value
    }
    switch metadata.family {
    case .darcy:
      guard let resolution = metadata.resolution, let boundary = DarcyBoundary(rawValue: metadata.boundary?.rawValue ?? "dirichlet") else {
        return (nil, nil)
      }
      let rtol = metadata.rtol ?? 1e-8
      let samples = 8
      let generator = try SystemDatasetGenerator(
        problem: try DarcyProblem(resolution: resolution, boundary: boundary, dimension: metadata.dimension ?? 2), samples: samples,
        seed: 1, solver: .independent(.pcgMultigrid), preconditioner: .multigrid, rtol: rtol, shardSize: samples)
      let time = try median(
        (0..<repeats).map { run in
          try seconds { _ = try generator.generate(in: "\(directory)/darcy\(run)") } / Double(samples)
        })
      return (String(format: "multigrid PCG, rtol %.0e", rtol), time)
    case .burgers:
      guard let resolution = metadata.resolution, let solverResolution = metadata.solverResolution, let times = metadata.times else {
        return (nil, nil)
      }
      let problem = try BurgersProblem(
        viscosity: try parameter("viscosity"), resolution: resolution, solverResolution: solverResolution, time: try parameter("time"),
        record: times.count, timeStep: try parameter("time_step"))
      let samples = 20
      let time = try median(
        (0..<repeats).map { run in
          try seconds {
            _ = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: 1, shardSize: samples).generate(
              in: "\(directory)/burgers\(run)")
          } / Double(samples)
        })
      return (String(format: "ETDRK4 %d points to t = %g", solverResolution, problem.time), time)
    case .navierStokes:
      guard let resolution = metadata.resolution, let solverResolution = metadata.solverResolution else { return (nil, nil) }
      let interval = try parameter("record_every")
      let span = try predictedSnapshots.map { Double($0) * interval } ?? parameter("time")
      let problem = try NavierStokesProblem(
        viscosity: try parameter("viscosity"), resolution: resolution, solverResolution: solverResolution, time: span, recordEvery: interval,
        timeStep: try parameter("time_step"))
      let samples = 2
      let time = try median(
        (0..<repeats).map { run in
          try seconds {
            _ = try TrajectoryDatasetGenerator(problem: problem, samples: samples, seed: 1, shardSize: 1).generate(in: "\(directory)/ns\(run)")
          } / Double(samples)
        })
      return (String(format: "spectral CN %d² over t = %g", solverResolution, span), time)
    default:
      return (nil, nil)
    }
  }

  private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return (ContinuousClock.now - start).seconds
  }
}
