import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate`: PDE training data.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate PDE training data as .npy datasets.",
    subcommands: [GenerateDarcy.self, GenerateThermal.self, GeneratePoisson.self, GenerateHelmholtz.self, GenerateAntiderivative.self])
}

/// Writes sample 0 of the dataset in `directory` as two heatmaps side by side (coefficient,
/// solution), each scaled to its own range; of a 3D dataset, the middle slice along the first axis.
func writeSample(of directory: String, to png: String) throws {
  let layout = DatasetDirectory(directory)
  let coefficient = try NumpyArray(contentsOf: layout.inputsPath), solution = try NumpyArray(contentsOf: layout.outputsPath)
  let (rows, columns) = (coefficient.shape[coefficient.shape.count - 2], coefficient.shape[coefficient.shape.count - 1])
  let offset = coefficient.shape.count == 4 ? coefficient.shape[1] / 2 * rows * columns : 0
  let slice = offset..<(offset + rows * columns)
  let a = Array(coefficient.values[slice]), u = Array(solution.values[slice])
  try FieldPanels(panels: [[a, u]], extent: (rows, columns)).image().write(to: png)
}

extension DarcyBoundary: ExpressibleByArgument {}
extension HelmholtzGeometry: ExpressibleByArgument {}

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
  @Option(help: "Number of samples.")
  var samples: Int = 1000

  @Option(
    help: """
      Linear solver: auto (the fastest in the generation benchmark for the family), skr (sorted Krylov \
      recycling, GCRO-DR(40,20)), rcg (recycled deflated PCG along the same chain; SPD families) or \
      \(SolveMethod.allCases.map(\.rawValue).joined(separator: ", ")).
      """
  )
  var solver: SolverChoice = .automatic

  @Option(help: "Preconditioner of gmres, skr and rcg: none, jacobi, ic, ilu, mg (default: ic for SPD families, ilu otherwise).")
  var preconditioner: PreconditionerKind?

  @Option(help: "Relative tolerance of iterative solvers.")
  var rtol: Double = 1e-8

  @Option(help: "Samples per shard (the unit of resumption).")
  var shardSize: Int = 50

  @Option(help: "Output dataset directory.")
  var out: String

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
      preconditioner: preconditioner ?? (problem.isSymmetricPositiveDefinite ? .ic : .ilu), rtol: rtol, shardSize: shardSize)
    let bar = ProgressBar(label: "\(Family.name) \(problem.fieldShape.map(String.init).joined(separator: "×"))")
    let summary = try generator.generate(in: out) { bar.update($0, $1) }
    if json {
      print(try jsonLine(summary, snakeCaseKeys: true))
    } else {
      print(
        String(
          format:
            "%d samples (%d solved now) by %@ in %.1f s; mean iterations %.1f; max relative residual %.2e; wrote %@/coeff.npy, sol.npy, meta.json",
          summary.samples, summary.solvedNow, generator.solver.name, summary.seconds, summary.meanIterations,
          summary.maxRelativeResidual, out))
    }
  }
}

/// The grid options of the families on `[0, 1]^d` (Darcy, thermal, Poisson).
struct GridFamilyOptions: ParsableArguments {
  @Option(help: "Grid points per side s (h = 1/(s−1)).")
  var resolution: Int = 64

  @Option(help: "Space dimension: 2, or 3 for the cube (s³ fields; Darcy with Dirichlet sides only).")
  var dim: Int = 2

  @Option(help: "Also write a PNG of the first sample: its parameter field (left) and solution (right); in 3D the middle slice.")
  var png: String?

  func validate() throws {
    guard resolution >= 3 else { throw ValidationError("--resolution must be at least 3, got \(resolution)") }
  }

  /// Generates `problem`'s dataset with `options`, then the PNG if asked for.
  func generate(_ problem: some SampledSystemFamily, options: SystemGenerationOptions, global: GlobalOptions) throws {
    try options.generate(problem, seed: global.seed, json: global.json)
    if let png { try writeSample(of: options.out, to: png) }
  }
}

/// `opkit generate darcy`: the Darcy benchmark dataset.
struct GenerateDarcy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "darcy",
    abstract: "−div(a∇u) = 1, u = 0 on [0,1]², a ∈ {3, 12} thresholded from a GRF N(0, (−Δ+9I)^−2).",
    discussion: """
      Writes DIR/coeff.npy and DIR/sol.npy ((N, s, s) float32 on the vertex grid including the
      boundary) and DIR/meta.json. Samples depend only on (seed, index). Interrupted runs resume:
      finished shards in DIR/shards are kept.

      --boundary neumann insulates the walls x = 0, 1 (first array axis; u = 0 at y = 0, 1);
      --boundary periodic solves the cell problem of homogenization on the unit torus,
      −div(a(e₁ + ∇u)) = 0 with mean(u) = 0, sampled at x_i = i/s.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @Option(help: "Boundary conditions: dirichlet, neumann (insulated x-walls) or periodic.")
  var boundary: DarcyBoundary = .dirichlet

  @OptionGroup var options: SystemGenerationOptions

  func run() throws {
    global.apply()
    try grid.generate(DarcyProblem(resolution: grid.resolution, boundary: boundary, dimension: grid.dim), options: options, global: global)
  }
}

/// `opkit generate thermal`: one implicit heat step through random media.
struct GenerateThermal: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "thermal",
    abstract: "u/Δt − div(κ∇u) = u₀/Δt, u = 0 on [0,1]², κ = exp(g), g a smooth GRF: one backward-Euler heat step.",
    discussion: """
      u₀ = sin(πx)sin(πy); g ~ GRF with α = 3, τ = 3. Writes DIR/coeff.npy (κ) and DIR/sol.npy (u),
      (N, s, s) float32 on the vertex grid including the boundary, and DIR/meta.json. Symmetric
      positive definite systems whose matrix changes with every sample. Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @Option(help: "Time step Δt.")
  var timeStep: Double = 0.01

  @OptionGroup var options: SystemGenerationOptions

  func validate() throws {
    guard timeStep > 0 else { throw ValidationError("--time-step must be positive, got \(timeStep)") }
  }

  func run() throws {
    global.apply()
    try grid.generate(
      ThermalProblem(resolution: grid.resolution, timeStep: timeStep, dimension: grid.dim), options: options, global: global)
  }
}

/// `opkit generate poisson`: one operator, random sources.
struct GeneratePoisson: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "poisson",
    abstract: "−Δu = f, u = 0 on [0,1]², f = 100 g with g a GRF N(0, (−Δ+9I)^−2): a fixed operator, random right-hand sides.",
    discussion: """
      Writes DIR/coeff.npy (f) and DIR/sol.npy (u), (N, s, s) float32 on the vertex grid including
      the boundary (--dim 3: (N, s, s, s)), and DIR/meta.json. Interrupted runs resume.
      """)

  @OptionGroup var global: GlobalOptions

  @OptionGroup var grid: GridFamilyOptions

  @OptionGroup var options: SystemGenerationOptions

  func run() throws {
    global.apply()
    try grid.generate(PoissonSourceProblem(resolution: grid.resolution, dimension: grid.dim), options: options, global: global)
  }
}

/// `opkit generate antiderivative`: the DeepONet paper's first operator.
struct GenerateAntiderivative: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "antiderivative",
    abstract: "u ↦ ∫₀ˣ u on [0, 1], u a Gaussian process with RBF covariance (length scale 0.2).",
    discussion: """
      Writes DIR/coeff.npy (u, (N, m) on linspace(0, 1, m)), DIR/sol.npy (its antiderivative,
      (N, q) on linspace(0, 1, q)), float32, and DIR/meta.json. u is piecewise linear between the points, so the
      antiderivative is exact. Samples depend only on (seed, index).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Sensors m: points of linspace(0, 1, m) where u is given.")
  var points: Int = 100

  @Option(help: "Query points q of the antiderivative (default: the sensors; 1 with --random-queries).")
  var queryPoints: Int?

  @Flag(help: "Observe each function at its own uniform random query points (unaligned data; writes DIR/queries.npy).")
  var randomQueries = false

  @Option(help: "Number of samples.")
  var samples: Int = 1000

  @Option(help: "Correlation length of the RBF kernel.")
  var lengthScale: Double = 0.2

  @Option(help: "Output dataset directory.")
  var out: String

  @Option(help: "Also write a PNG of the first samples' inputs (blue) and antiderivatives (orange, when on the sensor grid).")
  var png: String?

  func validate() throws {
    guard points >= 2 else { throw ValidationError("--points must be at least 2, got \(points)") }
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    guard (queryPoints ?? 2) >= (randomQueries ? 1 : 2) else { throw ValidationError("--query-points is too small") }
    guard lengthScale > 0 else { throw ValidationError("--length-scale must be positive, got \(lengthScale)") }
  }

  func run() throws {
    global.apply()
    let generator = try AntiderivativeDatasetGenerator(
      points: points, queryPoints: queryPoints, randomQueries: randomQueries, samples: samples, seed: global.seed,
      lengthScale: lengthScale)
    try generator.generate(in: out)
    if let png {
      let series = (0..<min(3, samples)).flatMap { i -> [LinePlot.Series] in
        // The input (blue) and, when on the same grid, its antiderivative (orange).
        let (u, _, s) = generator.sample(index: i)
        return [.init(values: u, colour: (31, 119, 180))]
          + (generator.queryPoints == points && !randomQueries ? [.init(values: s, colour: (255, 127, 14))] : [])
      }
      try LinePlot.render(series, scale: .linear).image.write(to: png)
    }
    if global.json {
      print(try jsonLine(["samples": samples, "points": points], snakeCaseKeys: true))
    } else {
      print("\(samples) antiderivative samples on \(points) points; wrote \(out)/coeff.npy, sol.npy, meta.json")
    }
  }
}

/// `opkit generate helmholtz`: complex wave fields for the complex DeepONet.
struct GenerateHelmholtz: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "helmholtz",
    abstract: "−Δu − k(x)²u = f on [0,1]², ∂u/∂n − iku = 0: complex fields from a fixed source in random media.",
    discussion: """
      k(x) = k̄(1 + 0.2 g/max|g|), g a Gaussian random field, k̄ uniform in [--k-min, --k-max]; f a
      unit Gaussian bump at (0.3, 0.4). Writes DIR/coeff.npy (k, (N, s, s) float32), DIR/sol.npy
      (u, (N, s, s) complex64) and DIR/meta.json; the real 2x2 block form is solved by --solver
      (auto: UMFPACK; skr and gmres with ILU(0) by default). Interrupted runs resume.
      --geometry waveguide: TE waves between perfectly conducting plates at y = 0, 1 with open
      ends at x = 0, 1 (u = H_z, ∂H/∂n = 0 on the plates); sol.npy holds the electric field
      E = (i/k̄)(∂_y H, −∂_x H), (N, 2, s, s) complex64, whose tangential part E_x vanishes on the
      plates (train with --conducting-walls y to build that into a DeepONet).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Grid points per side s (h = 1/(s−1)).")
  var resolution: Int = 32

  @Option(help: "Smallest mean wavenumber.")
  var kMin: Double = 8

  @Option(help: "Largest mean wavenumber.")
  var kMax: Double = 16

  @Option(help: "open (absorbing on all sides; sol.npy = u) or waveguide (conducting plates at y = 0, 1; sol.npy = E).")
  var geometry: HelmholtzGeometry = .open

  @OptionGroup var options: SystemGenerationOptions

  @Option(help: "Also write a PNG of the first samples: k, Re u, Im u, |u| (left to right; per component of E).")
  var png: String?

  func validate() throws {
    guard resolution >= 3 else { throw ValidationError("--resolution must be at least 3, got \(resolution)") }
    guard kMin > 0, kMax >= kMin else { throw ValidationError("need 0 < --k-min ≤ --k-max, got \(kMin), \(kMax)") }
  }

  func run() throws {
    global.apply()
    switch geometry {
    case .open:
      try options.generate(HelmholtzProblem(resolution: resolution, wavenumbers: kMin...kMax), seed: global.seed, json: global.json)
    case .waveguide:
      try options.generate(WaveguideProblem(resolution: resolution, wavenumbers: kMin...kMax), seed: global.seed, json: global.json)
    }
    try writePanels()
  }

  /// With `--png`: k, Re u, Im u and |u| of the first samples (per component of E).
  func writePanels() throws {
    let (samples, out) = (options.samples, options.out)
    if let png {
      let layout = DatasetDirectory(out)
      let k = try NumpyArray(contentsOf: layout.inputsPath).values, u = try NumpyArray(contentsOf: layout.outputsPath).values
      let points = resolution * resolution
      let components = geometry == .waveguide ? 2 : 1
      // Per sample: k, then the real part, imaginary part and modulus of each component.
      let rows = (0..<min(3, samples)).map { n -> [[Double]] in
        var row = [Array(k[(n * points)..<((n + 1) * points)])]
        for c in 0..<components {
          let offset = (n * components + c) * points
          let re = (0..<points).map { u[2 * (offset + $0)] }, im = (0..<points).map { u[2 * (offset + $0) + 1] }
          row += [re, im, zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }]
        }
        return row
      }
      try FieldPanels(panels: rows, extent: (resolution, resolution)).image().write(to: png)
    }
  }
}
