extension TrainingOptions {
  /// The options of a Spectral-Refiner fine-tuning phase that follows a run with these options:
  /// `epochs` epochs at a constant rate (`learningRate`, by default the rate this run ended
  /// with: a fresh initial rate undoes part of what the run learned), no warm-up, on `loss`
  /// (the relative H⁻¹ error by default), updating only the parameters under `prefixes`, with
  /// `optimizer` (heavy-ball SGD with this run's ``momentum`` by default). Everything else (batch
  /// size, seed, weight decay, normalization, patience) stays this run's.
  ///
  /// Why SGD: the layer being refined has been widened to every frequency, the new ones at zero,
  /// and the H⁻¹ loss damps frequency `k` by `1 + 4π²|k|²`, so their gradients are orders of
  /// magnitude below the trained low frequencies'. Gradient descent moves each weight in
  /// proportion to its gradient and leaves them near zero; Adam divides by the gradient's own
  /// running magnitude and moves every weight by about the learning rate, which puts noise into
  /// the high frequencies that the L2 error counts. On the README's Navier–Stokes set, five
  /// refining epochs at the first phase's last rate (6.25e-5) took the test relative L2 of the
  /// 15-epoch space-time FNO from 1.536% to 1.521% with SGD and to 1.61% with Adam.
  ///
  /// Reference: Cao, Brarda, Li, Xi 2025, "Spectral-Refiner: Accurate Fine-Tuning of
  /// Spatiotemporal Fourier Neural Operator for Turbulent Flows", ICLR.
  public func spectralRefining(
    epochs: Int, learningRate: Float? = nil, optimizer: OptimizerKind = .sgd, loss: LossKind = .relativeNegativeSobolev,
    trainable prefixes: [String]
  ) -> TrainingOptions {
    var refining = self
    refining.epochs = epochs
    refining.learningRate = learningRate ?? self.learningRate(epoch: self.epochs - 1)
    refining.schedule = .constant
    refining.warmupEpochs = 0
    refining.loss = loss
    refining.optimizer = optimizer
    refining.trainablePrefixes = prefixes
    return refining
  }
}
