import Foundation

/// Up-front refusal of work that cannot fit in memory: sizes that come from outside (file
/// headers, command-line options, checkpoint metadata) are multiplied with overflow checks and
/// compared with the machine's physical memory before anything is allocated, so a huge request
/// is a one-line error naming the bytes instead of a failed allocation or an overflow trap.
public enum MemoryBudget {
  /// The machine's physical memory in bytes.
  public static var available: UInt64 { ProcessInfo.processInfo.physicalMemory }

  /// The product of `factors` (negative ones count as 0), nil when it overflows 64 bits.
  public static func product(_ factors: [Int]) -> UInt64? {
    var total: UInt64 = 1
    for factor in factors {
      let (next, overflow) = total.multipliedReportingOverflow(by: UInt64(max(factor, 0)))
      if overflow { return nil }
      total = next
    }
    return total
  }

  /// The product of `factors` as an `Int`, nil when it does not fit one.
  public static func count(_ factors: [Int]) -> Int? {
    product(factors).flatMap { $0 <= UInt64(Int.max) ? Int($0) : nil }
  }

  /// Throws unless `bytes` (the sum of the products of each term's factors) fit in `fraction` of
  /// physical memory.
  /// - Throws: ``MemoryBudgetError`` naming `what`, the bytes needed and the bytes available.
  public static func require(_ terms: [[Int]], what: String, fraction: Double = 1) throws {
    let limit = UInt64(Double(available) * fraction)
    var total: UInt64? = 0
    for term in terms {
      guard let sum = total, let bytes = product(term) else {
        total = nil
        break
      }
      let (next, overflow) = sum.addingReportingOverflow(bytes)
      total = overflow ? nil : next
    }
    guard let total, total <= limit else { throw MemoryBudgetError(what: what, needed: total, available: limit) }
  }
}

/// Work refused up front because it would not fit in memory.
public struct MemoryBudgetError: Error, Equatable, CustomStringConvertible {
  /// What was asked for.
  public let what: String
  /// The bytes it needs (nil: more than 2^64).
  public let needed: UInt64?
  /// The bytes available to it.
  public let available: UInt64
  public var description: String {
    "\(what) needs \(needed.map { "\($0 / 1_000_000) MB" } ?? "more than 2^64 bytes"); this machine has \(available / 1_000_000) MB"
  }
}
