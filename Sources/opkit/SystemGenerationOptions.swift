import ArgumentParser
import Foundation
import OperatorKit

/// `--solver`: `auto` or a named solver.
enum SolverChoice: ExpressibleByArgument, Equatable {
  /// What the generation benchmark found fastest for the family (``SampledSystemFamily/fastestSolver``).
  case automatic
  /// A named solver.
  case named(DatasetSolver)

  init?(argument: String) {
    if argument == "auto" {
      self = .automatic
    } else if let solver = DatasetSolver(name: argument) {
      self = .named(solver)
    } else {
      return nil
    }
  }

  var defaultValueDescription: String { "auto" }
  static var allValueStrings: [String] { ["auto"] + DatasetSolver.all.map(\.name) }

  /// The solver for `family`.
  func resolved(for family: some SampledSystemFamily) -> DatasetSolver {
    switch self {
    case .automatic: family.fastestSolver
    case .named(let solver): solver
    }
  }
}

/// The options every sparse-system family of `opkit generate` shares.
struct SystemGenerationOptions: ParsableArguments {
  @Option(help: "Number of samples.") var samples: Int = 1000

  @Option(
    help: """
      Linear solver: auto (the fastest in the generation benchmark for the family), skr (sorted Krylov \
      recycling, GCRO-DR(40,20)), rcg (recycled deflated PCG along the same chain; SPD families) or \
      \(SolveMethod.allCases.map(\.rawValue).joined(separator: ", ")).
      """
  )
  var solver: SolverChoice = .automatic

  @Option(
    help: """
      Preconditioner of gmres, skr and rcg: none, jacobi, ic, ilu, mg, shifted-laplacian (Helmholtz) (default: the family's \
      fastest: ic for SPD families, shifted-laplacian for Helmholtz on the cube, ilu otherwise).
      """
  )
  var preconditioner: PreconditionerKind?

  @Option(help: "Relative tolerance of iterative solvers.") var rtol: Double = 1e-8
  @Option(help: "Samples per shard (the unit of resumption).") var shardSize: Int = 50
  @Option(help: "Output dataset directory.") var out: String
  @Flag(help: "Remove what an earlier generation left in --out (shards, arrays, meta.json) instead of resuming it.")
  var overwrite = false
  @Option(help: "npy (the directory), or h5: also DIR/data.h5 with PDEBench's names (nu/tensor, x-coordinate, t-coordinate).")
  var format: DatasetFormat = .npy

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    guard rtol > 0, rtol < 1 else { throw ValidationError("--rtol must be in (0, 1), got \(rtol)") }
    guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
  }

  /// Generates `problem`'s dataset with a progress bar and prints the summary (one JSON line
  /// with `json`).
  func generate<Family: SampledSystemFamily>(_ problem: Family, seed: UInt64, json: Bool) throws {
    let generator = try SystemDatasetGenerator(
      problem: problem, samples: samples, seed: seed, solver: solver.resolved(for: problem),
      preconditioner: preconditioner ?? problem.fastestPreconditioner, rtol: rtol, shardSize: shardSize)
    let bar = ProgressBar(label: "\(Family.name) \(problem.fieldShape.map(String.init).joined(separator: "×"))")
    let world = Communicator.world
    let summary = try resumingGeneration(in: out) {
      try generator.generate(in: out, communicator: world, replacing: overwrite) { bar.update($0, $1) }
    }
    if world.isRoot { try writeFormat() }
    if json {
      print(try jsonLine(summary, snakeCaseKeys: true))
    } else {
      print(
        String(
          format:
            "%d samples (%d solved now) by %@ in %.1f s; mean iterations %.1f; max relative residual %.2e; wrote %@/coeff.npy, sol.npy, meta.json",
          summary.samples, summary.solvedNow, generator.solver.name, summary.seconds, summary.meanIterations,
          summary.maxRelativeResidual, out) + (format == .h5 ? ", data.h5" : ""))
    }
  }

  /// With `--format h5`, the HDF5 copy of the dataset in `--out`.
  func writeFormat() throws {
    if format == .h5 { try DatasetDirectory(out).writeHDF5(to: DatasetDirectory(out).hdf5Path) }
  }
}

extension DatasetFormat: ExpressibleByArgument {}

/// The grid options of the families on `[0, 1]^d` (Darcy, thermal, Poisson).
struct GridFamilyOptions: ParsableArguments {
  @Option(help: "Grid points per side s (h = 1/(s−1)).") var resolution: Int = 64
  @Option(help: "Space dimension: 2, or 3 for the cube (s³ fields; Darcy with Dirichlet sides only).") var dim: Int = 2

  @Option(help: "Also write a PNG of the first sample: its parameter field (left) and solution (right); in 3D the middle slice.")
  var png: String?

  func validate() throws {
    guard resolution >= 3 else { throw ValidationError("--resolution must be at least 3, got \(resolution)") }
    guard resolution <= 65536 else { throw ValidationError("--resolution must be at most 65536, got \(resolution)") }
  }

  /// Generates `problem`'s dataset with `options`, then the PNG if asked for.
  func generate(_ problem: some SampledSystemFamily, options: SystemGenerationOptions, global: GlobalOptions) throws {
    do { try checkOutputs([OutputFile("--png", png, FigureFormat.extensions)], inputs: [options.out]) } catch {
      throw CommandFailure("\(error)")
    }
    try options.generate(problem, seed: global.seed, json: global.json)
    if let png, Communicator.world.isRoot { try writeSample(of: options.out, to: png) }
  }
}

/// Runs a generation into `out`, turning a refused resumption into the command line's words.
func resumingGeneration<Summary>(in out: String, _ body: () throws -> Summary) throws -> Summary {
  do { return try body() } catch let error as GenerationRequestError {
    throw CommandFailure(
      "\(out) holds data generated with other parameters (\(error.differences)); pass --overwrite to replace it or choose another --out")
  }
}
