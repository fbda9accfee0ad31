/// Renders a 2D scalar field as a PNG heatmap with a colour bar.
///
/// Row 0 of the field is drawn at the top, as numpy/matplotlib's `imshow` does. Small fields are
/// enlarged by an integer factor (nearest neighbour) to at least `minimumSize` pixels; the colour
/// bar on the right runs from `range.lowerBound` (bottom) to `range.upperBound` (top) in the
/// viridis colour map. Non-finite values are drawn in magenta.
public enum Heatmap {
  /// Renders `values` (`rows × columns`, row-major).
  /// - Parameters:
  ///   - range: the value range mapped to the colour map; default the data's finite min…max.
  ///   - minimumSize: the smaller image side is enlarged to at least this many pixels.
  public static func render(
    _ values: [Double], rows: Int, columns: Int, range: ClosedRange<Double>? = nil, minimumSize: Int = 256
  ) -> PNGImage {
    precondition(values.count == rows * columns && rows > 0 && columns > 0, "heatmap shape")
    let finite = values.filter(\.isFinite)
    let lo = range?.lowerBound ?? finite.min() ?? 0
    let hi = range?.upperBound ?? finite.max() ?? 1
    let span = hi > lo ? hi - lo : 1
    let scale = max(1, (minimumSize + min(rows, columns) - 1) / min(rows, columns))
    let (barGap, barWidth) = (max(4, scale * columns / 40), max(8, scale * columns / 20))
    var image = PNGImage(width: scale * columns + barGap + barWidth, height: scale * rows)
    for r in 0..<(scale * rows) {
      for c in 0..<(scale * columns) {
        let v = values[(r / scale) * columns + c / scale]
        image.set(row: r, column: c, v.isFinite ? Colormap.viridis((v - lo) / span) : (255, 0, 255))
      }
      let t = 1 - Double(r) / Double(max(1, scale * rows - 1))
      for c in 0..<barWidth { image.set(row: r, column: scale * columns + barGap + c, Colormap.viridis(t)) }
      for c in 0..<barGap { image.set(row: r, column: scale * columns + c, (255, 255, 255)) }
    }
    return image
  }
}

/// Perceptually uniform colour maps.
public enum Colormap {
  /// Viridis (matplotlib's default), piecewise-linear through nine of its published anchor
  /// colours; `t` is clamped to `[0, 1]`.
  public static func viridis(_ t: Double) -> (UInt8, UInt8, UInt8) {
    let anchors: [(Double, Double, Double)] = [
      (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
      (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
    let i = min(Int(x), anchors.count - 2)
    let f = x - Double(i)
    let (a, b) = (anchors[i], anchors[i + 1])
    return (UInt8(a.0 + f * (b.0 - a.0)), UInt8(a.1 + f * (b.1 - a.1)), UInt8(a.2 + f * (b.2 - a.2)))
  }
}
