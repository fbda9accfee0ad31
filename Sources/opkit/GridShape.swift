import ArgumentParser

/// A grid size given as `N`, `NxM` or `NxMxK` interior unknowns per axis.
struct GridShape: ExpressibleByArgument, Equatable, CustomStringConvertible {
  let counts: [Int]

  init?(argument: String) {
    let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count) else { return nil }
    var counts = [Int]()
    for p in parts {
      guard let n = Int(p) else { return nil }
      counts.append(n)
    }
    self.counts = counts
  }

  var description: String { counts.map(String.init).joined(separator: "x") }
}
