import Datasets
import Foundation
import Tensors

/// The antiderivative operator `u ↦ s`, `s(x) = ∫₀ˣ u(t) dt` on `[0, 1]` — the DeepONet paper's
/// first example — as a dataset: `coeff.npy` holds `u` on the `m` sensors `linspace(0, 1, m)`
/// and `sol.npy` holds `s` on `q` query points `linspace(0, 1, q)` (`q = m` by default), both
/// float32, and `meta.json` the parameters. Fewer query points than sensors give the same number
/// of training triples from more input functions. With `randomQueries: P` every function is
/// observed at its own `P` uniform random points instead (unaligned data, the DeepONet paper's
/// setting): `queries.npy` `(N, P)` holds them and `sol.npy` `(N, P)` the values there.
///
/// Inputs are ``SquaredExponentialProcess`` samples read as piecewise linear between the
/// points, so the trapezoidal rule gives their antiderivative exactly. Sample `i` depends only
/// on `(seed, i)`.
public struct AntiderivativeDatasetGenerator: Sendable {
  /// The input-function sampler (its `points` are the sensors and the query grid).
  public let process: SquaredExponentialProcess
  /// Number of samples.
  public let samples: Int
  /// The dataset seed.
  public let seed: UInt64
  /// Query points `q` of the antiderivative (per function when random).
  public let queryPoints: Int
  /// Whether each function has its own uniform random query points.
  public let randomQueries: Bool

  /// A generator of `samples ≥ 1` pairs on `points` sensors, the antiderivative at `queryPoints`
  /// points (default: the sensors).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a bad count, point number or length.
  /// With `randomQueries`, `queryPoints` random points per function (default 1).
  public init(
    points: Int = 100, queryPoints: Int? = nil, randomQueries: Bool = false, samples: Int, seed: UInt64, lengthScale: Double = 0.2
  ) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    guard (queryPoints ?? 2) >= (randomQueries ? 1 : 2) else {
      throw DatasetError.invalidParameter("query points must be at least \(randomQueries ? 1 : 2), got \(queryPoints!)")
    }
    // The sampler factors the points' covariance matrix (points² doubles); the dataset is held
    // in memory (inputs, outputs and query points as doubles).
    try requireMemory(fields: 1, of: [points, points], what: "an input process on \(points) points")
    try requireMemory(fields: 3, of: [samples, max(points, queryPoints ?? 1)], what: "\(samples) samples on \(points) points")
    self.queryPoints = queryPoints ?? (randomQueries ? 1 : points)
    self.randomQueries = randomQueries
    process = try SquaredExponentialProcess(points: points, lengthScale: lengthScale)
    self.samples = samples
    self.seed = seed
  }

  /// Input function `index` at the sensors, its query points and its antiderivative there.
  public func sample(index: Int) -> (input: [Double], queries: [Double], antiderivative: [Double]) {
    var generator = self.generator(index: index)
    let u = process.sample(using: &generator)
    let queries =
      randomQueries
      ? (0..<queryPoints).map { _ in Double.random(in: 0...1, using: &generator) }
      : (0..<queryPoints).map { Double($0) / Double(queryPoints - 1) }
    let h = 1 / Double(process.points - 1)
    var cumulative = [Double](repeating: 0, count: u.count)
    for j in 1..<u.count { cumulative[j] = cumulative[j - 1] + h * (u[j - 1] + u[j]) / 2 }
    // ∫₀ʸ of the piecewise-linear u: whole intervals, then the part of the one holding y.
    let s = queries.map { y -> Double in
      let j = min(Int(y / h), u.count - 2), t = y - Double(j) * h
      let slope = (u[j + 1] - u[j]) / h
      return cumulative[j] + t * u[j] + 0.5 * slope * t * t
    }
    return (u, queries, s)
  }

  /// The random numbers of sample `index`: its own stream of `seed`
  /// (``SamplingScheme/indexStreams``), independent of every other sample's.
  func generator(index: Int) -> SplitMix64 { SplitMix64(seed: seed, stream: UInt64(index)) }

  /// Writes the dataset into `directory` (created if needed; files replaced atomically).
  /// - Throws: ``DatasetFileError`` when the directory or a file cannot be written.
  public func generate(in directory: String) throws {
    var inputs = [Double](), queries = [Double](), outputs = [Double]()
    for i in 0..<samples {
      let (u, y, s) = sample(index: i)
      inputs += u
      queries += y
      outputs += s
    }
    var meta = DatasetMetadata(family: .antiderivative, samples: samples, seed: seed)
    (meta.points, meta.queryPoints, meta.lengthScale) = (process.points, queryPoints, process.lengthScale)
    meta.spacing = randomQueries ? nil : 1 / Double(queryPoints - 1)
    meta.sampling = .indexStreams
    try DatasetDirectory(directory).write(
      inputs: NumpyArray(shape: [samples, process.points], values: inputs, dtype: .float32),
      outputs: NumpyArray(shape: [samples, queryPoints], values: outputs, dtype: .float32),
      queries: randomQueries ? NumpyArray(shape: [samples, queryPoints], values: queries, dtype: .float32) : nil, metadata: meta)
  }
}
