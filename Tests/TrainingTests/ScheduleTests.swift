import Layers
import Tensors
import TestSupport
import Training
import XCTest

final class ScheduleTests: XCTestCase {
  func testSchedules() {
    let step = StepDecay(initial: 1e-3, stepSize: 20)
    XCTAssertEqual(step.learningRate(epoch: 19), 1e-3)
    XCTAssertEqual(step.learningRate(epoch: 20), 5e-4)
    XCTAssertEqual(step.learningRate(epoch: 99), 1e-3 / 16, accuracy: 1e-12)
    let cosine = CosineAnnealing(initial: 1, total: 10, minimum: 0.1)
    XCTAssertEqual(cosine.learningRate(epoch: 0), 1)
    XCTAssertEqual(cosine.learningRate(epoch: 5), 0.55, accuracy: 1e-6)
    XCTAssertEqual(cosine.learningRate(epoch: 20), 0.1, accuracy: 1e-6)
    let warm = LinearWarmup(cosine, warmup: 4)
    XCTAssertEqual(warm.learningRate(epoch: 0), 0.25)
    XCTAssertEqual(warm.learningRate(epoch: 3), 1)
    XCTAssertEqual(warm.learningRate(epoch: 9), cosine.learningRate(epoch: 5))
  }

  func testRelativeH1LossValueAndGradient() throws {
    // u = 0, t = ramp: the error equals the target, so the ratio is 1.
    let t = try Tensor(shape: [1, 4], scalars: [0, 1, 2, 3])
    XCTAssertEqual(try Loss.relativeH1(Tensor(zeros: [1, 4]), t, spacing: [1]).scalar, 1, accuracy: 1e-6)
    // p = 2t: also ratio 1; p = t: 0.
    XCTAssertEqual(try Loss.relativeH1(t * 2, t, spacing: [1]).scalar, 1, accuracy: 1e-6)
    XCTAssertEqual(try Loss.relativeH1(t, t, spacing: [1]).scalar, 0)
    let target = randomTensor([2, 5, 6], seed: 1)
    try checkGradients([randomTensor([2, 5, 6], seed: 2)]) { try Loss.relativeH1($0[0], target, spacing: [0.25, 0.2]) }
  }
}
