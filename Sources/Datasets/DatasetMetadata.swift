/// A dataset's `meta.json`: what was generated and how — one schema for every family. Keys a
/// family does not use are absent. Choices are enums; free text only describes fields in words.
public struct DatasetMetadata: Codable, Sendable, Equatable {
  /// The problem family.
  public var family: DatasetFamily
  /// Number of samples `N`.
  public var samples: Int
  /// The dataset seed (sample `i` depends on `(seed, i)` alone).
  public var seed: UInt64
  /// Grid points per side `s` of grid families.
  public var resolution: Int?
  /// Grid points per side of the solver, when the stored grid is a subsample of it.
  public var solverResolution: Int?
  /// The times of the snapshots along `sol.npy`'s second axis (trajectory datasets).
  public var times: [Double]?
  /// Space dimension of the fields (absent: 2 for grid families).
  public var dimension: Int?
  /// The spacing `h` of the stored output grid, the same along every axis: `1/(s − 1)` on a
  /// vertex grid of `[0, 1]^d`, `1/s` on the unit torus. Absent for scattered query points.
  public var spacing: Double?
  /// The boundary conditions.
  public var boundary: DatasetBoundary?
  /// The geometry of wave problems.
  public var geometry: HelmholtzGeometry?
  /// Axes whose walls are perfect conductors (the tangential components of `sol.npy` vanish there).
  public var conductingWalls: [Axis]?
  /// The linear solver that made the outputs.
  public var solver: SolverName?
  /// The preconditioner of an iterative solver that takes one.
  public var preconditioner: PreconditionerName?
  /// The relative tolerance of the solves.
  public var rtol: Double?
  /// Iterations per sample (0 for direct solves).
  public var iterations: [Int]?
  /// True relative residual per sample.
  public var relativeResiduals: [Double]?
  /// The Gaussian random field's smoothness `α`.
  public var alpha: Double?
  /// The Gaussian random field's inverse length scale `τ`.
  public var tau: Double?
  /// The values a thresholded coefficient takes (Darcy).
  public var coefficientValues: [Double]?
  /// What `coeff.npy` holds, in words.
  public var coefficient: String?
  /// What `sol.npy` holds, in words.
  public var solution: String?
  /// Further scalar parameters of the family, by name (`time_step`, `k_min`, …).
  public var parameters: [String: Double]?
  /// Sensors `m` of a function-to-function dataset on `linspace(0, 1, m)` (antiderivative).
  public var points: Int?
  /// Query points per function (antiderivative).
  public var queryPoints: Int?
  /// Correlation length `ℓ` of the input process (antiderivative).
  public var lengthScale: Double?
  /// How sample `i`'s random numbers are drawn. Absent: from a generator seeded with
  /// `seed + m·(i + 1)` for a constant `m` of the family — every family's scheme except
  /// ``SamplingScheme/indexStreams``, which Darcy and antiderivative datasets record.
  public var sampling: SamplingScheme?

  /// The metadata every family records; the rest is filled in by the family.
  public init(family: DatasetFamily, samples: Int, seed: UInt64) {
    self.family = family
    self.samples = samples
    self.seed = seed
  }

  enum CodingKeys: String, CodingKey {
    case family, samples, seed, resolution, dimension, spacing, boundary, geometry, solver, preconditioner, rtol, iterations, times
    case solverResolution = "solver_resolution"
    case alpha, tau, coefficient, solution, parameters, points
    case conductingWalls = "conducting_walls", relativeResiduals = "relative_residuals", coefficientValues = "coefficient_values"
    case queryPoints = "query_points", lengthScale = "length_scale", sampling
  }
}

/// How a generator draws each sample's random numbers (`meta.json`'s `sampling`).
public enum SamplingScheme: String, Codable, Sendable, CaseIterable {
  /// Sample `i` draws from `SplitMix64(seed: seed, stream: i)`: independent streams. (Darcy and
  /// antiderivative datasets made before it seeded sample `i` with `seed + γ·(i + 1)`, `γ` the
  /// generator's own increment, so sample `i + 1` drew sample `i`'s numbers shifted by one.)
  case indexStreams = "index-streams"
}

/// The PDE families (and function-to-function operators) datasets come from: `darcy`
/// (`−div(a∇u) = 1`, thresholded random coefficient), `thermal` (a backward-Euler heat step
/// through random conductivity), `poisson` (`−Δu = f`, random sources), `helmholtz`
/// (time-harmonic waves in random media), `antiderivative` (`u ↦ ∫₀ˣ u`), and the trajectories
/// of `burgers` (viscous, periodic interval) and `navier-stokes` (2D vorticity on the torus).
public enum DatasetFamily: String, Codable, Sendable, CaseIterable {
  case darcy, thermal, poisson, helmholtz, antiderivative, burgers, navierStokes = "navier-stokes"
}

/// Boundary conditions a dataset was generated with: `dirichlet` (`u = 0` on every side),
/// `neumann` (insulated walls at `x = 0, 1`, the first array axis; `u = 0` at `y = 0, 1`),
/// `periodic` (the unit torus), `absorbing` (first-order impedance on every side),
/// `absorbing-ends` (absorbing at `x = 0, 1`, insulated at `y = 0, 1`).
public enum DatasetBoundary: String, Codable, Sendable, CaseIterable {
  case dirichlet, neumann, periodic, absorbing, absorbingEnds = "absorbing-ends"
}

/// Where the waves of a Helmholtz dataset travel.
public enum HelmholtzGeometry: String, Codable, Sendable, CaseIterable {
  /// Radiation through all four absorbing sides; `sol.npy` holds `u`.
  case open
  /// TE waves between conducting plates at `y = 0, 1`; `sol.npy` holds the two components of
  /// `E`, whose tangential part vanishes on the plates.
  case waveguide
}

/// A coordinate axis (`x`, `y`, `z` = array axes 0, 1, 2).
public enum Axis: String, Codable, Sendable, CaseIterable {
  case x, y, z
  /// The array axis.
  public var index: Int { Axis.allCases.firstIndex(of: self)! }
}

/// The solvers a dataset can record: the generator's solvers by their command-line names —
/// the direct and Krylov methods, `skr` (sorted Krylov recycling, GCRO-DR along the
/// nearest-neighbour chain) and `rcg` (recycled PCG along the same chain).
public enum SolverName: String, Codable, Sendable, CaseIterable {
  case cholmod, umfpack, cg, pcgJacobi = "pcg-jacobi", pcgIC = "pcg-ic", pcgMultigrid = "pcg-mg", gmres, skr, rcg
  /// The pseudo-spectral time steppers: ETDRK4 (Burgers), explicit advection with Crank–Nicolson
  /// diffusion (Navier–Stokes, the FNO scheme).
  case spectralETDRK4 = "spectral-etdrk4", spectralCrankNicolson = "spectral-crank-nicolson"
}

/// The preconditioners a dataset can record.
public enum PreconditionerName: String, Codable, Sendable, CaseIterable {
  case none, jacobi, ic, ilu
  case multigrid = "mg"
  case shiftedLaplacian = "shifted-laplacian"
}
