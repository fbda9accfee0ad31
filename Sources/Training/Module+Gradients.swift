import Layers
import Tensors

extension Module {
  /// The value of `loss(model)` and its gradient with respect to every parameter, by path.
  ///
  /// The parameters are put on a fresh tape, `loss` runs on that copy of the model, and the
  /// tape is walked back once. This is the one place where a training step's gradients are
  /// complete (the seam for data-parallel all-reduce).
  public func valueWithGradients(_ loss: (Self) throws -> Tensor) throws -> (value: Float, gradients: [String: Tensor]) {
    let tape = GradientTape()
    return try tape.record {
      var watched = self
      var paths = [String](), tensors = [Tensor]()
      watched.updateParameters { path, parameter in
        parameter = tape.watch(parameter)
        paths.append(path)
        tensors.append(parameter)
      }
      let value = try loss(watched)
      let grads = try tape.gradients(of: value, withRespectTo: tensors)
      return (value.scalar, Dictionary(uniqueKeysWithValues: zip(paths, grads)))
    }
  }
}
