import Foundation
import Krylov
import PDEData
import Sparse
import Tensors
import TestSupport
import XCTest

/// The thermal and Helmholtz families of `opkit generate` through the shared generator.
final class SystemFamilyTests: XCTestCase {
  private let directory = temporaryDirectory("families")

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// With κ = 1 the initial temperature sin(πx)sin(πy) is an eigenfunction, so the exact
  /// backward-Euler step is u₀/(1 + 2π²Δt); the discrete step converges to it at second order.
  func testThermalStepConvergesAtSecondOrder() throws {
    var errors = [Double]()
    for s in [17, 33, 65] {
      let problem = try ThermalProblem(resolution: s, timeStep: 0.01)
      let system = try problem.system(coefficient: [Double](repeating: 1, count: s * s))
      XCTAssertNil(system.matrix.firstAsymmetry(tolerance: 1e-12))
      let u = problem.fullField(unknowns: try LUFactorization(system.matrix).solve(system.rightHandSide))
      let exact = problem.initialTemperature.map { $0 / (1 + 2 * .pi * .pi * 0.01) }
      errors.append(zip(u, exact).map { abs($0 - $1) }.max()!)
    }
    for k in 1..<errors.count { XCTAssertEqual(log2(errors[k - 1] / errors[k]), 2, accuracy: 0.15, "\(errors)") }
  }

