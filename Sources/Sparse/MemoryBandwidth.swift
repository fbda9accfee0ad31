import Parallelism

/// Memory-bandwidth baselines for judging bandwidth-bound kernels such as SpMV.
public enum MemoryBandwidth {
  /// The STREAM triad `a ← b + s·c` over `count` doubles, split across ``Parallel`` workers
  /// like our SpMV. Returns the bandwidth of each of `repeats` runs in bytes per second, counting
  /// 24 bytes per element as STREAM does (two loads, one store).
  ///
  /// References: McCalpin 1995, "Memory bandwidth and machine balance in current high performance
  /// computers", IEEE TCCA Newsletter.
  public static func triad(count: Int, repeats: Int) -> [Double] {
    var a = [Double](repeating: 0, count: count)
    let b = [Double](repeating: 1, count: count), c = [Double](repeating: 2, count: count)
    var rates = [Double]()
    for _ in 0..<repeats {
      let start = ContinuousClock.now
      b.withUnsafeBufferPointer { b in
        c.withUnsafeBufferPointer { c in
          a.withUnsafeMutableBufferPointer { a in
            let (a, b, c) = (SharedPointer(a), SharedPointer(b), SharedPointer(c))
            Parallel.forEachRange(count: count, parts: Parallel.workers(forWork: count, perWorker: 50_000)) { _, range in
              for i in range { a.base[i] = b.base[i] + 3 * c.base[i] }
            }
          }
        }
      }
      let d = ContinuousClock.now - start
      let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
      rates.append(Double(24 * count) / seconds)
    }
    precondition(a[count / 2] == 7, "triad result")
    return rates
  }
}

extension CSRMatrix {
  /// Minimum bytes one SpMV `y = A x` moves: values (8 B) and column indices (4 B) per nonzero,
  /// row pointers, one read of `x` and one write of `y`. Dividing by the time gives the
  /// achieved bandwidth, comparable with ``MemoryBandwidth/triad(count:repeats:)``.
  public var spmvTrafficBytes: Int { 12 * nonzeroCount + 4 * (rowCount + 1) + 8 * (columnCount + rowCount) }
}
