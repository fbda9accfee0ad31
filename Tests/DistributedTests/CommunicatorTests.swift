import XCTest

@testable import Distributed

final class CommunicatorTests: XCTestCase {
  /// Blocks cover `0 ..< count` in order, without gaps or overlaps, and differ in size by at
  /// most one — also when the parts do not divide the count, or outnumber it.
  func testBlocksPartitionTheRangeEvenly() {
    for (count, parts) in [(10, 1), (10, 2), (10, 3), (7, 4), (2, 5), (0, 3), (1000, 7)] {
      let blocks = (0..<parts).map { Communicator.block($0, of: count, parts: parts) }
      XCTAssertEqual(blocks.first?.lowerBound, 0)
      XCTAssertEqual(blocks.last?.upperBound, count)
      for (a, b) in zip(blocks, blocks.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
      let sizes = blocks.map(\.count)
      XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(count) in \(parts): \(sizes)")
      XCTAssertEqual(sizes, sizes.sorted(by: >), "earlier blocks are never smaller")
    }
  }

  /// One rank: every collective is the identity, and nothing calls MPI.
  func testSingleRankCollectivesAreIdentities() {
    let one = Communicator.single
    var floats: [Float] = [1, -2.5], doubles: [Double] = [3], ints = [4, 5]
    one.allReduceSum(&floats)
    one.allReduceSum(&doubles)
    one.allReduceSum(&ints)
    var bytes: [UInt8] = [7, 8]
    one.broadcast(&bytes)
    XCTAssertEqual(floats, [1, -2.5])
    XCTAssertEqual(doubles, [3])
    XCTAssertEqual(ints, [4, 5])
    XCTAssertEqual(bytes, [7, 8])
    XCTAssertEqual(one.gather([1, 2, 3]), [[1, 2, 3]])
    XCTAssertEqual(one.allReduceMax(9), 9)
    XCTAssertEqual(one.block(of: 5), 0..<5)
    one.barrier()
  }

  /// Only a launcher's environment makes a process an MPI rank; the test process itself,
  /// started without `mpirun`, is one rank.
  func testLauncherDetection() {
    XCTAssertFalse(Communicator.launchedByMPI(environment: ["PATH": "/usr/bin"]))
    XCTAssertTrue(Communicator.launchedByMPI(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
    XCTAssertTrue(Communicator.launchedByMPI(environment: ["PMI_SIZE": "4"]))
    if !Communicator.launchedByMPI() { XCTAssertEqual(Communicator.world, .single) }
  }
}