  /// The Poisson family's discretization converges at second order to the manufactured
  /// solution sin(πx)sin(πy) (f = 2π² sin(πx)sin(πy)); its datasets from SKR and recycled CG agree
  /// with CHOLMOD, and its systems share one matrix.
  func testPoissonFamilyConvergesAndAgreesAcrossSolvers() throws {
    var errors = [Double]()
    for s in [17, 33, 65] {
      let problem = try PoissonSourceProblem(resolution: s)
      let h = 1 / Double(s - 1)
      let exact = (0..<(s * s)).map { p in sin(.pi * Double(p / s) * h) * sin(.pi * Double(p % s) * h) }
      let system = try problem.system(coefficient: exact.map { 2 * .pi * .pi * $0 })
      let u = problem.fullField(unknowns: try CholeskyFactorization(system.matrix).solve(system.rightHandSide))
      errors.append(zip(u, exact).map { abs($0 - $1) }.max()!)
    }
    for k in 1..<errors.count { XCTAssertEqual(log2(errors[k - 1] / errors[k]), 2, accuracy: 0.15, "\(errors)") }
    let problem = try PoissonSourceProblem(resolution: 20)
    let (first, second) = (
      try problem.system(coefficient: problem.coefficient(index: 0, seed: 1)),
      try problem.system(coefficient: problem.coefficient(index: 1, seed: 1))
    )
    XCTAssertEqual(first.matrix.values, second.matrix.values)
    XCTAssertNotEqual(first.rightHandSide, second.rightHandSide)
    var solutions = [String: [Double]]()
    for solver in [DatasetSolver.independent(.cholmod), .recycling, .recycledCG] {
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: 8, seed: 1, solver: solver, preconditioner: .ic, rtol: 1e-10, shardSize: 3)
      _ = try generator.generate(in: path("poisson-\(solver.name)"))
      solutions[solver.name] = try NumpyArray(contentsOf: path("poisson-\(solver.name)/sol.npy")).values
    }
    let reference = solutions["cholmod"]!, scale = reference.map(abs).max()!
    for (name, u) in solutions { XCTAssertLessThan(zip(u, reference).map { abs($0 - $1) }.max()! / scale, 1e-6, name) }
  }

  /// The conductivity is smooth and positive with the GRF's spread; datasets from recycled CG,
  /// SKR and multigrid PCG agree with CHOLMOD to the tolerance, with the family in meta.json.
  func testThermalDatasetsAgreeAcrossSolvers() throws {
    let problem = try ThermalProblem(resolution: 20)
    let kappa = problem.coefficient(index: 0, seed: 3)
    XCTAssertTrue(kappa.allSatisfy { $0 > 0 })
    XCTAssertGreaterThan(kappa.max()! / kappa.min()!, 1.2)
    var solutions = [String: [Double]]()
    for solver in [DatasetSolver.independent(.cholmod), .recycledCG, .recycling, .independent(.pcgMultigrid)] {
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: 9, seed: 3, solver: solver, preconditioner: .ic, rtol: 1e-10, shardSize: 4)
      let summary = try generator.generate(in: path("thermal-\(solver.name)"))
      XCTAssertLessThanOrEqual(summary.maxRelativeResidual, 1.01e-10, solver.name)
      solutions[solver.name] = try NumpyArray(contentsOf: path("thermal-\(solver.name)/sol.npy")).values
    }
    let reference = solutions["cholmod"]!
    let scale = reference.map(abs).max()!
    XCTAssertGreaterThan(scale, 0.1)
    for (name, u) in solutions { XCTAssertLessThan(zip(u, reference).map { abs($0 - $1) }.max()! / scale, 1e-6, name) }
    let meta =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("thermal-rcg/meta.json")))) as? [String: Any]
    XCTAssertEqual(meta?["family"] as? String, "thermal")
    XCTAssertEqual(meta?["preconditioner"] as? String, "ic")
    XCTAssertEqual((meta?["parameters"] as? [String: Double])?["time_step"], 0.01)
  }

  /// Helmholtz through the shared generator: SKR and GMRES with ILU(0) agree with UMFPACK, and
  /// UMFPACK's dataset is the field `HelmholtzProblem.solve` gives (complex64 u); SPD-only solvers
  /// and IC(0) are refused with the reason.
  func testHelmholtzDatasetsAgreeAndRefuseSPDSolvers() throws {
    let problem = try HelmholtzProblem(resolution: 16, wavenumbers: 2...6)
    var solutions = [String: [Double]]()
    for solver in [DatasetSolver.independent(.umfpack), .recycling, .independent(.gmres)] {
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: 6, seed: 2, solver: solver, preconditioner: .ilu, rtol: 1e-10, shardSize: 4)
      let summary = try generator.generate(in: path("helmholtz-\(solver.name)"))
      XCTAssertLessThanOrEqual(summary.maxRelativeResidual, 1.01e-10, solver.name)
      let u = try NumpyArray(contentsOf: path("helmholtz-\(solver.name)/sol.npy"))
      XCTAssertEqual(u.shape, [6, 16, 16])
      XCTAssertEqual(u.dtype, .complex64)
      solutions[solver.name] = u.values
    }
    let reference = solutions["umfpack"]!
    let scale = reference.map(abs).max()!
    for (name, u) in solutions { XCTAssertLessThan(zip(u, reference).map { abs($0 - $1) }.max()! / scale, 1e-6, name) }
    // UMFPACK's dataset is the field HelmholtzProblem.solve gives sample by sample.
    let (re, im) = try problem.solve(wavenumber: problem.coefficient(index: 5, seed: 2), sample: 5)
    let direct = (0..<256).flatMap { [re[$0], im[$0]] }
    XCTAssertLessThan(zip(direct, reference[(5 * 512)...]).map { abs($0 - $1) }.max()! / scale, 1e-6)
    XCTAssertThrowsError(
      try SystemDatasetGenerator(problem: problem, samples: 2, seed: 0, solver: .independent(.cholmod), preconditioner: .ilu)
    ) { XCTAssertTrue("\($0)".contains("not symmetric positive definite"), "\($0)") }
    XCTAssertThrowsError(try SystemDatasetGenerator(problem: problem, samples: 2, seed: 0, solver: .recycling, preconditioner: .ic)) {
      XCTAssertTrue("\($0)".contains("IC(0)"), "\($0)")
    }
    XCTAssertThrowsError(try SystemDatasetGenerator(problem: problem, samples: 2, seed: 0, solver: .recycling, preconditioner: .multigrid))
  }
}

