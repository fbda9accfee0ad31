import Datasets
import Foundation
import Krylov
import Tensors
import TestSupport
import Training
import XCTest

@testable import PDEData

final class HelmholtzTests: XCTestCase {
  /// Discrete power balance: `u` solves `(A − iC) u = b` with `A` real symmetric, `C` the
  /// diagonal impedance `k · face/volume` on boundary vertices and `b = f·V` real, so the
  /// imaginary part of `ūᵀ(A − iC)u = ūᵀb` reads `Σ C |u|² = Σ b Im u`: the power the source puts
  /// in leaves through the absorbing boundary. A wrong sign or face weight breaks the identity.
  func testPowerInputEqualsPowerRadiated() throws {
    let s = 33
    let problem = try HelmholtzProblem(resolution: s)
    let k = problem.wavenumber(index: 0, seed: 7)
    let (re, im) = try problem.solve(wavenumber: k)
    let h = 1 / Double(s - 1)
    var input = 0.0, radiated = 0.0
    let f = problem.source
    for i in 0..<s {
      for j in 0..<s {
        let p = i * s + j
        let (onRow, onColumn) = (i == 0 || i == s - 1, j == 0 || j == s - 1)
        let volume = (onRow ? 0.5 : 1) * (onColumn ? 0.5 : 1)
        input += f[p] * volume * im[p]
        let faces = (onRow ? (onColumn ? 0.5 : 1) / h : 0) + (onColumn ? (onRow ? 0.5 : 1) / h : 0)
        radiated += k[p] * faces * (re[p] * re[p] + im[p] * im[p])
      }
    }
    XCTAssertGreaterThan(radiated, 0)
    assertClose(input, radiated, rtol: 1e-8)
  }

  /// The power balance in 3D, where boundary vertices sit on faces, edges and corners of the
  /// cube: each absorbing face of a vertex spans its control volume along the other two axes
  /// (a half per axis on which the vertex is on a side), so an edge vertex has two faces of
  /// area ½ and a corner three of area ¼. Counting faces or areas wrongly breaks the identity.
  func testPowerInputEqualsPowerRadiatedOnTheCube() throws {
    let s = 13
    let problem = try HelmholtzProblem(resolution: s, wavenumbers: 4...6, dimension: 3)
    XCTAssertEqual(problem.fieldShape, [s, s, s])
    XCTAssertEqual(problem.unknowns, 2 * s * s * s)
    // The generation benchmark's choice: GMRES with the shifted Laplacian on the cube, UMFPACK in 2D.
    XCTAssertEqual(problem.fastestSolver, .independent(.gmres))
    XCTAssertEqual(problem.fastestPreconditioner, .shiftedLaplacian)
    XCTAssertEqual(try HelmholtzProblem(resolution: s, wavenumbers: 4...6).fastestSolver, .independent(.umfpack))
    XCTAssertEqual(try HelmholtzProblem(resolution: s, wavenumbers: 4...6).fastestPreconditioner, .ilu)
    let k = problem.wavenumber(index: 1, seed: 3)
    let (re, im) = try problem.solve(wavenumber: k)
    let h = 1 / Double(s - 1), f = problem.source
    var input = 0.0, radiated = 0.0
    for i in 0..<s {
      for j in 0..<s {
        for l in 0..<s {
          let p = (i * s + j) * s + l
          let sides = [i, j, l].map { $0 == 0 || $0 == s - 1 }
          let volume = sides.reduce(1.0) { $0 * ($1 ? 0.5 : 1) }
          input += f[p] * volume * im[p]
          // A face on a side of axis a has area Π_{b≠a} (½ if on a side of b), in units of h².
          var faces = 0.0
          for a in 0..<3 where sides[a] {
            var area = 1.0
            for b in 0..<3 where b != a && sides[b] { area *= 0.5 }
            faces += area
          }
          radiated += k[p] * faces / h * (re[p] * re[p] + im[p] * im[p])
        }
      }
    }
    XCTAssertGreaterThan(radiated, 0)
    assertClose(input, radiated, rtol: 1e-8)
    // The source is the unit-integral bump at (0.3, 0.4, 0.5): its trapezoidal integral is 1.
    var total = 0.0
    for p in 0..<(s * s * s) {
      let sides = [p / (s * s), p / s % s, p % s].map { $0 == 0 || $0 == s - 1 }
      total += f[p] * sides.reduce(h * h * h) { $0 * ($1 ? 0.5 : 1) }
    }
    XCTAssertEqual(total, 1, accuracy: 0.02)
    let peak = f.indices.max { f[$0] < f[$1] }!
    let peakAt: [Double] = [peak / (s * s), peak / s % s, peak % s].map { Double($0) * h }
    for (x, centre) in zip(peakAt, [0.3, 0.4, 0.5]) { XCTAssertEqual(x, centre, accuracy: h / 2) }
  }

