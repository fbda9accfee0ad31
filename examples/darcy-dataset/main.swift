// Generate a small Darcy dataset with the library, read it back, and look at it.
//
//   swift run -c release darcy-dataset [samples] [resolution]
//
// The same files come from `opkit generate darcy`; numpy reads them with np.load.
import Foundation
import OperatorKit

ProcessConfiguration.apply()  // all cores, OpenBLAS on one thread: set once, before any work

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let samples = arguments.first ?? 50
let resolution = arguments.dropFirst().first ?? 32
let directory = "out/examples/darcy\(resolution)"

// Samples depend only on (seed, index): rerunning resumes from the finished shards.
let generator = try DarcyDatasetGenerator(
  resolution: resolution, samples: samples, seed: 0, solver: .independent(.pcgMultigrid), shardSize: 10)
let summary = try generator.generate(in: directory)
print("generated \(summary.samples) samples in \(String(format: "%.2f", summary.seconds)) s, mean iterations \(summary.meanIterations)")

// Read the dataset back: coefficients and solutions are (N, s, s) float32 arrays.
let coefficients = try NumpyArray(contentsOf: directory + "/coeff.npy")
let solutions = try NumpyArray(contentsOf: directory + "/sol.npy")
let fraction = Double(coefficients.values.filter { $0 == 12 }.count) / Double(coefficients.values.count)
print("coeff.npy \(coefficients.shape) \(coefficients.dtype.rawValue): \(Int(fraction * 100))% of points have a = 12, the rest a = 3")
print("sol.npy \(solutions.shape): max u = \(solutions.values.max() ?? 0)")

// Look at the first sample's solution.
let s = resolution
try FieldGrid(Array(solutions.values[0..<(s * s)]), rows: s, columns: s, title: "Darcy, sample 0", columnTitle: "solution u")
  .write(to: directory + "/sample0.png")
print("wrote \(directory)/sample0.png")
