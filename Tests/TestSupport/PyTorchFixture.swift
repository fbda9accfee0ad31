import Foundation
import Layers
import Tensors
import Training
import XCTest

/// Checks `model` against a fixture written by a `bench/*_fixture.py` script from the PyTorch
/// transcription: the fixture's parameters are loaded into `model` (opkit's names and layout),
/// and its forward pass on `input` must equal PyTorch's `output` (relative 1e-5) and the
/// gradients of `sum(output * cotangent)` PyTorch's `gradient.<name>` (relative 1e-4), for every
/// parameter. `name` is a file of `Tests/Fixtures`.
public func assertAgreesWithPyTorchFixture<M: Module>(
  _ model: M, fixture name: String, apply: (M, Tensor) throws -> Tensor, file: StaticString = #filePath, line: UInt = #line
) throws {
  let tensors = try pyTorchFixture(name)
  let data = ["input", "output", "cotangent"]
  var model = model
  try model.loadParameters(tensors.filter { !$0.key.hasPrefix("gradient.") && !data.contains($0.key) })
  let (x, cotangent) = (try XCTUnwrap(tensors["input"]), try XCTUnwrap(tensors["cotangent"]))
  func values(_ t: Tensor) -> [Double] { t.scalars.map(Double.init) }
  assertClose(values(try apply(model, x)), values(try XCTUnwrap(tensors["output"])), rtol: 1e-5, "output", file: file, line: line)
  let result = try model.valueWithGradients { try (apply($0, x) * cotangent).sum() }
  XCTAssertEqual(result.gradients.count, model.parameters.count, file: file, line: line)
  for (path, gradient) in result.gradients {
    let expected = try XCTUnwrap(tensors["gradient.\(path)"], path, file: file, line: line)
    XCTAssertEqual(gradient.shape, expected.shape, path, file: file, line: line)
    assertClose(values(gradient), values(expected), rtol: 1e-4, path, file: file, line: line)
  }
}

/// The tensors of `Tests/Fixtures/<name>` (written by a `bench/*_fixture.py` script).
public func pyTorchFixture(_ name: String) throws -> [String: Tensor] {
  let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/\(name)").path
  return try SafetensorsFile(contentsOf: path).tensors
}
