// Fuzz target for the Gmsh .msh 2.2/4.1 reader: `make fuzz` builds it with libFuzzer; built normally it replays
// files through the reader: `.build/release/fuzz-msh FILE|DIR…`.
import FuzzHarness
import Meshes

func read(_ path: String) throws { _ = try Mesh(gmshFile: path) }

@main enum FuzzTarget {
  static func main() { FuzzHarness.run(suffix: ".msh", read) }
}