  /// On the cube at the family's default wavenumbers (8–16), where GMRES(40) with ILU(0) does
  /// not converge in 200 iterations, with the shifted-Laplacian cycle it reaches the UMFPACK
  /// solution in 74 (the grid is coarse: `k h` up to 1.2).
  /// The shift's sign matters: damping of the opposite sign to the radiation condition's makes
  /// a preconditioner that GMRES does not converge with in 200 iterations.
  func testShiftedLaplacianSolvesTheCubeAtHighWavenumbers() throws {
    let problem = try HelmholtzProblem(resolution: 17, dimension: 3)
    let k = problem.wavenumber(index: 0, seed: 5)
    XCTAssertGreaterThan(k.max() ?? 0, 8)
    var options = SolverOptions(rtol: 1e-8, restart: 40)
    options.maxIterations = 200
    func gmres(shift: Double) throws -> SystemSolution {
      let system = try problem.system(coefficient: k, shift: shift)
      XCTAssertEqual(system.shiftedLaplacian?.shift, shift)
      return try SystemSolver.solve(
        system.matrix, rightHandSide: system.rightHandSide, method: .gmres, options: options, preconditioner: .shiftedLaplacian,
        shiftedLaplacian: system.shiftedLaplacian)
    }
    let solved = try gmres(shift: ShiftedLaplacian.standardShift)
    XCTAssertTrue(solved.converged)
    XCTAssertLessThan(solved.iterations, 100)
    let (re, im) = try problem.solve(wavenumber: k)
    assertClose(solved.solution, zip(re, im).flatMap { [$0, $1] }, rtol: 1e-6)
    XCTAssertFalse(try gmres(shift: -ShiftedLaplacian.standardShift).converged)
    let system = try problem.system(coefficient: k)
    let ilu = try SystemSolver.solve(
      system.matrix, rightHandSide: system.rightHandSide, method: .gmres, options: options, preconditioner: .ilu)
    XCTAssertFalse(ilu.converged)
  }

  /// In 3D the solution converges at second order too: constant k = 4, the solutions at
  /// s = 9 and 17 against s = 33 (UMFPACK; compared at the points the grids share). Coarser
  /// grids do not resolve the source (width 0.05).
  func testCubeSelfConvergenceAtSecondOrder() throws {
    func field(_ s: Int) throws -> [Double] {
      let problem = try HelmholtzProblem(resolution: s, wavenumbers: 4...4, contrast: 0, dimension: 3)
      let (re, im) = try problem.solve(wavenumber: Array(repeating: 4, count: s * s * s))
      return zip(re, im).flatMap { [$0, $1] }
    }
    let reference = try field(33)
    var errors = [Double]()
    for s in [9, 17] {
      let u = try field(s), step = 32 / (s - 1)
      var error = 0.0
      for i in 0..<s {
        for j in 0..<s {
          for l in 0..<s {
            let (p, q) = ((i * s + j) * s + l, ((i * step) * 33 + j * step) * 33 + l * step)
            for c in 0..<2 { error = max(error, abs(u[2 * p + c] - reference[2 * q + c])) }
          }
        }
      }
      errors.append(error)
    }
    // Against a reference of finite resolution: (h² − h_ref²) shrinks by 5 (measured 4.55).
    XCTAssertEqual(log2(errors[0] / errors[1]), log2(5), accuracy: 0.4, "errors \(errors)")
  }

