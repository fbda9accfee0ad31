// Fuzz target for the Matrix Market reader (matrices and arrays): `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-mtx FILE|DIR…`.
import FuzzHarness
import Sparse

func read(_ path: String) throws { if (try? MatrixMarket.readMatrix(from: path)) == nil { _ = try MatrixMarket.readArray(from: path) } }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".mtx", read) }
}
