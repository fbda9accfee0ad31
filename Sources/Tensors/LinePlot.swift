import Foundation

/// Renders curves (loss or error against epoch, or functions of one variable) as a PNG, with a
/// logarithmic or linear value axis.
///
/// The plot area has a grey frame, light grey lines at every power of ten of a logarithmic
/// value axis (and at 2× and 5× when fewer than three decades are shown) or at zero on a linear
/// one, and one polyline per series in the series' colour. There are no text labels: the caller
/// states the colours and the range.
public enum LinePlot {
  /// How values map to heights.
  public enum Scale: Sendable {
    /// `log10(v)`; non-positive values are skipped.
    case logarithmic
    /// `v`.
    case linear
  }

  /// One curve: values at x = 1, 2, … in `colour`.
  public struct Series: Sendable {
    /// The values (non-finite ones, and on a log axis non-positive ones, are skipped).
    public var values: [Double]
    /// Line colour.
    public var colour: (UInt8, UInt8, UInt8)
    /// A series.
    public init(values: [Double], colour: (UInt8, UInt8, UInt8)) {
      self.values = values
      self.colour = colour
    }
  }

  /// The value range (min…max over all series' plotted values) and the picture.
  public static func render(
    _ series: [Series], scale: Scale = .logarithmic, width: Int = 640, height: Int = 400
  ) -> (range: ClosedRange<Double>, image: PNGImage) {
    var image = PNGImage(width: width, height: height)
    for r in 0..<height { for c in 0..<width { image.set(row: r, column: c, (255, 255, 255)) } }
    let plotted = { (v: Double) in v.isFinite && (scale == .linear || v > 0) }
    let shown = series.flatMap(\.values).filter(plotted)
    let (lo, hi) = (shown.min() ?? 1, shown.max() ?? 10)
    let height10 = { (v: Double) in scale == .linear ? v : Foundation.log10(v) }
    let pad = scale == .linear ? Swift.max(hi - lo, 1e-12) * 0.05 : 0.05
    let (logLo, logHi) = (height10(lo) - pad, height10(Swift.max(hi, lo + Swift.abs(lo) * 1e-4 + 1e-300)) + pad)
    let margin = 20
    let (plotWidth, plotHeight) = (width - 2 * margin, height - 2 * margin)
    let count = series.map(\.values.count).max() ?? 1
    let column = { (x: Double) -> Double in Double(margin) + (count > 1 ? (x - 1) / Double(count - 1) : 0.5) * Double(plotWidth - 1) }
    let row = { (v: Double) -> Double in Double(margin) + (logHi - height10(v)) / (logHi - logLo) * Double(plotHeight - 1) }
    // Grid lines at decades (and 2×, 5× on short ranges) or at zero, then the frame.
    let fine = logHi - logLo < 3
    if scale == .linear, lo < 0, hi > 0 {
      let r = Int(row(0).rounded())
      for c in margin..<(margin + plotWidth) { image.set(row: r, column: c, (200, 200, 200)) }
    }
    for decade in scale == .linear ? [] : Array(Int(Foundation.floor(logLo))...Int(Foundation.ceil(logHi))) {
      for factor in fine ? [1.0, 2, 5] : [1.0] {
        let v = factor * Foundation.pow(10, Double(decade))
        let r = Int(row(v).rounded())
        guard r >= margin, r < margin + plotHeight else { continue }
        let shade: UInt8 = factor == 1 ? 200 : 230
        for c in margin..<(margin + plotWidth) { image.set(row: r, column: c, (shade, shade, shade)) }
      }
    }
    for c in margin..<(margin + plotWidth) {
      image.set(row: margin, column: c, (120, 120, 120))
      image.set(row: margin + plotHeight - 1, column: c, (120, 120, 120))
    }
    for r in margin..<(margin + plotHeight) {
      image.set(row: r, column: margin, (120, 120, 120))
      image.set(row: r, column: margin + plotWidth - 1, (120, 120, 120))
    }
    for curve in series {
      var previous: (Double, Double)?
      for (i, v) in curve.values.enumerated() {
        guard plotted(v) else {
          previous = nil
          continue
        }
        let point = (column(Double(i + 1)), row(v))
        let start = previous ?? point
        // A 2-pixel-wide segment from the previous point.
        let steps = Swift.max(1, Int(Swift.max(abs(point.0 - start.0), abs(point.1 - start.1)).rounded(.up)))
        for s in 0...steps {
          let t = Double(s) / Double(steps)
          let (x, y) = (Int((start.0 + t * (point.0 - start.0)).rounded()), Int((start.1 + t * (point.1 - start.1)).rounded()))
          for (dy, dx) in [(0, 0), (1, 0), (0, 1), (1, 1)] where y + dy < height && x + dx < width {
            image.set(row: y + dy, column: x + dx, curve.colour)
          }
        }
        previous = point
      }
    }
    return (lo...Swift.max(hi, lo), image)
  }
}
