import Foundation

/// 2D fields in a grid of panels — columns such as input, truth, prediction and |error|, one row
/// per sample or time step — each drawn in viridis with a colorbar giving its range, a title per
/// column, a label per row and a title for the figure.
///
/// Every field is `extent.rows × extent.columns`, row-major, row 0 drawn at the top. Columns
/// in `sharedColumns` share one colour range per row (truth and prediction, so their colours
/// compare); other panels are scaled to their own range. Non-finite values are drawn magenta.
public struct FieldGrid: Figure {
  /// The fields, `panels[row][column]`.
  public var panels: [[[Double]]]
  /// Field extent.
  public var extent: (rows: Int, columns: Int)
  /// One title per column (`input a`, `truth u`, `prediction`, `|error|`).
  public var columnTitles: [String]
  /// One label per row (`sample 0`, `t = 10`); empty for none.
  public var rowLabels: [String]
  /// Columns that share one colour range within a row.
  public var sharedColumns: Set<Int>
  /// The figure's title.
  public var title: String

  /// Points per panel side (the longer side of the field).
  static let panelSide = 180.0
  private static let (colorbarWidth, colorbarGap, columnGap, rowGap) = (12.0, 6.0, 62.0, 34.0)
  private static let (leftMargin, topMargin, bottomMargin) = (24.0, 58.0, 12.0)

  /// A grid of panels.
  public init(
    panels: [[[Double]]], extent: (rows: Int, columns: Int), columnTitles: [String], rowLabels: [String] = [],
    sharedColumns: Set<Int> = [], title: String
  ) {
    (self.panels, self.extent, self.columnTitles, self.rowLabels) = (panels, extent, columnTitles, rowLabels)
    (self.sharedColumns, self.title) = (sharedColumns, title)
  }

  /// One field in one panel.
  public init(_ values: [Double], rows: Int, columns: Int, title: String, columnTitle: String = "") {
    self.init(panels: [[values]], extent: (rows, columns), columnTitles: [columnTitle], title: title)
  }

  private var panelSize: (width: Double, height: Double) {
    let longer = Double(max(1, extent.rows, extent.columns))
    return (
      max(60, Self.panelSide * Double(max(1, extent.columns)) / longer), max(20, Self.panelSide * Double(max(1, extent.rows)) / longer)
    )
  }

  public var size: (width: Int, height: Int) {
    let columns = Double(panels.map(\.count).max() ?? 1)
    let (w, h) = panelSize
    let label = rowLabels.isEmpty ? 0.0 : 20
    let rows = Double(panels.count)
    // The last column's colorbar labels need about 60 points.
    return (
      Int(Self.leftMargin + label + columns * (w + Self.colorbarGap + Self.colorbarWidth) + (columns - 1) * Self.columnGap + 60),
      Int(Self.topMargin + rows * h + (rows - 1) * Self.rowGap + Self.bottomMargin)
    )
  }

  /// The colour range of panel (`row`, `column`): its own finite values, or those of the row's
  /// shared columns.
  func range(row: Int, column: Int) -> (Double, Double) {
    let values =
      (sharedColumns.contains(column)
      ? sharedColumns.sorted().filter { $0 < panels[row].count }.flatMap { panels[row][$0] }
      : panels[row][column]).filter(\.isFinite)
    return (values.min() ?? 0, values.max() ?? 1)
  }

  public func draw(on canvas: Canvas) {
    let (w, h) = panelSize
    let label = rowLabels.isEmpty ? 0.0 : 20
    canvas.text(title, x: Double(size.width) / 2, y: 12, size: 14, bold: true, alignX: 0.5)
    for (i, row) in panels.enumerated() {
      let y = Self.topMargin + Double(i) * (h + Self.rowGap)
      if i < rowLabels.count { canvas.text(rowLabels[i], x: Self.leftMargin, y: y + h / 2, size: 12, alignX: 0.5, rotated: true) }
      for (j, field) in row.enumerated() {
        let x = Self.leftMargin + label + Double(j) * (w + Self.colorbarGap + Self.colorbarWidth + Self.columnGap)
        if i == 0 && j < columnTitles.count { canvas.text(columnTitles[j], x: x + w / 2, y: 36, size: 12, alignX: 0.5) }
        let (lo, hi) = range(row: i, column: j)
        let span = hi > lo ? hi - lo : 1
        canvas.image(
          field.map { $0.isFinite ? Colormap.viridis(($0 - lo) / span) : Colour(255, 0, 255) }, rows: extent.rows, columns: extent.columns,
          x: x, y: y, width: w, height: h)
        canvas.outline(x: x, y: y, width: w, height: h, .grey, lineWidth: 0.5)
        // The colorbar: low at the bottom, high at the top, labeled with both ends and the middle.
        let barX = x + w + Self.colorbarGap
        canvas.image(
          (0..<64).map { Colormap.viridis(1 - Double($0) / 63) }, rows: 64, columns: 1, x: barX, y: y, width: Self.colorbarWidth,
          height: h)
        canvas.outline(x: barX, y: y, width: Self.colorbarWidth, height: h, .grey, lineWidth: 0.5)
        for (value, at) in [(hi, 0.0), ((lo + hi) / 2, 0.5), (lo, 1.0)] {
          canvas.text(AxisScale.label(value), x: barX + Self.colorbarWidth + 3, y: y + at * h, size: 9, alignY: 0.5)
        }
      }
    }
  }
}
