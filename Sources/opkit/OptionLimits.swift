import ArgumentParser

/// Upper limits on integer options, checked in `validate()` before any work, so that no size or
/// count from the command line can overflow the arithmetic done with it (batch counts, progress
/// totals, channel products) or run on for ever.
enum OptionLimits {
  /// Sizes: channels, modes, layers, patches, window lengths, blocks, pictures (65,536).
  static let largestSize = 65536
  /// Counts: epochs, batch sizes, warm-up and checkpoint intervals (10⁷).
  static let largestCount = 10_000_000

  /// Throws a usage error naming the first option whose value exceeds `limit`.
  static func require(_ options: KeyValuePairs<String, Int>, atMost limit: Int) throws {
    for (name, value) in options where value > limit {
      throw ValidationError("\(name) must be at most \(limit), got \(value)")
    }
  }
}
