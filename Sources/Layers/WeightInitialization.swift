/// How a dense layer's parameters start, chosen by name in configurations.
public enum WeightInitialization: String, Codable, Sendable, CaseIterable {
  /// PyTorch's default: weight and bias uniform in `±1/√fanIn` (Kaiming-uniform with `a = √5`).
  case uniform
  /// Glorot (Xavier) normal weights with standard deviation `√(2 / (fanIn + fanOut))` and zero
  /// biases (Glorot & Bengio 2010): the DeepONet papers' and DeepXDE's choice.
  case glorotNormal = "glorot-normal"
}
