import Foundation
import PDEData
import Tensors
import TestSupport
import Training
import XCTest

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
    try HelmholtzDatasetGenerator(resolution: 9, samples: 3, seed: 2).generate(in: directory)
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
}
