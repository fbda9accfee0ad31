import Datasets
import Foundation
import PDEData
import Spectral
import Tensors
import TestSupport
import XCTest

/// The pseudo-spectral time steppers against exact solutions, their invariants, the initial
/// fields' spectra, and the FNO data script transcribed in NumPy.
final class TimeDependentTests: XCTestCase {
  /// Viscous Burgers against Cole–Hopf: `φ = a + b e^{−4π²νt} cos 2πx` solves the heat
  /// equation, so `u = −2ν φ_x / φ` solves Burgers; ETDRK4 converges at fourth order in Δt.
  func testBurgersMatchesColeHopfAtFourthOrder() throws {
    let (nu, a, b, n, time) = (0.1, 2.0, 1.0, 128, 0.25)
    func exact(_ t: Double) -> [Double] {
      let decay = b * Foundation.exp(-4 * .pi * .pi * nu * t)
      return (0..<n).map { j in
        let x = 2 * Double.pi * Double(j) / Double(n)
        return 4 * .pi * nu * decay * sin(x) / (a + decay * cos(x))
      }
    }
    var errors = [Double]()
    for steps in [4, 8, 16] {
      let problem = try BurgersProblem(
        viscosity: nu, resolution: n, solverResolution: n, time: time, record: 1, timeStep: time / Double(steps))
      let u = try XCTUnwrap(try problem.solve(exact(0)).last)
      errors.append(zip(u, exact(time)).map { abs($0 - $1) }.max()!)
    }
    XCTAssertEqual(log2(errors[0] / errors[1]), 4, accuracy: 0.6, "errors \(errors)")
    XCTAssertEqual(log2(errors[1] / errors[2]), 4, accuracy: 0.6, "errors \(errors)")
    let fine = try BurgersProblem(viscosity: nu, resolution: n, solverResolution: n, time: time, record: 2)
    let snapshots = try fine.solve(exact(0))
    XCTAssertEqual(fine.snapshotTimes, [0.125, 0.25])
    XCTAssertLessThan(zip(snapshots[0], exact(0.125)).map { abs($0 - $1) }.max()!, 1e-9)
    XCTAssertLessThan(zip(snapshots[1], exact(0.25)).map { abs($0 - $1) }.max()!, 1e-9)
  }

  /// The Taylor–Green vortex `w = sin 2πx sin 2πy` carries no advection (`ψ ∝ w`), so unforced
  /// it decays as `e^{−8π²νt}`; Crank–Nicolson reproduces that at second order in Δt.
  func testNavierStokesDecaysTheTaylorGreenVortexAtSecondOrder() throws {
    let (nu, n, time) = (0.05, 16, 1.0)
    let w0 = (0..<(n * n)).map { p in sin(2 * .pi * Double(p / n) / Double(n)) * sin(2 * .pi * Double(p % n) / Double(n)) }
    var errors = [Double]()
    for dt in [0.1, 0.05, 0.025] {
      let problem = try NavierStokesProblem(
        viscosity: nu, resolution: n, solverResolution: n, time: time, recordEvery: time, timeStep: dt, forced: false)
      let w = try XCTUnwrap(try problem.solve(w0).last)
      let decay = Foundation.exp(-8 * .pi * .pi * nu * time)
      errors.append(zip(w, w0).map { abs($0 - decay * $1) }.max()!)
    }
    XCTAssertEqual(log2(errors[0] / errors[1]), 2, accuracy: 0.15, "errors \(errors)")
    XCTAssertEqual(log2(errors[1] / errors[2]), 2, accuracy: 0.15, "errors \(errors)")
  }

  /// Mean vorticity is conserved (the forcing has mean zero); without forcing the enstrophy
  /// `Σ w²` and the kinetic energy only decay; with it, the flow stays finite and moves.
  func testNavierStokesConservesTheMeanAndDissipatesWithoutForcing() throws {
    for forced in [false, true] {
      let problem = try NavierStokesProblem(
        viscosity: 1e-3, resolution: 32, solverResolution: 32, time: 1, recordEvery: 0.25, timeStep: 2e-3, forced: forced)
      let w0 = problem.initialCondition(index: 3, seed: 1)
      let snapshots = try problem.solve(w0)
      XCTAssertEqual(snapshots.count, 4)
      let scale = w0.map(abs).max()!
      for w in snapshots { XCTAssertLessThan(abs(w.reduce(0, +) / Double(w.count)), 1e-12 * scale, "forced \(forced)") }
      let enstrophy = ([w0] + snapshots).map { $0.reduce(0) { $0 + $1 * $1 } }
      // Kinetic energy Σ|û|² = Σ_k |ŵ_k|² / (4π²|k|²) over the full spectrum (the half spectrum,
      // its inner columns counted twice).
      let energy = try ([w0] + snapshots).map { w -> Double in
        let spectrum = try RealFFT.forward(w, sizes: [32, 32])
        var total = 0.0
        for i in 0..<32 {
          for j in 0..<17 where i != 0 || j != 0 {
            let (ki, kj) = (Double(i < 16 ? i : i - 32), Double(j))
            let p = i * 17 + j, weight = j == 0 || j == 16 ? 1.0 : 2.0
            total += weight * (spectrum[2 * p] * spectrum[2 * p] + spectrum[2 * p + 1] * spectrum[2 * p + 1]) / (4 * .pi * .pi * (ki * ki + kj * kj))
          }
        }
        return total
      }
      if !forced {
        for (earlier, later) in zip(enstrophy, enstrophy.dropFirst()) { XCTAssertLessThan(later, earlier, "enstrophy") }
        for (earlier, later) in zip(energy, energy.dropFirst()) { XCTAssertLessThan(later, earlier, "energy") }
      }
      XCTAssertGreaterThan(zip(snapshots.last!, w0).map { abs($0 - $1) }.max()!, 0.01 * scale, "the flow evolves")
    }
  }

