import Layers
import Spectral
import Tensors

/// The configuration of an Adaptive Fourier Neural Operator; with the layer tree it makes a model.
public struct AFNOConfiguration: ModelConfiguration {
  /// Channels of the input fields.
  public var inputChannels: Int
  /// Channels of the output fields.
  public var outputChannels: Int
  /// The grid `[height, width]` the model takes (its position embedding is learned on it).
  public var grid: [Int]
  /// Side of the square patches that become tokens (dividing both grid extents).
  public var patch: Int
  /// Channels of a token.
  public var embedding: Int
  /// Number of AFNO blocks.
  public var depth: Int
  /// Blocks of the block-diagonal channel MLP in the Fourier domain (dividing ``embedding``).
  public var blocks: Int
  /// Hidden channels of each token MLP, as a multiple of ``embedding``.
  public var mlpRatio: Int
  /// The soft-thresholding level `λ` of the Fourier-domain outputs (sparsity).
  public var sparsityThreshold: Float
  /// Whether the channels are snapshots of a trajectory (inputs the first ones, outputs the
  /// ones that follow), so evaluation and prediction cut trajectories as for the FNO models.
  public var trajectory: Bool

  /// A configuration; the defaults are a small AFNO for 2D fields (patches of 2, 128 channels,
  /// 4 blocks, 8 channel blocks, MLP ratio 4, `λ = 0.01` as FourCastNet).
  public init(
    inputChannels: Int = 1, outputChannels: Int = 1, grid: [Int] = [64, 64], patch: Int = 2, embedding: Int = 128, depth: Int = 4,
    blocks: Int = 8, mlpRatio: Int = 4, sparsityThreshold: Float = 0.01, trajectory: Bool = false
  ) {
    (self.inputChannels, self.outputChannels, self.grid, self.patch) = (inputChannels, outputChannels, grid, patch)
    (self.embedding, self.depth, self.blocks, self.mlpRatio) = (embedding, depth, blocks, mlpRatio)
    (self.sparsityThreshold, self.trajectory) = (sparsityThreshold, trajectory)
  }

  /// The token grid `[height/patch, width/patch]`.
  public var tokens: [Int] { grid.map { $0 / max(patch, 1) } }

  /// Checks that the numbers make a model: a 2D grid divisible by the patch, counts at least 1,
  /// the embedding divisible into the channel blocks, a non-negative threshold.
  /// - Throws: ``ModelConfigurationError`` naming the first value that does not.
  public func validate() throws {
    func fail(_ message: String) -> ModelConfigurationError { ModelConfigurationError(model: AFNO.kind, message: message) }
    guard inputChannels >= 1, outputChannels >= 1 else {
      throw fail("channels must be at least 1, got \(inputChannels) in, \(outputChannels) out")
    }
    guard grid.count == 2, patch >= 1, grid.allSatisfy({ $0 >= patch && $0 % patch == 0 }) else {
      throw fail("takes a 2D grid divisible into patches of \(patch), got grid \(grid)")
    }
    guard embedding >= 1, depth >= 1, blocks >= 1, mlpRatio >= 1, embedding % blocks == 0 else {
      throw fail(
        "embedding, depth, blocks and MLP ratio must be at least 1 with blocks dividing the embedding, got \(embedding), \(depth), "
          + "\(blocks), \(mlpRatio)")
    }
    guard sparsityThreshold >= 0, sparsityThreshold.isFinite else {
      throw fail("the sparsity threshold must be ≥ 0, got \(sparsityThreshold)")
    }
    // Per layer: the two block-diagonal complex weights and the token MLP (products checked,
    // so sizes from a checkpoint cannot overflow); then the position embedding and the patch
    // embedding and projection.
    try ModelConfigurationError.requireMemory(
      forParameters: [
        [depth, 4, embedding, embedding / blocks], [depth, 2, embedding, embedding, mlpRatio], [embedding] + grid.map { $0 / patch },
        [inputChannels, patch, patch, embedding], [embedding, outputChannels, patch, patch],
      ], model: AFNO.kind)
  }

