// Fuzz target for the time-series CSV reader: `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-csv FILE|DIR…`.
import FuzzHarness
import Koopman

func read(_ path: String) throws { _ = try TimeSeries(csv: path) }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".csv", read) }
}
