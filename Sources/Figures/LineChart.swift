import Foundation

/// Curves against a shared x-axis — loss per epoch, error per rollout step, a function of one
/// variable, a series and its forecast — with a title, labeled axes with ticks, grid lines and
/// a legend.
///
/// Each curve has one value per x position (`x` values, or 1, 2, … by default); NaN and, on a
/// log axis, non-positive values leave gaps. With `xTickLabel`, the x ticks are labeled by it
/// (dates of a time series) at up to eight evenly spaced positions.
public struct LineChart: Figure {
  /// One curve.
  public struct Series: Sendable {
    /// The y values.
    public var values: [Double]
    /// The legend entry (an empty label is left out of the legend).
    public var label: String
    /// The line colour.
    public var colour: Colour
    /// Dashed instead of solid.
    public var dashed: Bool

    /// A curve.
    public init(values: [Double], label: String, colour: Colour, dashed: Bool = false) {
      (self.values, self.label, self.colour, self.dashed) = (values, label, colour, dashed)
    }
  }

  /// The curves.
  public var series: [Series]
  /// The title above the plot.
  public var title: String
  /// The x-axis label.
  public var xLabel: String
  /// The y-axis label.
  public var yLabel: String
  /// The y scale.
  public var yScale: AxisScale
  /// The x value of each index (default 1, 2, …).
  public var x: [Double]?
  /// The label of x tick at index `i` (dates); nil labels ticks by their x values.
  public var xTickLabel: (@Sendable (Int) -> String)?
  /// Width and height in points.
  public var size: (width: Int, height: Int)

  /// A chart; 640 × 400 points by default.
  public init(
    _ series: [Series], title: String, xLabel: String, yLabel: String, yScale: AxisScale = .linear, x: [Double]? = nil,
    xTickLabel: (@Sendable (Int) -> String)? = nil, size: (width: Int, height: Int) = (640, 400)
  ) {
    (self.series, self.title, self.xLabel, self.yLabel, self.yScale, self.x) = (series, title, xLabel, yLabel, yScale, x)
    self.xTickLabel = xTickLabel
    self.size = size
  }

  /// The y range drawn (in data units): what the ticks span.
  public var yRange: ClosedRange<Double> {
    let (lo, hi) = drawnYRange
    return yScale == .logarithmic ? pow(10, lo)...pow(10, hi) : lo...hi
  }

  private var drawnYRange: (Double, Double) {
    let positions = series.flatMap(\.values).compactMap(yScale.position)
    return yScale.range(positions.min() ?? 0, positions.max() ?? 1)
  }

  public func draw(on canvas: Canvas) {
    let (width, height) = (Double(size.width), Double(size.height))
    let (yLo, yHi) = drawnYRange
    let count = series.map(\.values.count).max() ?? 0
    let xs = x ?? (0..<count).map { Double($0 + 1) }
    let (xLo, xHi) = AxisScale.linear.range(xs.min() ?? 0, xs.max() ?? 1)
    let yTicks = yScale.ticks(yLo, yHi)
    let tickWidth = yTicks.map { canvas.textWidth($0.label, size: 11) }.max() ?? 0
    let (left, right, top, bottom) = (tickWidth + 38, width - 18, 36.0, height - 50)
    let plotX = { (v: Double) in left + (v - xLo) / (xHi - xLo) * (right - left) }
    let plotY = { (p: Double) in bottom - (p - yLo) / (yHi - yLo) * (bottom - top) }

    canvas.text(title, x: width / 2, y: 12, size: 14, bold: true, alignX: 0.5)
    for tick in yTicks {
      let y = plotY(tick.position)
      canvas.line(from: (left, y), to: (right, y), .lightGrey)
      canvas.text(tick.label, x: left - 6, y: y, size: 11, alignX: 1, alignY: 0.5)
    }
    let xTicks: [(Double, String)] =
      if let xTickLabel, count > 0 {
        Array(Set((0..<8).map { $0 * (count - 1) / 7 })).sorted().map { (xs[$0], xTickLabel($0)) }
      } else {
        AxisScale.linear.ticks(xLo, xHi, count: 8).map { ($0.position, $0.label) }
      }
    for (value, label) in xTicks {
      let xp = plotX(value)
      canvas.line(from: (xp, top), to: (xp, bottom), .lightGrey)
      canvas.line(from: (xp, bottom), to: (xp, bottom + 4), .grey)
      canvas.text(label, x: xp, y: bottom + 8, size: 11, alignX: 0.5)
    }
    canvas.outline(x: left, y: top, width: right - left, height: bottom - top, .grey)
    canvas.text(xLabel, x: (left + right) / 2, y: height - 18, size: 12, alignX: 0.5)
    canvas.text(yLabel, x: 8, y: (top + bottom) / 2, size: 12, alignX: 0.5, rotated: true)
    var drawn = [(Double, Double)]()
    for curve in series {
      let points = curve.values.enumerated().map { i, v -> (Double, Double)? in
        guard i < xs.count, let p = yScale.position(v) else { return nil }
        return (plotX(xs[i]), plotY(p))
      }
      canvas.polyline(points, curve.colour, dashed: curve.dashed)
      drawn += points.compactMap { $0 }
    }
    // The legend, in the corner of the plot its box hides the fewest points of (top right first).
    let entries = series.filter { !$0.label.isEmpty }
    guard !entries.isEmpty else { return }
    let legendWidth = (entries.map { canvas.textWidth($0.label, size: 11) }.max() ?? 0) + 40
    let legendHeight = Double(entries.count) * 17 + 6
    let corners = [
      (right - legendWidth - 8, top + 8), (left + 8, top + 8), (right - legendWidth - 8, bottom - legendHeight - 8),
      (left + 8, bottom - legendHeight - 8),
    ]
    let hidden = corners.map { corner in
      drawn.filter {
        $0.0 >= corner.0 - 4 && $0.0 <= corner.0 + legendWidth + 4 && $0.1 >= corner.1 - 4 && $0.1 <= corner.1 + legendHeight + 4
      }
      .count
    }
    let (legendX, legendY) = corners[hidden.firstIndex(of: hidden.min()!)!]
    canvas.fill(x: legendX, y: legendY, width: legendWidth, height: legendHeight, .white)
    canvas.outline(x: legendX, y: legendY, width: legendWidth, height: legendHeight, .lightGrey)
    for (i, entry) in entries.enumerated() {
      let y = legendY + 11 + Double(i) * 17
      canvas.polyline([(legendX + 6, y), (legendX + 28, y)], entry.colour, lineWidth: 2, dashed: entry.dashed)
      canvas.text(entry.label, x: legendX + 34, y: y, size: 11, alignY: 0.5)
    }
  }
}
