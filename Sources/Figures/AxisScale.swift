import Foundation

/// How values map to an axis: linearly, or logarithmically (base 10).
public enum AxisScale: Sendable, Equatable {
  case linear, logarithmic

  /// Where value `v` lies on this scale (log10 for a logarithmic axis; nil where it cannot be
  /// drawn: non-finite, or not positive on a log axis).
  func position(_ v: Double) -> Double? {
    guard v.isFinite else { return nil }
    switch self {
    case .linear: return v
    case .logarithmic: return v > 0 ? log10(v) : nil
    }
  }

  /// The drawn range `[lo, hi]` (in positions) for data positions spanning `lo…hi`: a linear
  /// axis padded by 5%, a log axis widened to whole decades when it spans less than one; a
  /// single value is widened around it.
  func range(_ lo: Double, _ hi: Double) -> (Double, Double) {
    guard lo.isFinite, hi.isFinite else { return (0, 1) }
    switch self {
    case .linear:
      if hi > lo { return (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)) }
      let pad = lo == 0 ? 1 : abs(lo) * 0.1
      return (lo - pad, hi + pad)
    case .logarithmic:
      return hi - lo < 1 ? (Foundation.floor(lo), max(Foundation.ceil(hi), Foundation.floor(lo) + 1)) : (lo, hi)
    }
  }

  /// Tick positions and labels inside `[lo, hi]` (positions): about `count` "nice" values
  /// (1, 2 or 5 × 10^k apart, with the decimals the step needs) on a linear axis; powers of
  /// ten on a log axis, with 2× and 5× between them when it spans fewer than three decades.
  func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> [(position: Double, label: String)] {
    switch self {
    case .linear:
      let raw = (hi - lo) / Double(max(1, count))
      guard raw > 0, raw.isFinite else { return [(lo, Self.label(lo))] }
      let magnitude = pow(10, Foundation.floor(log10(raw)))
      let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
      let first = Foundation.ceil(lo / step)
      // As many decimals as the step needs, so neighbouring ticks never read the same.
      let decimals = max(0, Int(-Foundation.floor(log10(step) + 1e-9)))
      let largest = max(abs(lo), abs(hi))
      return stride(from: first, through: Foundation.floor(hi / step), by: 1).map { k in
        let v = abs(k * step) < step * 1e-9 ? 0 : k * step
        let text =
          decimals > 5 || largest >= 1e6
          ? String(format: "%.\(max(1, Int(log10(largest / step))))e", v) : String(format: "%.\(decimals)f", v)
        return (v, text)
      }
    case .logarithmic:
      let factors: [Double] = hi - lo < 3 ? [1, 2, 5] : [1]
      var ticks = [(Double, String)]()
      for decade in Int(Foundation.floor(lo))...Int(Foundation.ceil(hi)) {
        for factor in factors {
          let v = factor * pow(10, Double(decade))
          let p = log10(v)
          if p >= lo - 1e-9 && p <= hi + 1e-9 { ticks.append((p, Self.label(v))) }
        }
      }
      return ticks
    }
  }

  /// A short label: up to 4 significant digits, exponent form for very large or small values.
  static func label(_ v: Double) -> String {
    if v == 0 { return "0" }
    let magnitude = abs(v)
    if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.0e", v) }
    var text = String(format: "%.4g", v)
    if text.contains("e") { text = String(format: "%.0e", v) }
    return text
  }
}
