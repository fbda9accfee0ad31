import Foundation
import OperatorKit

/// The measurements behind `opkit bench`; every figure is a median over repeated runs, next to
/// a baseline measured in the same process.
struct BenchmarkSuite {
  let size: Int
  let repeats: Int
  let methods: [SolveMethod]
  let json: Bool

  struct MethodRow: Encodable {
    let method: String
    let iterations: Int
    let setupSeconds: Double
    let solveSeconds: Double
    let totalSeconds: Double
    let relativeResidual: Double
    let converged: Bool
    enum CodingKeys: String, CodingKey {
      case method, iterations, converged
      case setupSeconds = "setup_seconds", solveSeconds = "solve_seconds", totalSeconds = "total_seconds"
      case relativeResidual = "relative_residual"
    }
  }

  struct Report: Encodable {
    let unknowns: Int
    let threads: Int
    let triadGBs: Double
    let spmvGBs: Double
    let spmvToTriad: Double
    let solves: [MethodRow]
    enum CodingKeys: String, CodingKey {
      case unknowns, threads, solves
      case triadGBs = "stream_triad_gb_per_s", spmvGBs = "spmv_gb_per_s", spmvToTriad = "spmv_to_triad_ratio"
    }
  }

  func run() throws -> Report {
    let log: (String) -> Void = { line in if !json { print(line) } }
    let grid = try UniformGrid(cellCounts: [size + 1, size + 1])
    let system = try GridSystem.diffusion(grid: grid)
    let a = CSRMatrix(system.matrix)
    log("2D Poisson \(size)x\(size): \(a.rowCount) unknowns, \(a.nonzeroCount) nonzeros, \(Parallel.workerCount) worker(s)")

    // Bandwidth: STREAM triad on arrays far larger than cache, then SpMV on the Poisson matrix.
    let triad = median(MemoryBandwidth.triad(count: 1 << 24, repeats: max(5, repeats)))
    var y = [Double](repeating: 0, count: a.rowCount)
    let x = [Double](repeating: 1, count: a.columnCount)
    var spmvRates = [Double]()
    for _ in 0..<max(5, repeats) {
      let start = ContinuousClock.now
      let inner = 10
      x.withUnsafeBufferPointer { xb in
        y.withUnsafeMutableBufferPointer { yb in for _ in 0..<inner { a.multiply(xb, into: yb) } }
      }
      spmvRates.append(Double(inner * a.spmvTrafficBytes) / (ContinuousClock.now - start).seconds)
    }
    let spmv = median(spmvRates)
    log(
      String(
        format: "STREAM triad %.2f GB/s; SpMV %.2f GB/s; ratio %.2f (medians of %d)", triad / 1e9, spmv / 1e9, spmv / triad, max(5, repeats)
      ))

    var rows = [MethodRow]()
    log("method        iterations   setup [s]   solve [s]   total [s]   rel. residual")
    for method in methods {
      var runs = [SystemSolution]()
      for _ in 0..<repeats {
        runs.append(try SystemSolver.solve(a, rightHandSide: system.rightHandSide, method: method, layout: system.layout))
      }
      let row = MethodRow(
        method: method.rawValue, iterations: runs[0].iterations,
        setupSeconds: median(runs.map(\.setupSeconds)), solveSeconds: median(runs.map(\.solveSeconds)),
        totalSeconds: median(runs.map { $0.setupSeconds + $0.solveSeconds }),
        relativeResidual: runs.map(\.relativeResidual).max() ?? .nan, converged: runs.allSatisfy(\.converged))
      rows.append(row)
      let figures = String(
        format: "%10d  %10.3f  %10.3f  %10.3f   %.2e", row.iterations, row.setupSeconds, row.solveSeconds, row.totalSeconds,
        row.relativeResidual)
      log(row.method.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + figures + (row.converged ? "" : "  NOT CONVERGED"))
    }
    return Report(
      unknowns: a.rowCount, threads: Parallel.workerCount, triadGBs: triad / 1e9, spmvGBs: spmv / 1e9, spmvToTriad: spmv / triad,
      solves: rows)
  }
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
  let s = values.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}
