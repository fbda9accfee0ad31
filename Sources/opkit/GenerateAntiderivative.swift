import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate antiderivative`: the DeepONet paper's first operator.
struct GenerateAntiderivative: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "antiderivative",
    abstract: "u ↦ ∫₀ˣ u on [0, 1], u a Gaussian process with RBF covariance (length scale 0.2).",
    discussion: """
      Writes DIR/coeff.npy (u, (N, m) on linspace(0, 1, m)), DIR/sol.npy (its antiderivative, \
      (N, q) on linspace(0, 1, q)), float32, and DIR/meta.json. u is piecewise linear between the points, so the \
      antiderivative is exact. Samples depend only on (seed, index).
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Sensors m: points of linspace(0, 1, m) where u is given.") var points: Int = 100
  @Option(help: "Query points q of the antiderivative (default: the sensors; 1 with --random-queries).") var queryPoints: Int?

  @Flag(help: "Observe each function at its own uniform random query points (unaligned data; writes DIR/queries.npy).")
  var randomQueries = false

  @Option(help: "Number of samples.") var samples: Int = 1000
  @Option(help: "Correlation length of the RBF kernel.") var lengthScale: Double = 0.2
  @Option(help: "Output dataset directory.") var out: String

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
    // Seconds of work: under mpirun rank 0 alone generates (the others would write the same files).
    guard Communicator.world.isRoot else { return }
    try generator.generate(in: out)
    if let png {
      let series = (0..<min(3, samples)).flatMap { i -> [LineChart.Series] in
        // The input (solid) and, when on the same grid, its antiderivative (dashed), one colour per sample.
        let (u, _, s) = generator.sample(index: i)
        let colour = Colour.cycle[i % Colour.cycle.count]
        return [.init(values: u, label: "u, sample \(i)", colour: colour)]
          + (generator.queryPoints == points && !randomQueries
            ? [.init(values: s, label: "∫u, sample \(i)", colour: colour, dashed: true)] : [])
      }
      let x = (0..<points).map { Double($0) / Double(max(1, points - 1)) }
      try LineChart(series, title: "Antiderivative samples", xLabel: "x", yLabel: "value", x: x).write(to: png)
    }
    if global.json {
      print(try jsonLine(["samples": samples, "points": points], snakeCaseKeys: true))
    } else {
      print("\(samples) antiderivative samples on \(points) points; wrote \(out)/coeff.npy, sol.npy, meta.json")
    }
  }
}
