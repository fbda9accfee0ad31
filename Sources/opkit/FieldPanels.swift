import OperatorKit

/// A grid of 2D fields as one PNG: `panels[row][column]` is an `s₁ × s₂` field (row-major),
/// each drawn in viridis over its own min…max (or over a range shared by a group of columns),
/// enlarged to at least 128 pixels per side, with white gaps between panels.
struct FieldPanels {
  /// The fields, by row then column; all of the same extent.
  var panels: [[[Double]]]
  /// Field extent (rows, columns).
  var extent: (rows: Int, columns: Int)
  /// Columns that share one colour range (e.g. truth and prediction); others scale alone.
  var sharedColumns: Set<Int> = []

  /// The picture.
  func image() -> PNGImage {
    let scale = max(1, (128 + min(extent.rows, extent.columns) - 1) / min(extent.rows, extent.columns))
    let gap = 6
    let columns = panels.map(\.count).max() ?? 0
    let (panelHeight, panelWidth) = (scale * extent.rows, scale * extent.columns)
    var image = PNGImage(width: columns * panelWidth + (columns - 1) * gap, height: panels.count * panelHeight + (panels.count - 1) * gap)
    for r in 0..<image.height { for c in 0..<image.width { image.set(row: r, column: c, (255, 255, 255)) } }
    for (i, row) in panels.enumerated() {
      let shared = row.enumerated().filter { sharedColumns.contains($0.offset) }.flatMap(\.element).filter(\.isFinite)
      for (j, field) in row.enumerated() {
        let values = sharedColumns.contains(j) ? shared : field.filter(\.isFinite)
        let (lo, hi) = (values.min() ?? 0, values.max() ?? 1)
        let span = hi > lo ? hi - lo : 1
        for y in 0..<panelHeight {
          for x in 0..<panelWidth {
            let v = field[(y / scale) * extent.columns + x / scale]
            image.set(
              row: i * (panelHeight + gap) + y, column: j * (panelWidth + gap) + x,
              v.isFinite ? Colormap.viridis((v - lo) / span) : (255, 0, 255))
          }
        }
      }
    }
    return image
  }
}
