import Foundation
import Tensors

/// The antiderivative operator `u ↦ s`, `s(x) = ∫₀ˣ u(t) dt` on `[0, 1]` — the DeepONet paper's
/// first example — as a dataset: `coeff.npy` holds `u` and `sol.npy` holds `s`, both `(N, m)`
/// float32 on the `m` points of `linspace(0, 1, m)`, and `meta.json` the parameters.
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

  /// A generator of `samples ≥ 1` pairs on `points` sensors.
  /// - Throws: ``DatasetError/invalidParameter(_:)`` for a bad count, point number or length.
  public init(points: Int = 100, samples: Int, seed: UInt64, lengthScale: Double = 0.2) throws {
    guard samples >= 1 else { throw DatasetError.invalidParameter("samples must be at least 1, got \(samples)") }
    process = try SquaredExponentialProcess(points: points, lengthScale: lengthScale)
    self.samples = samples
    self.seed = seed
  }

  /// Input function `index` and its antiderivative.
  public func sample(index: Int) -> (input: [Double], antiderivative: [Double]) {
    var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    let u = process.sample(using: &generator)
    let h = 1 / Double(process.points - 1)
    var s = [Double](repeating: 0, count: u.count)
    for j in 1..<u.count { s[j] = s[j - 1] + h * (u[j - 1] + u[j]) / 2 }
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
    let shape = [samples, process.points]
    try NumpyArray(shape: shape, values: inputs, dtype: .float32).write(to: (directory as NSString).appendingPathComponent("coeff.npy"))
    try NumpyArray(shape: shape, values: outputs, dtype: .float32).write(to: (directory as NSString).appendingPathComponent("sol.npy"))
    let meta = AntiderivativeMetadata(points: process.points, samples: samples, seed: seed, lengthScale: process.lengthScale)
    try writeJSON(meta, to: (directory as NSString).appendingPathComponent("meta.json"))
  }
}

/// The `meta.json` of an antiderivative dataset.
public struct AntiderivativeMetadata: Codable, Sendable, Equatable {
  /// Always `"antiderivative"`.
  public var family = "antiderivative"
  /// Sensors / query points `m`.
  public var points: Int
  /// Number of samples `N`.
  public var samples: Int
  /// The dataset seed.
  public var seed: UInt64
  /// The RBF correlation length `ℓ`.
  public var lengthScale: Double

  enum CodingKeys: String, CodingKey {
    case family, points, samples, seed
    case lengthScale = "length_scale"
  }
}
