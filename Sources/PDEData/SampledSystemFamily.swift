import Datasets
import Grids
import Krylov
import Sparse

/// A problem family for dataset generation: each sample is a parameter field on the `s × s`
/// grid (stored as `coeff.npy`, and the key the SKR chain sorts by), mapped to a sparse linear
/// system whose solution, laid back on the grid, is the sample's `sol.npy` row.
/// ``SystemDatasetGenerator`` solves any family with any suitable solver.
public protocol SampledSystemFamily: Sendable {
  /// The family `meta.json` records (its raw value is the command-line name).
  static var family: DatasetFamily { get }
  /// Grid points per side `s`.
  var resolution: Int { get }
  /// The shape of every parameter field, `[s, s]` or `[s, s, s]`.
  var fieldShape: [Int] { get }
  /// The shape of every solution: ``fieldShape``, or `[K] + fieldShape` for `K` components.
  var solutionShape: [Int] { get }
  /// The spacing `h` of the stored grid (`1/(s − 1)` on the vertex grid of `[0, 1]^d`).
  var spacing: Double { get }
  /// Unknowns of each system.
  var unknowns: Int { get }
  /// Whether every system is symmetric positive definite (CG, CHOLMOD, IC(0) apply).
  var isSymmetricPositiveDefinite: Bool { get }
  /// Whether the systems come with a structured-grid layout (geometric multigrid applies).
  var hasGridLayout: Bool { get }
  /// Whether the systems come with a complex shifted Laplacian (``SampledSystem/shiftedLaplacian``;
  /// the `shifted-laplacian` preconditioner applies). Default false.
  var hasShiftedLaplacian: Bool { get }
  /// Whether `sol.npy` is complex (`complex64`; ``fullField(unknowns:)`` interleaves real and
  /// imaginary parts) rather than `float32`.
  var solutionIsComplex: Bool { get }
  /// What the generation benchmark found fastest for this family and size (`--solver auto`).
  var fastestSolver: DatasetSolver { get }
  /// The preconditioner of that benchmark's fastest Krylov runs (the default of
  /// `--preconditioner`). Default: IC(0) for SPD families, ILU(0) otherwise.
  var fastestPreconditioner: PreconditionerKind { get }
  /// The parameter field of sample `index` under `seed`, `s × s` row-major; depends on nothing else.
  func coefficient(index: Int, seed: UInt64) -> [Double]
  /// The linear system of a parameter field.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a field of the wrong size or out of range.
  func system(coefficient: [Double]) throws -> SampledSystem
  /// The solution on the grid from the system's unknowns: `s²` values, or `2 s²` interleaved
  /// (real, imaginary) when ``solutionIsComplex``.
  func fullField(unknowns: [Double]) -> [Double]
  /// The stored solution of sample `index` under `seed` from its system's unknowns
  /// (``fullField(unknowns:)`` unless the family derives another quantity from them).
  func solutionField(unknowns: [Double], index: Int, seed: UInt64) -> [Double]
  /// Records the family's parameters in the dataset's metadata.
  func describe(_ metadata: inout DatasetMetadata)
}

extension SampledSystemFamily {
  /// `[s, s]`: a 2D family.
  public var fieldShape: [Int] { [resolution, resolution] }
  /// One component on the parameter grid.
  public var solutionShape: [Int] { fieldShape }
  /// `1/(s − 1)`: the vertex grid of the unit square or cube.
  public var spacing: Double { 1 / Double(resolution - 1) }
  public func solutionField(unknowns: [Double], index: Int, seed: UInt64) -> [Double] { fullField(unknowns: unknowns) }
  /// No shifted Laplacian.
  public var hasShiftedLaplacian: Bool { false }
  /// IC(0) for SPD families, ILU(0) otherwise.
  public var fastestPreconditioner: PreconditionerKind { isSymmetricPositiveDefinite ? .ic : .ilu }
  /// The command-line name.
  public static var name: String { family.rawValue }
}

/// One assembled system `A x = b` of a ``SampledSystemFamily``.
public struct SampledSystem: Sendable {
  /// The matrix `A`.
  public var matrix: CSRMatrix
  /// The right-hand side `b`.
  public var rightHandSide: [Double]
  /// The structured-grid layout of the unknowns, for geometric multigrid (nil when the family
  /// has none).
  public var layout: GridLayout?
  /// For Helmholtz families, the complex shifted Laplacian the `shifted-laplacian`
  /// preconditioner is built from; nil otherwise.
  public var shiftedLaplacian: ShiftedLaplacian?

  /// A system.
  public init(matrix: CSRMatrix, rightHandSide: [Double], layout: GridLayout?, shiftedLaplacian: ShiftedLaplacian? = nil) {
    self.matrix = matrix
    self.rightHandSide = rightHandSide
    self.layout = layout
    self.shiftedLaplacian = shiftedLaplacian
  }
}