/// The 3D variants of the Darcy and thermal families.
final class SystemFamily3DTests: XCTestCase {
  private let directory = temporaryDirectory("families-3d")

  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// In 3D the exact backward-Euler step of u₀ = Π sin(πx_a) with κ = 1 is u₀/(1 + 3π²Δt); the
  /// discrete step converges to it at second order.
  func testThermalStepConvergesAtSecondOrderIn3D() throws {
    var errors = [Double]()
    for s in [9, 17, 33] {
      let problem = try ThermalProblem(resolution: s, timeStep: 0.01, dimension: 3)
      XCTAssertEqual(problem.fieldShape, [s, s, s])
      let system = try problem.system(coefficient: [Double](repeating: 1, count: s * s * s))
      let u = problem.fullField(unknowns: try CholeskyFactorization(system.matrix).solve(system.rightHandSide))
      let exact = problem.initialTemperature.map { $0 / (1 + 3 * .pi * .pi * 0.01) }
      errors.append(zip(u, exact).map { abs($0 - $1) }.max()!)
    }
    for k in 1..<errors.count { XCTAssertEqual(log2(errors[k - 1] / errors[k]), 2, accuracy: 0.2, "\(errors)") }
  }

  /// The 3D sampler's spectrum: scipy's orthonormal 3D DCT of our samples has mean squared
  /// coefficients `(s^{3/2} · τ^{α−1}(π²|k|² + τ²)^{−α/2})²`, and a zero mean mode.
  func testRandomFieldSpectrumIn3D() throws {
    let field = GaussianRandomField(size: 10, dimension: 3)
    var generator = SplitMix64(seed: 4)
    let count = 300
    var values = [Double]()
    for _ in 0..<count { values += field.sample(using: &generator) }
    try NumpyArray(shape: [count, 10, 10, 10], values: values).write(to: path("grf3.npy"))
    let modes = [(1, 0, 0), (0, 0, 1), (1, 1, 2), (3, 0, 2)]
    let measured = try runPython(
      """
      import numpy as np
      from scipy.fft import dctn
      c = dctn(np.load('\(path("grf3.npy"))'), axes=(1, 2, 3), norm='ortho')
      print(' '.join(str((c[:, a, b, d] ** 2).mean()) for a, b, d in \(modes.map { [$0.0, $0.1, $0.2] })), abs(c[:, 0, 0, 0]).max())
      """
    ).split(separator: " ").compactMap { Double($0) }
    XCTAssertEqual(measured.count, modes.count + 1)
    for (i, (a, b, d)) in modes.enumerated() {
      XCTAssertEqual(measured[i] / pow(pow(10, 1.5) * field.modeScale(a, b, d), 2), 1, accuracy: 0.25, "mode (\(a), \(b), \(d))")
    }
    XCTAssertLessThan(measured.last ?? 1, 1e-10)
  }

  /// 3D Darcy datasets `(N, s, s, s)`: multigrid PCG and SKR agree with CHOLMOD; the coefficient
  /// takes only the values 3 and 12; 3D is refused for the other boundaries.
  func testDarcyIn3DAgreesAcrossSolvers() throws {
    let problem = try DarcyProblem(resolution: 12, dimension: 3)
    var solutions = [String: [Double]]()
    for solver in [DatasetSolver.independent(.cholmod), .independent(.pcgMultigrid), .recycling] {
      let generator = try SystemDatasetGenerator(
        problem: problem, samples: 5, seed: 1, solver: solver, preconditioner: .ic, rtol: 1e-10, shardSize: 2)
      _ = try generator.generate(in: path("darcy3-\(solver.name)"))
      let u = try NumpyArray(contentsOf: path("darcy3-\(solver.name)/sol.npy"))
      XCTAssertEqual(u.shape, [5, 12, 12, 12])
      solutions[solver.name] = u.values
    }
    let reference = solutions["cholmod"]!, scale = reference.map(abs).max()!
    for (name, u) in solutions { XCTAssertLessThan(zip(u, reference).map { abs($0 - $1) }.max()! / scale, 1e-6, name) }
    XCTAssertEqual(Set(try NumpyArray(contentsOf: path("darcy3-cholmod/coeff.npy")).values), [3, 12])
    XCTAssertThrowsError(try DarcyProblem(resolution: 12, boundary: .periodic, dimension: 3))
  }
}