  /// Checks that a batch is `[batch, inputChannels, height, width]` on the model's grid.
  public func validate(input shape: [Int]) throws {
    if let error = ModelConfigurationError.unlessInput(shape, model: AFNO.kind, channels: inputChannels, dimension: 2) { throw error }
    guard Array(shape.dropFirst(2)) == grid else {
      throw ModelConfigurationError(
        model: AFNO.kind, message: "learned its position embedding on the grid \(grid), got \(Array(shape.dropFirst(2)))")
    }
  }
}

/// AFNO token mixing: the tokens' 2D real FFT (orthonormal), at every frequency the same
/// block-diagonal complex two-layer MLP across channels (ReLU between), soft-thresholding of the
/// result, the inverse FFT, plus the input. Shapes: `[batch, h, w, channels]` in and out.
/// Parameters `w1` `[2, blocks, b, b]` (real, imaginary), `b1` `[2, blocks, b]`, `w2`, `b2`
/// likewise, `b = channels/blocks`, initialized `N(0, 0.02²)` as the reference.
public struct AFNOFilter: Module, Sendable {
  /// First layer's weights.
  public var w1: Tensor
  /// First layer's biases.
  public var b1: Tensor
  /// Second layer's weights.
  public var w2: Tensor
  /// Second layer's biases.
  public var b2: Tensor
  /// `λ` of the soft-thresholding.
  public let threshold: Float

  /// A filter over `channels` channels in `blocks` blocks.
  public init<G: RandomNumberGenerator>(channels: Int, blocks: Int, threshold: Float, using generator: inout G) {
    let size = channels / blocks
    w1 = Initializer.normal(shape: [2, blocks, size, size], standardDeviation: 0.02, using: &generator)
    b1 = Initializer.normal(shape: [2, blocks, size], standardDeviation: 0.02, using: &generator)
    w2 = Initializer.normal(shape: [2, blocks, size, size], standardDeviation: 0.02, using: &generator)
    b2 = Initializer.normal(shape: [2, blocks, size], standardDeviation: 0.02, using: &generator)
    self.threshold = threshold
  }

  /// Applies the filter to tokens `[batch, h, w, channels]`.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let (batch, h, w, channels) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (blocks, size) = (w1.shape[1], w1.shape[2])
    let half = w / 2 + 1
    let positions = batch * h * half
    let scale = Float(h * w).squareRoot()
    let spectrum = try x.permuted([0, 3, 1, 2]).realFFT(dimensions: 2) * (1 / scale)  // [B, C, h, half, 2]
    // Real and imaginary parts as [blocks, positions, size]: one batched product per block.
    func part(_ k: Int) throws -> Tensor {
      try spectrum.sliced([0..<batch, 0..<channels, 0..<h, 0..<half, k..<(k + 1)])
        .reshaped(to: [batch, blocks, size, h, half]).permuted([1, 0, 3, 4, 2]).reshaped(to: [blocks, positions, size])
    }
    func parameter(_ p: Tensor, _ k: Int) throws -> Tensor {
      try p.sliced([k..<(k + 1)]).reshaped(to: Array(p.shape.dropFirst()))
    }
    func bias(_ b: Tensor, _ k: Int) throws -> Tensor { try parameter(b, k).reshaped(to: [blocks, 1, size]) }
    let (re, im) = (try part(0), try part(1))
    let (w1r, w1i, w2r, w2i) = (try parameter(w1, 0), try parameter(w1, 1), try parameter(w2, 0), try parameter(w2, 1))
    let hiddenRe = try (re.matmul(w1r) - im.matmul(w1i) + bias(b1, 0)).relu()
    let hiddenIm = try (im.matmul(w1r) + re.matmul(w1i) + bias(b1, 1)).relu()
    let outRe = try softShrink(hiddenRe.matmul(w2r) - hiddenIm.matmul(w2i) + bias(b2, 0))
    let outIm = try softShrink(hiddenIm.matmul(w2r) + hiddenRe.matmul(w2i) + bias(b2, 1))
    func back(_ t: Tensor) throws -> Tensor {
      try t.reshaped(to: [blocks, batch, h, half, size]).permuted([1, 0, 4, 2, 3]).reshaped(to: [batch, channels, h, half, 1])
    }
    let mixed = try Tensor.concatenated([back(outRe), back(outIm)], alongAxis: 4)
    return try mixed.inverseRealFFT(sizes: [h, w]).permuted([0, 2, 3, 1]) * scale + x
  }

  /// `sign(x)·max(|x| − λ, 0)`.
  private func softShrink(_ x: Tensor) throws -> Tensor {
    try (x + -threshold).relu() - (x * -1 + -threshold).relu()
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try visit("w1", w1)
    try visit("b1", b1)
    try visit("w2", w2)
    try visit("b2", b2)
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try update("w1", &w1)
    try update("b1", &b1)
    try update("w2", &w2)
    try update("b2", &b2)
  }
}

