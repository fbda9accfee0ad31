import Layers
import Tensors

/// A linear operator between multi-channel grid functions parameterized as one multigrid
/// V-cycle with learned convolutions: MgNO's `W_Mg` (He, Liu, Xu, ICLR 2024, after MgNet).
///
/// The input `f` (`inputChannels`) plays the right-hand side, the output `u` (`outputChannels`)
/// the approximate solution. On level `ℓ` (finest `ℓ = 0`), starting from `u = 0`:
/// - pre-smoothing, `preSmoothing[ℓ]` times: `u ← u + S(f − A u)` (the first step is `u = S f`);
/// - restriction of the residual: `f_{ℓ+1} = R(f − A u)`, and the cycle on level `ℓ + 1` from
///   `u_{ℓ+1} = 0`;
/// - coarse-grid correction: `u ← u + P u_{ℓ+1}`;
/// - post-smoothing, `postSmoothing[ℓ]` times: `u ← u + S(f − A u)`.
///
/// `A` (`out → in` channels) and each smoother `S` (`in → out`) are 3^d convolutions, `R`
/// (`in → in`) a 3^d convolution with stride 2 and `P` (`out → out`) a 3^d transposed
/// convolution with stride 2; none has a bias, so the map is linear, and with several channels
/// it holds one bounded operator `W_ij` per pair of input and output channels. Every
/// convolution sees the grid's border through `paddingMode`: `.zero` for Dirichlet,
/// `.reflect`/`.replicate` for Neumann, `.circular` for periodic boundaries.
///
/// Coarsening, per axis and level: an odd extent `n` is a vertex grid whose coarse points are
/// the odd-indexed fine points, `(n − 1)/2` of them (unpadded transfers: the classical
/// vertex-centred full weighting and linear interpolation); an even extent `n` coarsens to
/// `n/2` points at the even-indexed fine points, with the transfers seeing the border through
/// `paddingMode` (so periodic grids stay periodic on every level).
///
/// Shapes: `[batch, inputChannels, n₁, …, n_d]` → `[batch, outputChannels, n₁, …, n_d]`,
/// 1 ≤ d ≤ 3, any extents that allow `levels − 1` coarsenings (≥ 3 points per axis before each).
///
/// Parameter paths: `levels.{ℓ}.system.weight`, `levels.{ℓ}.pre.{i}.weight`,
/// `levels.{ℓ}.post.{i}.weight`, `levels.{ℓ}.restriction.weight`,
/// `levels.{ℓ}.prolongation.weight` (no restriction/prolongation on the coarsest level).
public struct MultigridConv: Module, Sendable {
  /// The learned maps of one level.
  public struct Level: Sendable {
    /// `A`: output-channel function → residual space (`[in, out, 3…]`).
    public var system: Conv
    /// The pre-smoothers `S` (`[out, in, 3…]` each).
    public var pre: [Conv]
    /// The post-smoothers `S` (`[out, in, 3…]` each).
    public var post: [Conv]
    /// `R`: residual to the next coarser level (`[in, in, 3…]`, stride 2); nil on the coarsest.
    public var restriction: Conv?
    /// `P`: coarse correction to this level (`[out, out, 3…]`, stride 2); nil on the coarsest.
    public var prolongation: TransposedConv?
  }

  /// Channels of the input (right-hand side) function.
  public let inputChannels: Int
  /// Channels of the output (solution) function.
  public let outputChannels: Int
  /// How every convolution sees the border of the grid.
  public let paddingMode: Tensor.PaddingMode
  /// The levels, finest first.
  public var levels: [Level]

  /// A V-cycle with `preSmoothing.count` levels on `dimension`-dimensional grids, initialized
  /// from `generator` (PyTorch's default uniform initialization for every convolution).
  /// `postSmoothing` defaults to none; the coarsest level needs at least one smoothing step.
  public init<G: RandomNumberGenerator>(
    inputChannels: Int, outputChannels: Int, dimension: Int, preSmoothing: [Int], postSmoothing: [Int]? = nil,
    paddingMode: Tensor.PaddingMode = .zero, using generator: inout G
  ) {
    let post = postSmoothing ?? preSmoothing.map { _ in 0 }
    precondition((1...3).contains(dimension), "1 to 3 spatial axes")
    precondition(!preSmoothing.isEmpty && post.count == preSmoothing.count, "one pre- and post-smoothing count per level")
    precondition(max(preSmoothing.last!, post.last!) >= 1, "the coarsest level needs a smoothing step")
    let kernel = Array(repeating: 3, count: dimension), twice = Array(repeating: 2, count: dimension)
    func conv(_ from: Int, _ to: Int, stride: [Int]? = nil) -> Conv {
      Conv(inputChannels: from, outputChannels: to, kernel: kernel, stride: stride, bias: false, using: &generator)
    }
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.paddingMode = paddingMode
    levels = preSmoothing.indices.map { l in
      let coarsest = l == preSmoothing.count - 1
      return Level(
        system: conv(outputChannels, inputChannels),
        pre: (0..<preSmoothing[l]).map { _ in conv(inputChannels, outputChannels) },
        post: (0..<post[l]).map { _ in conv(inputChannels, outputChannels) },
        restriction: coarsest ? nil : conv(inputChannels, inputChannels, stride: twice),
        prolongation: coarsest
          ? nil
          : TransposedConv(
            inputChannels: outputChannels, outputChannels: outputChannels, kernel: kernel, stride: twice, bias: false, using: &generator))
    }
  }