  /// For a constant wavenumber the solutions at s = 33, 65, 129 approach the s = 257 one at
  /// second order (compared at the points the grids share).
  func testSelfConvergenceAtSecondOrder() throws {
    func field(_ s: Int) throws -> [Double] {
      let problem = try HelmholtzProblem(resolution: s, wavenumbers: 10...10, contrast: 0)
      let (re, im) = try problem.solve(wavenumber: Array(repeating: 10, count: s * s))
      return zip(re, im).flatMap { [$0, $1] }
    }
    let reference = try field(257)
    var errors = [Double]()
    for s in [33, 65, 129] {
      let u = try field(s), step = 256 / (s - 1)
      var error = 0.0
      for i in 0..<s {
        for j in 0..<s {
          for c in 0..<2 { error = max(error, abs(u[2 * (i * s + j) + c] - reference[2 * ((i * step) * 257 + j * step) + c])) }
        }
      }
      errors.append(error)
    }
    // Against a reference of finite resolution the last ratio is 4·(1 − 1/16)/(1 − 1/4) = 5.
    XCTAssertEqual(log2(errors[0] / errors[1]), 2, accuracy: 0.35, "errors \(errors)")
    XCTAssertEqual(log2(errors[1] / errors[2]), log2(5), accuracy: 0.35, "errors \(errors)")
  }

  /// numpy reads the complex64 solution file, and the dataset loads as two channels.
  func testDatasetFilesAreComplex64AndLoadAsTwoChannels() throws {
    let directory = temporaryDirectory("helmholtz").path
    _ = try SystemDatasetGenerator(
      problem: HelmholtzProblem(resolution: 9), samples: 3, seed: 2, solver: .independent(.umfpack), preconditioner: .none
    ).generate(in: directory)
    let python = try runPython(
      """
      import numpy as np
      u = np.load('\(directory)/sol.npy'); k = np.load('\(directory)/coeff.npy')
      print(u.dtype, u.shape, k.dtype, np.iscomplexobj(u) and abs(u.imag).max() > 0)
      """)
    XCTAssertEqual(python, "complex64 (3, 9, 9) float32 True")
    let raw = try NumpyArray(contentsOf: directory + "/sol.npy")
    XCTAssertEqual(raw.values.count, 2 * 3 * 81)
    let data = try OperatorDataset(directory: directory)
    XCTAssertEqual(data.outputs.shape, [3, 2, 9, 9])
    XCTAssertEqual(data.inputs.shape, [3, 1, 9, 9])
    // Sample 1, point 5: channel 0 is the real part, channel 1 the imaginary part.
    let (realIndex, imaginaryIndex, stored): (Int, Int, Int) = (2 * 81 + 5, 3 * 81 + 5, 2 * (81 + 5))
    XCTAssertEqual(data.outputs.scalars[realIndex], Float(raw.values[stored]))
    XCTAssertEqual(data.outputs.scalars[imaginaryIndex], Float(raw.values[stored + 1]))
  }