/// One AFNO block (FourCastNet's, with the double skip): `u = filter(norm₁(x)) + x`, then
/// `u + mlp(norm₂(u))`, layer norms with `ε = 10⁻⁶` as there. Tokens `[batch, h, w, channels]`.
public struct AFNOBlock: Module, Sendable {
  /// Normalization before the token mixing.
  public var norm1: LayerNorm
  /// Token mixing in the Fourier domain.
  public var filter: AFNOFilter
  /// Normalization before the channel MLP.
  public var norm2: LayerNorm
  /// The channel MLP's layers (GELU between).
  public var mlp1: Linear, mlp2: Linear

  /// A block of `channels` channels.
  public init<G: RandomNumberGenerator>(channels: Int, blocks: Int, mlpRatio: Int, threshold: Float, using generator: inout G) {
    norm1 = LayerNorm(features: channels, epsilon: 1e-6)
    filter = AFNOFilter(channels: channels, blocks: blocks, threshold: threshold, using: &generator)
    norm2 = LayerNorm(features: channels, epsilon: 1e-6)
    mlp1 = AFNO.linear(channels, channels * mlpRatio, using: &generator)
    mlp2 = AFNO.linear(channels * mlpRatio, channels, using: &generator)
  }

  /// Applies the block.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let u = try filter(norm1(x)) + x
    var hidden = try mlp1(norm2(u))
    hidden.formGELU()
    return try mlp2(hidden) + u
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try norm1.visitParameters { try visit(parameterPath("norm1", $0), $1) }
    try filter.visitParameters { try visit(parameterPath("filter", $0), $1) }
    try norm2.visitParameters { try visit(parameterPath("norm2", $0), $1) }
    try mlp1.visitParameters { try visit(parameterPath("mlp1", $0), $1) }
    try mlp2.visitParameters { try visit(parameterPath("mlp2", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try norm1.updateParameters { try update(parameterPath("norm1", $0), &$1) }
    try filter.updateParameters { try update(parameterPath("filter", $0), &$1) }
    try norm2.updateParameters { try update(parameterPath("norm2", $0), &$1) }
    try mlp1.updateParameters { try update(parameterPath("mlp1", $0), &$1) }
    try mlp2.updateParameters { try update(parameterPath("mlp2", $0), &$1) }
  }
}

/// An Adaptive Fourier Neural Operator: square patches embedded as tokens (a strided
/// convolution) plus a learned position embedding, `depth` AFNO blocks mixing tokens in the
/// Fourier domain with a block-diagonal complex MLP shared across frequencies and
/// soft-thresholded (sparsity), and a linear head turning each token back into its patch.
/// Shapes: `[batch, inputChannels, height, width]` → `[batch, outputChannels, height, width]` on
/// the configured grid.
///
/// Parameter paths: `embedding.*`, `position`, `blocks.{i}.{norm1,filter,norm2,mlp1,mlp2}.*`,
/// `head.*`.
///
/// Reference: Guibas, Mardani, Li, Tao, Anandkumar, Catanzaro 2022, "Adaptive Fourier Neural
/// Operators: Efficient Token Mixers for Transformers", ICLR; FourCastNet (Pathak et al. 2022).
public struct AFNO: ConfiguredModel {
  /// The name checkpoints record for AFNO models.
  public static let kind = "afno"

  /// The configuration that built the model.
  public let configuration: AFNOConfiguration
  /// Patch embedding: a convolution with kernel and stride `patch`.
  public var embedding: Conv
  /// The learned position embedding `[1, embedding, h, w]` on the token grid.
  public var position: Tensor
  /// The AFNO blocks.
  public var blocks: [AFNOBlock]
  /// Token → patch values `embedding → outputChannels·patch²`.
  public var head: Linear

  /// A model initialized from `generator` (linear layers and the position embedding
  /// `N(0, 0.02²)` with zero biases, as the reference).
  public init<G: RandomNumberGenerator>(_ configuration: AFNOConfiguration, using generator: inout G) {
    self.configuration = configuration
    let (p, d) = (configuration.patch, configuration.embedding)
    embedding = Conv(inputChannels: configuration.inputChannels, outputChannels: d, kernel: [p, p], stride: [p, p], using: &generator)
    position = Initializer.normal(shape: [1, d] + configuration.tokens, standardDeviation: 0.02, using: &generator)
    blocks = (0..<configuration.depth).map { _ in
      AFNOBlock(
        channels: d, blocks: configuration.blocks, mlpRatio: configuration.mlpRatio, threshold: configuration.sparsityThreshold,
        using: &generator)
    }
    head = AFNO.linear(d, configuration.outputChannels * p * p, using: &generator)
  }

  /// A linear layer with `N(0, 0.02²)` weights and zero bias (the reference's initialization).
  static func linear<G: RandomNumberGenerator>(_ input: Int, _ output: Int, using generator: inout G) -> Linear {
    var layer = Linear(inputFeatures: input, outputFeatures: output, using: &generator)
    layer.weight = Initializer.normal(shape: [output, input], standardDeviation: 0.02, using: &generator)
    layer.bias = Tensor(zeros: [output])
    return layer
  }

  /// Applies the operator.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let (batch, p, out) = (x.shape[0], configuration.patch, configuration.outputChannels)
    let (h, w) = (configuration.tokens[0], configuration.tokens[1])
    var tokens = try (embedding(x) + position).permuted([0, 2, 3, 1])  // [B, h, w, D]
    for block in blocks { tokens = try block(tokens) }
    let patches = try head(tokens)  // [B, h, w, out·p·p]
    return try patches.reshaped(to: [batch, h, w, out, p, p]).permuted([0, 3, 1, 4, 2, 5]).reshaped(to: [batch, out, h * p, w * p])
  }

  /// For a trajectory model, its input snapshots and the ones it predicts at once.
  public var rolloutSteps: RolloutSteps? {
    configuration.trajectory
      ? RolloutSteps(history: configuration.inputChannels, predicted: configuration.outputChannels, dimension: 2) : nil
  }

  public func visitParameters(_ visit: (String, Tensor) throws -> Void) rethrows {
    try embedding.visitParameters { try visit(parameterPath("embedding", $0), $1) }
    try visit("position", position)
    for (i, block) in blocks.enumerated() { try block.visitParameters { try visit(parameterPath("blocks.\(i)", $0), $1) } }
    try head.visitParameters { try visit(parameterPath("head", $0), $1) }
  }

  public mutating func updateParameters(_ update: (String, inout Tensor) throws -> Void) rethrows {
    try embedding.updateParameters { try update(parameterPath("embedding", $0), &$1) }
    try update("position", &position)
    for i in blocks.indices { try blocks[i].updateParameters { try update(parameterPath("blocks.\(i)", $0), &$1) } }
    try head.updateParameters { try update(parameterPath("head", $0), &$1) }
  }
}
