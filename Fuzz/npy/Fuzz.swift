// Fuzz target for the .npy reader: `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-npy FILE|DIR…`.
import FuzzHarness
import Tensors

func read(_ path: String) throws { _ = try NumpyArray(contentsOf: path) }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".npy", read) }
}
