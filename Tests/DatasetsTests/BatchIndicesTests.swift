import Datasets
import Tensors
import XCTest

/// The per-epoch mini-batches: permutations, reproducible from `(seed, epoch)`, and independent
/// from one epoch to the next.
final class BatchIndicesTests: XCTestCase {
  private let dataset = try! OperatorDataset(inputs: Tensor(zeros: [1000, 1, 1]), outputs: Tensor(zeros: [1000, 1, 1]))

  /// Every epoch's batches cover each sample once, and the same `(seed, epoch)` gives the same
  /// batches while another epoch or seed does not.
  func testBatchesArePermutationsDeterminedBySeedAndEpoch() {
    let batches = dataset.batchIndices(size: 20, epoch: 3, seed: 7)
    XCTAssertEqual(batches.count, 50)
    XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<1000))
    XCTAssertEqual(dataset.batchIndices(size: 20, epoch: 3, seed: 7), batches)
    XCTAssertNotEqual(dataset.batchIndices(size: 20, epoch: 4, seed: 7), batches)
    XCTAssertNotEqual(dataset.batchIndices(size: 20, epoch: 3, seed: 8), batches)
  }

  /// Consecutive epochs' orders are unrelated: a sample's position in one epoch does not
  /// predict its position in the next (rank correlation near 0, standard deviation 1/√999 ≈ 0.03
  /// for independent permutations), and of the pairs that share a batch in one epoch only the
  /// random share of 19/999 (about 180 of 9,500) share one in the next. (When epoch `e + 1`
  /// drew from epoch `e`'s stream shifted by one draw, the orders were near-copies: rank
  /// correlation 0.4, about 800 pairs kept together.)
  func testConsecutiveEpochsAreIndependent() {
    for seed: UInt64 in [0, 1] {
      for epoch in 0..<6 {
        let (a, b) = (dataset.batchIndices(size: 20, epoch: epoch, seed: seed), dataset.batchIndices(size: 20, epoch: epoch + 1, seed: seed))
        var position = [Int](repeating: 0, count: 1000), batchOf = [Int](repeating: 0, count: 1000)
        for (k, i) in b.flatMap({ $0 }).enumerated() { position[i] = k }
        for (k, batch) in b.enumerated() { for i in batch { batchOf[i] = k } }
        // Spearman's rank correlation of the positions in the two epochs.
        let n = 1000.0
        let squaredShifts = a.flatMap { $0 }.enumerated().reduce(0.0) { $0 + pow(Double($1.offset - position[$1.element]), 2) }
        let correlation = 1 - 6 * squaredShifts / (n * (n * n - 1))
        XCTAssertLessThan(abs(correlation), 0.15, "seed \(seed), epochs \(epoch) and \(epoch + 1): rank correlation")
        var kept = 0
        for batch in a { for (x, i) in batch.enumerated() { for j in batch[(x + 1)...] where batchOf[i] == batchOf[j] { kept += 1 } } }
        XCTAssertLessThan(kept, 270, "seed \(seed), epochs \(epoch) and \(epoch + 1): pairs kept in one batch of 9,500")
      }
    }
  }
}