  /// Applies the V-cycle to `f`.
  /// - Throws: ``TensorError`` when the channels or the dimension do not fit, or the grid is too
  ///   small for the levels.
  public func callAsFunction(_ f: Tensor) throws -> Tensor {
    let d = levels[0].system.weight.rank - 2
    guard f.rank == d + 2, f.shape[1] == inputChannels else {
      throw TensorError.invalidShape(
        operation: "MultigridConv", message: "input \(f.shape) does not have \(inputChannels) channels and \(d) spatial axes")
    }
    var extent = Array(f.shape[2...])
    for _ in 1..<levels.count {
      guard extent.allSatisfy({ $0 >= 3 }) else {
        throw TensorError.invalidShape(
          operation: "MultigridConv", message: "grid \(Array(f.shape[2...])) is too small for \(levels.count) levels")
      }
      extent = extent.map { $0 % 2 == 1 ? ($0 - 1) / 2 : $0 / 2 }
    }
    return try cycle(0, f)
  }

  /// The V-cycle from level `l` down, for right-hand side `f` on that level.
  private func cycle(_ l: Int, _ f: Tensor) throws -> Tensor {
    let level = levels[l]
    // u ← u + S(f − A u); from u = 0 the first step is S f.
    func smoothed(_ u: Tensor?, _ smoother: Conv) throws -> Tensor {
      guard let u else { return try bordered(f, smoother) }
      return try u + bordered(f - bordered(u, level.system), smoother)
    }
    var u: Tensor? = nil
    for smoother in level.pre { u = try smoothed(u, smoother) }
    if let restriction = level.restriction, let prolongation = level.prolongation {
      let residual = try u.map { try f - bordered($0, level.system) } ?? f
      let fine = Array(f.shape[2...])
      let coarse = try cycle(l + 1, restricted(residual, restriction))
      let correction = try prolonged(coarse, prolongation, to: fine)
      u = try u.map { try $0 + correction } ?? correction
    }
    for smoother in level.post { u = try smoothed(u, smoother) }
    return u!
  }

  /// A stride-1 3^d convolution with one border cell per side in ``paddingMode``.
  private func bordered(_ x: Tensor, _ conv: Conv) throws -> Tensor {
    let d = x.rank - 2
    if paddingMode == .zero { return try x.convolved(with: conv.weight, padding: Array(repeating: 1, count: d)) }
    return try x.padded(Array(repeating: (1, 1), count: d), mode: paddingMode).convolved(with: conv.weight)
  }

  /// `R x`: unpadded on odd axes, one border cell in ``paddingMode`` on even ones.
  private func restricted(_ x: Tensor, _ restriction: Conv) throws -> Tensor {
    let pads = x.shape[2...].map { $0 % 2 == 0 ? 1 : 0 }
    let twice = pads.map { _ in 2 }
    if paddingMode == .zero { return try x.convolved(with: restriction.weight, stride: twice, padding: pads) }
    return try x.padded(pads.map { ($0, $0) }, mode: paddingMode).convolved(with: restriction.weight, stride: twice)
  }

  /// `P x` onto a level with extents `fine`: coarse point `j` sits at fine `2j + 1` on odd
  /// axes and at fine `2j` on even ones, where the transposed convolution reads one ghost
  /// coarse value per side in ``paddingMode`` (cropped again by a padding of 3).
  private func prolonged(_ x: Tensor, _ prolongation: TransposedConv, to fine: [Int]) throws -> Tensor {
    let even = fine.map { $0 % 2 == 0 }
    let extra = even.map { $0 ? 1 : 0 }
    if paddingMode == .zero { return try prolongation(x, padding: extra, outputPadding: extra) }
    let ghosts = try x.padded(extra.map { ($0, $0) }, mode: paddingMode)
    return try prolongation(ghosts, padding: extra.map { 3 * $0 }, outputPadding: extra)
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    for (l, level) in levels.enumerated() {
      let prefix = "levels.\(l)"
      try visit("\(prefix).system.weight", level.system.weight)
      for (i, s) in level.pre.enumerated() { try visit("\(prefix).pre.\(i).weight", s.weight) }
      for (i, s) in level.post.enumerated() { try visit("\(prefix).post.\(i).weight", s.weight) }
      if let r = level.restriction { try visit("\(prefix).restriction.weight", r.weight) }
      if let p = level.prolongation { try visit("\(prefix).prolongation.weight", p.weight) }
    }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    for l in levels.indices {
      let prefix = "levels.\(l)"
      try update("\(prefix).system.weight", &levels[l].system.weight)
      for i in levels[l].pre.indices { try update("\(prefix).pre.\(i).weight", &levels[l].pre[i].weight) }
      for i in levels[l].post.indices { try update("\(prefix).post.\(i).weight", &levels[l].post[i].weight) }
      if levels[l].restriction != nil { try update("\(prefix).restriction.weight", &levels[l].restriction!.weight) }
      if levels[l].prolongation != nil { try update("\(prefix).prolongation.weight", &levels[l].prolongation!.weight) }
    }
  }
}
