import CMPI

/// The collectives OperatorKit needs: broadcast, in-place all-reduce of `Float`/`Double`/`Int`
/// buffers, gathers of byte blobs. Every rank must call the same collective in the same order;
/// on the one-rank communicator each is the identity.
extension Communicator {
  /// Sums `values` over all ranks in place: afterwards every rank holds the same sums.
  public func allReduceSum(_ values: inout [Float]) {
    guard usesMPI, !values.isEmpty else { return }
    precondition(values.count <= Int(Int32.max), "all-reduce of more than 2^31 values")
    values.withUnsafeMutableBufferPointer { buffer in
      _ = MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_float(), cmpi_sum(), cmpi_comm_world())
    }
  }

  /// Sums `values` over all ranks in place.
  public func allReduceSum(_ values: inout [Double]) {
    guard usesMPI, !values.isEmpty else { return }
    precondition(values.count <= Int(Int32.max), "all-reduce of more than 2^31 values")
    values.withUnsafeMutableBufferPointer { buffer in
      _ = MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_double(), cmpi_sum(), cmpi_comm_world())
    }
  }

  /// Sums `values` over all ranks in place.
  public func allReduceSum(_ values: inout [Int]) {
    guard usesMPI, !values.isEmpty else { return }
    precondition(values.count <= Int(Int32.max), "all-reduce of more than 2^31 values")
    values.withUnsafeMutableBufferPointer { buffer in
      _ = MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_int64(), cmpi_sum(), cmpi_comm_world())
    }
  }

  /// The largest of every rank's `value`.
  public func allReduceMax(_ value: Int) -> Int {
    guard usesMPI else { return value }
    var x = Int64(value)
    _ = MPI_Allreduce(cmpi_in_place(), &x, 1, cmpi_int64(), cmpi_max(), cmpi_comm_world())
    return Int(x)
  }

  /// Replaces `bytes` on every rank with `root`'s (whatever their lengths were).
  public func broadcast(_ bytes: inout [UInt8], root: Int = 0) {
    guard usesMPI else { return }
    var count = Int64(bytes.count)
    _ = MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), cmpi_comm_world())
    precondition(count <= Int64(Int32.max), "broadcast of more than 2 GiB")
    if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
    bytes.withUnsafeMutableBytes { buffer in
      _ = MPI_Bcast(buffer.baseAddress, Int32(count), cmpi_byte(), Int32(root), cmpi_comm_world())
    }
  }

  /// Every rank's `blob`, in rank order, at `root` (nil on the other ranks).
  public func gather(_ blob: [UInt8], root: Int = 0) -> [[UInt8]]? {
    guard usesMPI else { return [blob] }
    precondition(blob.count <= Int(Int32.max), "gather of a blob over 2 GiB")
    var count = Int32(blob.count)
    var counts = [Int32](repeating: 0, count: rank == root ? size : 0)
    counts.withUnsafeMutableBufferPointer { counts in
      _ = MPI_Gather(&count, 1, cmpi_int32(), counts.baseAddress, 1, cmpi_int32(), Int32(root), cmpi_comm_world())
    }
    var displacements = [Int32](repeating: 0, count: counts.count)
    var total = 0
    for (i, c) in counts.enumerated() {
      precondition(total + Int(c) <= Int(Int32.max), "gather of more than 2 GiB")
      displacements[i] = Int32(total)
      total += Int(c)
    }
    var received = [UInt8](repeating: 0, count: total)
    blob.withUnsafeBytes { send in
      received.withUnsafeMutableBytes { receive in
        counts.withUnsafeBufferPointer { counts in
          displacements.withUnsafeBufferPointer { displacements in
            _ = MPI_Gatherv(
              send.baseAddress, count, cmpi_byte(), receive.baseAddress, counts.baseAddress, displacements.baseAddress, cmpi_byte(),
              Int32(root), cmpi_comm_world())
          }
        }
      }
    }
    guard rank == root else { return nil }
    return counts.indices.map { Array(received[Int(displacements[$0])..<(Int(displacements[$0]) + Int(counts[$0]))]) }
  }
}
