// Fuzz target for the MATLAB .mat reader (v5 with zlib, v7.3 through HDF5): `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-mat FILE|DIR…`.
import FuzzHarness
import Datasets

func read(_ path: String) throws { _ = try MATFile.read("a", from: path) }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".mat", read) }
}
