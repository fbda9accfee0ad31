import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate helmholtz`: complex wave fields for the complex DeepONet.
struct GenerateHelmholtz: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "helmholtz",
    abstract: "−Δu − k(x)²u = f on [0,1]² or [0,1]³, ∂u/∂n − iku = 0: complex fields from a fixed source in random media.",
    discussion: """
      k(x) = k̄(1 + 0.2 g/max|g|), g a Gaussian random field, k̄ uniform in [--k-min, --k-max]; f a \
      unit Gaussian bump at (0.3, 0.4), or (0.3, 0.4, 0.5) with --dim 3. Writes DIR/coeff.npy (k, \
      (N, s, s) float32, or (N, s, s, s)), DIR/sol.npy (u, complex64, same shape) and DIR/meta.json; \
      the real 2x2 block form is solved by --solver (auto: UMFPACK, or SKR in 3D up to --k-max 6; skr and gmres \
      with ILU(0) by default). Interrupted runs resume. \
      --geometry waveguide: TE waves between perfectly conducting plates at y = 0, 1 with open \
      ends at x = 0, 1 (u = H_z, ∂H/∂n = 0 on the plates); sol.npy holds the electric field \
      E = (i/k̄)(∂_y H, −∂_x H), (N, 2, s, s) complex64, whose tangential part E_x vanishes on the \
      plates (train with --conducting-walls y to build that into a DeepONet).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Grid points per side s (h = 1/(s−1)).") var resolution: Int = 32
  @Option(help: "Space dimension: 2, or 3 for the cube (s³ fields, absorbing on all six sides; open geometry only).")
  var dim: Int = 2
  @Option(help: "Smallest mean wavenumber.") var kMin: Double = 8
  @Option(help: "Largest mean wavenumber.") var kMax: Double = 16

  @Option(help: "open (absorbing on all sides; sol.npy = u) or waveguide (conducting plates at y = 0, 1; sol.npy = E).")
  var geometry: HelmholtzGeometry = .open

  @OptionGroup var options: SystemGenerationOptions

  @Option(help: "Also write a PNG of the first samples: k, Re u, Im u, |u| (left to right; per component of E).") var png: String?

  func validate() throws {
    guard resolution >= 3 else { throw ValidationError("--resolution must be at least 3, got \(resolution)") }
    guard resolution <= 65536 else { throw ValidationError("--resolution must be at most 65536, got \(resolution)") }
    guard kMin > 0, kMax >= kMin, kMax.isFinite else { throw ValidationError("need 0 < --k-min ≤ --k-max, got \(kMin), \(kMax)") }
    guard dim == 2 || dim == 3 else { throw ValidationError("--dim must be 2 or 3, got \(dim)") }
    guard dim == 2 || geometry == .open else { throw ValidationError("--geometry waveguide is two-dimensional; drop --dim 3") }
    guard dim == 2 || resolution <= 1024 else { throw ValidationError("--resolution must be at most 1024 with --dim 3, got \(resolution)") }
    try checkOutputs([OutputFile("--png", png, FigureFormat.extensions)], inputs: [options.out])
  }

  func run() throws {
    global.apply()
    switch geometry {
    case .open:
      try options.generate(
        HelmholtzProblem(resolution: resolution, wavenumbers: kMin...kMax, dimension: dim), seed: global.seed, json: global.json)
    case .waveguide:
      try options.generate(WaveguideProblem(resolution: resolution, wavenumbers: kMin...kMax), seed: global.seed, json: global.json)
    }
    try writePanels()
  }

  /// With `--png`: k, Re u, Im u and |u| of the first samples (per component of E); in 3D their
  /// middle slice across the first axis.
  func writePanels() throws {
    let (samples, out) = (options.samples, options.out)
    if let png, Communicator.world.isRoot {
      let layout = DatasetDirectory(out)
      let k = try NumpyArray(contentsOf: layout.inputsPath).values, u = try NumpyArray(contentsOf: layout.outputsPath).values
      let points = resolution * resolution, volume = dim == 3 ? resolution * points : points
      let slice = dim == 3 ? resolution / 2 * points : 0
      let components = geometry == .waveguide ? 2 : 1
      // Per sample: k, then the real part, imaginary part and modulus of each component.
      let rows = (0..<min(3, samples)).map { n -> [[Double]] in
        var row = [Array(k[(n * volume + slice)..<(n * volume + slice + points)])]
        for c in 0..<components {
          let offset = (n * components + c) * volume + slice
          let re = (0..<points).map { u[2 * (offset + $0)] }, im = (0..<points).map { u[2 * (offset + $0) + 1] }
          row += [re, im, zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }]
        }
        return row
      }
      let parts = ["Re", "Im", "|·|"]
      let titles = ["wavenumber k"] + (0..<components).flatMap { c in parts.map { "\($0) u\(components > 1 ? String(c + 1) : "")" } }
      try FieldGrid(
        panels: rows, extent: (resolution, resolution), columnTitles: titles, rowLabels: rows.indices.map { "sample \($0)" },
        title: "Helmholtz (\(geometry.rawValue)), \(resolution)×\(resolution)\(dim == 3 ? "×\(resolution), middle slice" : "")"
      ).write(to: png)
    }
  }
}
