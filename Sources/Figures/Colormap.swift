/// Perceptually uniform colour maps.
public enum Colormap {
  /// Viridis (matplotlib's default), piecewise-linear through nine of its published anchor
  /// colours; `t` is clamped to `[0, 1]` (non-finite as 0).
  public static func viridis(_ t: Double) -> Colour {
    let anchors: [(Double, Double, Double)] = [
      (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
      (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]
    let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
    let i = min(Int(x), anchors.count - 2)
    let f = x - Double(i)
    let (a, b) = (anchors[i], anchors[i + 1])
    return Colour(UInt8(a.0 + f * (b.0 - a.0)), UInt8(a.1 + f * (b.1 - a.1)), UInt8(a.2 + f * (b.2 - a.2)))
  }
}