  /// The waveguide's electric field at s = 33, 65, 129 approaches the s = 257 one at second
  /// order (constant k = 10, shared points), and its tangential part `E_x` is exactly zero on
  /// the plates `y = 0, 1` while `E_y` is not.
  func testWaveguideFieldConvergesAndIsTangentialFreeOnThePlates() throws {
    func field(_ s: Int) throws -> (x: [Double], y: [Double]) {
      let problem = try WaveguideProblem(resolution: s, wavenumbers: 10...10, contrast: 0)
      return try problem.electricField(frequency: 10, wavenumber: Array(repeating: 10, count: s * s))
    }
    let reference = try field(257)
    var errors = [Double]()
    for s in [33, 65, 129] {
      let e = try field(s), step = 256 / (s - 1)
      var error = 0.0
      for i in 0..<s {
        for j in 0..<s {
          let (p, q) = (i * s + j, (i * step) * 257 + j * step)
          for c in 0..<2 {
            error = max(error, abs(e.x[2 * p + c] - reference.x[2 * q + c]), abs(e.y[2 * p + c] - reference.y[2 * q + c]))
          }
        }
        for j in [0, s - 1] {
          XCTAssertEqual([e.x[2 * (i * s + j)], e.x[2 * (i * s + j) + 1]], [0, 0], "E_x at (\(i), \(j))")
        }
      }
      errors.append(error)
    }
    let ends = [0, 128, 256].map { i in hypot(reference.y[2 * (i * 257)], reference.y[2 * (i * 257) + 1]) }
    XCTAssertGreaterThan(ends.max()!, 1e-3, "E_y on the plates")
    XCTAssertEqual(log2(errors[0] / errors[1]), 2, accuracy: 0.35, "errors \(errors)")
    XCTAssertEqual(log2(errors[1] / errors[2]), log2(5), accuracy: 0.35, "errors \(errors)")
  }

  /// Ampère's law on the plates' normal: `E_y = −(i/ω) ∂_x H`, so at the open ends, where
  /// `∂_x H = ±ikH`, `E_y = ±(k/ω) H` — checked against the magnetic field itself.
  func testWaveguideFieldAtTheOpenEndsFollowsTheImpedanceCondition() throws {
    let s = 17
    let problem = try WaveguideProblem(resolution: s)
    let (omega, k) = problem.magnetic.medium(index: 3, seed: 1)
    let (re, im) = try problem.magnetic.solve(wavenumber: k)
    let e = try problem.electricField(frequency: omega, wavenumber: k)
    for j in 0..<s {
      for (i, sign) in [(0, -1.0), (s - 1, 1.0)] {
        let p = i * s + j
        assertClose(e.y[2 * p], sign * k[p] / omega * re[p], atol: 1e-12)
        assertClose(e.y[2 * p + 1], sign * k[p] / omega * im[p], atol: 1e-12)
      }
    }
  }

  /// numpy reads the waveguide's field as `(N, 2, s, s)` complex64; the dataset loads it as
  /// four channels (Re E_x, Im E_x, Re E_y, Im E_y); `meta.json` names the conducting walls.
  func testWaveguideDatasetStoresTwoComplexComponents() throws {
    let directory = temporaryDirectory("waveguide").path
    _ = try SystemDatasetGenerator(
      problem: WaveguideProblem(resolution: 9), samples: 3, seed: 2, solver: .independent(.umfpack), preconditioner: .none
    ).generate(in: directory)
    let python = try runPython(
      """
      import numpy as np, json
      E = np.load('\(directory)/sol.npy'); meta = json.load(open('\(directory)/meta.json'))
      print(E.dtype, E.shape, abs(E[:, 0, :, [0, -1]]).max(), abs(E[:, 0]).max() > 0, meta['geometry'], meta['conducting_walls'])
      """)
    XCTAssertEqual(python, "complex64 (3, 2, 9, 9) 0.0 True waveguide ['y']")
    let raw = try NumpyArray(contentsOf: directory + "/sol.npy")
    let data = try OperatorDataset(directory: directory)
    XCTAssertEqual(data.outputs.shape, [3, 4, 9, 9])
    // Sample 2, component y (1), point 40: channels 2 and 3 hold its real and imaginary part.
    let stored = 2 * ((2 * 2 + 1) * 81 + 40)
    XCTAssertEqual(data.outputs.scalars[(2 * 4 + 2) * 81 + 40], Float(raw.values[stored]))
    XCTAssertEqual(data.outputs.scalars[(2 * 4 + 3) * 81 + 40], Float(raw.values[stored + 1]))
  }
}
