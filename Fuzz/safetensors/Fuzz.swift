// Fuzz target for the safetensors reader and checkpoint loading (configuration from metadata): `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-safetensors FILE|DIR…`.
import FuzzHarness
import OperatorKit

func read(_ path: String) throws { _ = try SafetensorsFile(contentsOf: path); _ = try ModelRegistry.standard.load(checkpointAt: path) }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".safetensors", read) }
}
