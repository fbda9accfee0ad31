import CCairo
import Foundation

/// An sRGB colour with components in `[0, 1]`.
public struct Colour: Sendable, Equatable {
  /// Red, green and blue in `[0, 1]`.
  public var red: Double, green: Double, blue: Double

  /// A colour from 8-bit components.
  public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
    (self.red, self.green, self.blue) = (Double(red) / 255, Double(green) / 255, Double(blue) / 255)
  }

  /// matplotlib's first categorical colours, for the curves of a chart in order.
  public static let blue = Colour(31, 119, 180)
  public static let orange = Colour(255, 127, 14)
  public static let green = Colour(44, 160, 44)
  public static let red = Colour(214, 39, 40)
  public static let purple = Colour(148, 103, 189)
  public static let brown = Colour(140, 86, 75)
  public static let black = Colour(0, 0, 0)
  public static let white = Colour(255, 255, 255)
  /// Grid lines and axes.
  public static let grey = Colour(120, 120, 120)
  public static let lightGrey = Colour(225, 225, 225)
  /// The categorical colours in order.
  public static let cycle: [Colour] = [.blue, .orange, .green, .red, .purple, .brown]
}

/// The file format of a figure, from its file name: `.png`, `.svg` or `.pdf`.
public enum FigureFormat: String, Sendable, CaseIterable {
  case png, svg, pdf

  /// The file extensions of the formats.
  public static let extensions = allCases.map(\.rawValue)

  /// The format `path` names by its extension, or nil.
  public init?(path: String) { self.init(rawValue: (path as NSString).pathExtension.lowercased()) }
}

/// Something drawn on a ``Canvas`` of a fixed size in points (pixels for PNG).
public protocol Figure {
  /// Width and height in points.
  var size: (width: Int, height: Int) { get }
  /// Draws the figure.
  func draw(on canvas: Canvas)
}

extension Figure {
  /// The figure encoded as `format` (PNG: 8 bits per channel, deflate-compressed).
  /// - Throws: ``FigureError`` when Cairo fails.
  public func encoded(as format: FigureFormat = .png) throws -> Data {
    try Canvas.render(width: size.width, height: size.height, format: format, draw)
  }

  /// Writes the figure to `path` atomically, in the format its extension names.
  /// - Throws: ``FigureError`` naming the file when the extension is not `.png`, `.svg` or
  ///   `.pdf`, Cairo fails, or the file cannot be written.
  public func write(to path: String) throws {
    guard let format = FigureFormat(path: path) else {
      throw FigureError(path: path, message: "a figure is written as .png, .svg or .pdf")
    }
    let data: Data
    do { data = try encoded(as: format) } catch let error as FigureError { throw FigureError(path: path, message: error.message) }
    do { try data.write(to: URL(fileURLWithPath: path).resolvingSymlinksInPath(), options: .atomic) } catch {
      throw FigureError(path: path, message: "cannot write: \(error.localizedDescription)")
    }
  }
}

/// A figure drawn into pixels: `width × height`, row-major from the top left, 8-bit RGB.
public struct Raster: Sendable {
  /// Pixels per row and rows.
  public let width: Int, height: Int
  /// `pixels[(y * width + x) * 3 + k]`: red, green, blue.
  public let pixels: [UInt8]

  /// The colour at column `x`, row `y`.
  public func colour(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
    let i = (y * width + x) * 3
    return (pixels[i], pixels[i + 1], pixels[i + 2])
  }
}

extension Figure {
  /// The figure drawn at one pixel per point (what its PNG holds), for inspection.
  /// - Throws: ``FigureError`` when Cairo fails.
  public func rasterized() throws -> Raster { try Canvas.raster(width: size.width, height: size.height, draw) }
}