  /// The initial fields' Fourier modes have the variance their definition gives:
  /// `E|Û_k|² = 2 (n^d σ (4π²|k|² + τ²)^{−α/2})²`, estimated from 400 samples per dimension.
  func testPeriodicFieldSpectraMatchTheirDefinition() throws {
    for (field, modes) in [
      (PeriodicRandomField(size: 32, dimension: 1, alpha: 2, tau: 5, sigma: 25), [[1], [2], [5]]),
      (PeriodicRandomField(size: 16, dimension: 2, alpha: 2.5, tau: 7), [[1, 0], [0, 1], [1, 2], [3, 1]]),
    ] {
      let n = field.size, half = n / 2 + 1
      let shape = Array(repeating: n, count: field.dimension)
      var generator = SplitMix64(seed: 42)
      var power = [Double](repeating: 0, count: modes.count)
      for _ in 0..<400 {
        let u = field.sample(using: &generator)
        XCTAssertEqual(abs(u.reduce(0, +)), 0, accuracy: 1e-9, "mean zero")
        let spectrum = try RealFFT.forward(u, sizes: shape)
        for (m, k) in modes.enumerated() {
          let index = field.dimension == 1 ? k[0] : k[0] * half + k[1]
          power[m] += (spectrum[2 * index] * spectrum[2 * index] + spectrum[2 * index + 1] * spectrum[2 * index + 1]) / 400
        }
      }
      for (m, k) in modes.enumerated() {
        let expected = 2 * pow(field.modeDeviation(k), 2)
        XCTAssertEqual(power[m] / expected, 1, accuracy: 0.2, "mode \(k) of the \(field.dimension)D field")
      }
    }
  }

  /// The generated trajectories equal the NumPy transcription of the FNO data script
  /// (`bench/ns_reference.py`, after `ns_2d.py`) run on the same initial vorticity and forcing,
  /// to 1e-6 relative.
  func testNavierStokesAgreesWithTheFNOScriptInNumPy() throws {
    let directory = temporaryDirectory("ns-reference").path
    let problem = try NavierStokesProblem(
      viscosity: 1e-3, resolution: 32, solverResolution: 32, time: 0.2, recordEvery: 0.1, timeStep: 1e-3)
    let w0 = problem.initialCondition(index: 0, seed: 7)
    let ours = try problem.solve(w0)
    try NumpyArray(shape: [32, 32], values: w0).write(to: directory + "/w0.npy")
    try NumpyArray(shape: [2, 32, 32], values: ours.flatMap { $0 }).write(to: directory + "/ours.npy")
    let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("bench").path
    let result = try runPython(
      """
      import sys, numpy as np
      sys.path.insert(0, '\(bench)')
      from ns_reference import step_all, forcing
      w0 = np.load('\(directory)/w0.npy')
      ref = step_all(w0, forcing(w0.shape[-1]), 1e-3, 1e-3, 200, record_steps=2); ours = np.load('\(directory)/ours.npy')
      print(np.abs(ours - ref).max() / np.abs(ref).max(), np.abs(ref - w0).max() / np.abs(w0).max())
      """)
    let numbers = result.split(separator: " ").compactMap { Double($0) }
    XCTAssertEqual(numbers.count, 2, result)
    XCTAssertLessThan(numbers[0], 1e-6, "relative difference to the NumPy transcription")
    XCTAssertGreaterThan(numbers[1], 1e-3, "the flow moved over the run")
  }

  /// Trajectory datasets: inputs `(N, s)`/`(N, s, s)`, outputs with time second, `meta.json`
  /// with the snapshot times; a deleted shard is recomputed bit for bit.
  func testTrajectoryDatasetsAreWrittenAndResume() throws {
    let directory = temporaryDirectory("trajectories")
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let burgers = try BurgersProblem(resolution: 32, solverResolution: 128, time: 0.5, record: 2)
    _ = try TrajectoryDatasetGenerator(problem: burgers, samples: 5, seed: 3, shardSize: 2).generate(in: path("burgers"))
    let ns = try NavierStokesProblem(resolution: 16, solverResolution: 32, time: 0.2, recordEvery: 0.1, timeStep: 2e-3)
    let generator = try TrajectoryDatasetGenerator(problem: ns, samples: 3, seed: 4, shardSize: 2)
    _ = try generator.generate(in: path("ns"))
    let u = try NumpyArray(contentsOf: path("ns/sol.npy"))
    XCTAssertEqual(u.shape, [3, 2, 16, 16])
    XCTAssertEqual(try NumpyArray(contentsOf: path("ns/coeff.npy")).shape, [3, 16, 16])
    XCTAssertEqual(try NumpyArray(contentsOf: path("burgers/sol.npy")).shape, [5, 2, 32])
    let meta = try XCTUnwrap(try DatasetDirectory(path("ns")).metadata())
    XCTAssertEqual(meta.family, .navierStokes)
    XCTAssertEqual(meta.times?.count, 2)
    XCTAssertEqual(meta.times?[1] ?? 0, 0.2, accuracy: 1e-12)
    try FileManager.default.removeItem(atPath: path("ns/shards/stats-00001.json"))
    let resumed = try generator.generate(in: path("ns"))
    XCTAssertEqual(resumed.solvedNow, 1)
    XCTAssertEqual(try NumpyArray(contentsOf: path("ns/sol.npy")).values, u.values)
  }
}
