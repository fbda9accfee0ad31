import Foundation
import Tensors

/// The antiderivative operator `u ↦ s`, `s(x) = ∫₀ˣ u(t) dt` on `[0, 1]` — the DeepONet paper's
/// first example — as a dataset: `coeff.npy` holds `u` on the `m` sensors `linspace(0, 1, m)`
/// and `sol.npy` holds `s` on `q` query points `linspace(0, 1, q)` (`q = m` by default), both
/// float32, and `meta.json` the parameters. Fewer query points than sensors give the same number
/// of training triples from more input functions.
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
  /// Query points `q` of the antiderivative.
  public let queryPoints: Int

  /// A generator of `samples ≥ 1` pairs on `points` sensors, the antiderivative at `queryPoints`
  /// points (default: the sensors).
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a bad count, point number or length.
  public init(points: Int = 100, queryPoints: Int? = nil, samples: Int, seed: UInt64, lengthScale: Double = 0.2) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    guard (queryPoints ?? 2) >= 2 else { throw DatasetError.invalidParameter("query points must be at least 2, got \(queryPoints!)") }
    self.queryPoints = queryPoints ?? points
    process = try SquaredExponentialProcess(points: points, lengthScale: lengthScale)
    self.samples = samples
    self.seed = seed
  }

  /// Input function `index` at the sensors and its antiderivative at the query points.
  public func sample(index: Int) -> (input: [Double], antiderivative: [Double]) {
    var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    let u = process.sample(using: &generator)
    let h = 1 / Double(process.points - 1)
    var cumulative = [Double](repeating: 0, count: u.count)
    for j in 1..<u.count { cumulative[j] = cumulative[j - 1] + h * (u[j - 1] + u[j]) / 2 }
    // ∫₀ʸ of the piecewise-linear u: whole intervals, then the part of the one holding y.
    let s = (0..<queryPoints).map { q -> Double in
      let y = Double(q) / Double(queryPoints - 1), j = min(Int(y / h), u.count - 2), t = y - Double(j) * h
      let slope = (u[j + 1] - u[j]) / h
      return cumulative[j] + t * u[j] + 0.5 * slope * t * t
    }
    return (u, s)
  }

  /// Writes the dataset into `directory` (created if needed; files replaced atomically).
  /// - Throws: ``DatasetError/io(path:message:)`` when the directory or a file cannot be written.
  public func generate(in directory: String) throws {
    do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
      throw DatasetError.io(path: directory, message: "cannot create: \(error.localizedDescription)")
    }
    var inputs = [Double](), outputs = [Double]()
    for i in 0..<samples {
      let (u, s) = sample(index: i)
      inputs += u
      outputs += s
    }
    let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
    try NumpyArray(shape: [samples, process.points], values: inputs, dtype: .float32).write(to: path("coeff.npy"))
    try NumpyArray(shape: [samples, queryPoints], values: outputs, dtype: .float32).write(to: path("sol.npy"))
    let meta = AntiderivativeMetadata(
      points: process.points, queryPoints: queryPoints, samples: samples, seed: seed, lengthScale: process.lengthScale)
    try writeJSON(meta, to: (directory as NSString).appendingPathComponent("meta.json"))
  }
}

/// The `meta.json` of an antiderivative dataset.
public struct AntiderivativeMetadata: Codable, Sendable, Equatable {
  /// Always `"antiderivative"`.
  public var family = "antiderivative"
  /// Sensors `m`.
  public var points: Int
  /// Query points `q`.
  public var queryPoints: Int
  /// Number of samples `N`.
  public var samples: Int
  /// The dataset seed.
  public var seed: UInt64
  /// The RBF correlation length `ℓ`.
  public var lengthScale: Double

  enum CodingKeys: String, CodingKey {
    case family, points, samples, seed
    case lengthScale = "length_scale", queryPoints = "query_points"
  }
}