/// A figure that cannot be drawn or written, naming the file where there is one.
public struct FigureError: Error, Equatable, CustomStringConvertible {
  /// The file, or empty.
  public let path: String
  /// What went wrong.
  public let message: String
  public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Drawing on a Cairo surface, in points from the top left, with DejaVu Sans text.
public final class Canvas {
  private let context: OpaquePointer

  private init(context: OpaquePointer) { self.context = context }

  /// Collects the bytes Cairo streams out.
  private final class Sink {
    var bytes = Data()
  }

  /// Runs `draw` on a white canvas of `width × height` and returns the encoded file.
  static func render(width: Int, height: Int, format: FigureFormat, _ draw: (Canvas) -> Void) throws -> Data {
    guard width <= 32_767, height <= 32_767 else {
      throw FigureError(path: "", message: "a \(width)×\(height) figure exceeds the 32,767-point side of an image; draw fewer panels")
    }
    let sink = Sink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    let write: cairo_write_func_t = { closure, data, length in
      guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
      Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes.append(data, count: Int(length))
      return CAIRO_STATUS_SUCCESS
    }
    let surface: OpaquePointer? =
      switch format {
      case .png: cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
      case .svg: cairo_svg_surface_create_for_stream(write, closure, Double(width), Double(height))
      case .pdf: cairo_pdf_surface_create_for_stream(write, closure, Double(width), Double(height))
      }
    guard let surface else { throw FigureError(path: "", message: "cannot create a \(width)×\(height) \(format.rawValue) surface") }
    defer { cairo_surface_destroy(surface) }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
      throw FigureError(path: "", message: "cannot create a \(width)×\(height) \(format.rawValue) surface")
    }
    let canvas = Canvas(context: context)
    canvas.fill(x: 0, y: 0, width: Double(width), height: Double(height), .white)
    draw(canvas)
    let status = cairo_status(context)
    cairo_destroy(context)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw FigureError(path: "", message: "drawing failed: \(String(cString: cairo_status_to_string(status)))")
    }
    if format == .png {
      guard cairo_surface_write_to_png_stream(surface, write, closure) == CAIRO_STATUS_SUCCESS else {
        throw FigureError(path: "", message: "PNG encoding failed")
      }
    } else {
      cairo_surface_finish(surface)
    }
    return sink.bytes
  }

  /// Runs `draw` on a white `width × height` image and returns its pixels.
  static func raster(width: Int, height: Int, _ draw: (Canvas) -> Void) throws -> Raster {
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
      cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface)
    else { throw FigureError(path: "", message: "cannot create a \(width)×\(height) image") }
    defer { cairo_surface_destroy(surface) }
    let canvas = Canvas(context: context)
    canvas.fill(x: 0, y: 0, width: Double(width), height: Double(height), .white)
    draw(canvas)
    cairo_destroy(context)
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface))
    guard let data = cairo_image_surface_get_data(surface) else { throw FigureError(path: "", message: "no image data") }
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
      for y in 0..<height {
        for x in 0..<width {
          let word = words[y * (stride / 4) + x]
          let i = (y * width + x) * 3
          (pixels[i], pixels[i + 1], pixels[i + 2]) = (UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF))
        }
      }
    }
    return Raster(width: width, height: height, pixels: pixels)
  }

  /// Fills a rectangle.
  public func fill(x: Double, y: Double, width: Double, height: Double, _ colour: Colour) {
    set(colour)
    cairo_rectangle(context, x, y, width, height)
    cairo_fill(context)
  }

  /// Strokes a rectangle's outline.
  public func outline(x: Double, y: Double, width: Double, height: Double, _ colour: Colour, lineWidth: Double = 1) {
    set(colour)
    cairo_set_line_width(context, lineWidth)
    cairo_rectangle(context, x, y, width, height)
    cairo_stroke(context)
  }

  /// Strokes a polyline through `points`; a nil point breaks it (a gap). `dashed` draws
  /// 6-point dashes.
  public func polyline(_ points: [(Double, Double)?], _ colour: Colour, lineWidth: Double = 1.5, dashed: Bool = false) {
    set(colour)
    cairo_set_line_width(context, lineWidth)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    if dashed {
      let dashes: [Double] = [6, 4]
      cairo_set_dash(context, dashes, 2, 0)
    }
    var drawing = false
    for point in points {
      guard let (x, y) = point else {
        drawing = false
        continue
      }
      if drawing { cairo_line_to(context, x, y) } else { cairo_move_to(context, x, y) }
      drawing = true
    }
    cairo_stroke(context)
    cairo_set_dash(context, nil, 0, 0)
  }

  /// A straight line.
  public func line(from a: (Double, Double), to b: (Double, Double), _ colour: Colour, lineWidth: Double = 1) {
    polyline([a, b], colour, lineWidth: lineWidth)
  }

  /// Text at `(x, y)`: `alignX` 0 puts its left edge there, 0.5 its centre, 1 its right
  /// edge; `alignY` likewise from the top of the capitals to the baseline. `rotated` turns it
  /// a quarter anticlockwise (a y-axis label).
  public func text(
    _ string: String, x: Double, y: Double, size: Double = 12, bold: Bool = false, alignX: Double = 0, alignY: Double = 0,
    rotated: Bool = false, _ colour: Colour = .black
  ) {
    cairo_save(context)
    font(size: size, bold: bold)
    var extents = cairo_text_extents_t()
    cairo_text_extents(context, string, &extents)
    let capital = capitalHeight()
    cairo_translate(context, x, y)
    if rotated { cairo_rotate(context, -Double.pi / 2) }
    set(colour)
    cairo_move_to(context, -extents.x_advance * alignX, capital * (1 - alignY))
    cairo_show_text(context, string)
    cairo_restore(context)
  }

  /// The advance width of `string` at `size`.
  public func textWidth(_ string: String, size: Double = 12, bold: Bool = false) -> Double {
    cairo_save(context)
    defer { cairo_restore(context) }
    font(size: size, bold: bold)
    var extents = cairo_text_extents_t()
    cairo_text_extents(context, string, &extents)
    return extents.x_advance
  }

  /// Paints `rows × columns` colours (row-major, row 0 at the top) into a rectangle, each cell
  /// a sharp-edged block.
  public func image(_ colours: [Colour], rows: Int, columns: Int, x: Double, y: Double, width: Double, height: Double) {
    guard rows > 0, columns > 0, colours.count == rows * columns,
      let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(columns), Int32(rows))
    else { return }
    defer { cairo_surface_destroy(surface) }
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface))
    if let data = cairo_image_surface_get_data(surface) {
      data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * rows) { pixels in
        for r in 0..<rows {
          for c in 0..<columns {
            let colour = colours[r * columns + c]
            let (red, green, blue) = (UInt32(colour.red * 255 + 0.5), UInt32(colour.green * 255 + 0.5), UInt32(colour.blue * 255 + 0.5))
            pixels[r * (stride / 4) + c] = red << 16 | green << 8 | blue
          }
        }
      }
    }
    cairo_surface_mark_dirty(surface)
    cairo_save(context)
    cairo_rectangle(context, x, y, width, height)
    cairo_clip(context)
    cairo_translate(context, x, y)
    cairo_scale(context, width / Double(columns), height / Double(rows))
    cairo_set_source_surface(context, surface, 0, 0)
    cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
    cairo_paint(context)
    cairo_restore(context)
  }

  private func set(_ colour: Colour) { cairo_set_source_rgb(context, colour.red, colour.green, colour.blue) }

  private func font(size: Double, bold: Bool) {
    cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(context, size)
  }

  /// The height of a capital letter in the current font, for vertical alignment independent of
  /// the text.
  private func capitalHeight() -> Double {
    var extents = cairo_text_extents_t()
    cairo_text_extents(context, "H", &extents)
    return -extents.y_bearing
  }
}
