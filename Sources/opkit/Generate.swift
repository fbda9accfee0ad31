import ArgumentParser
import Foundation
import OperatorKit

/// `opkit generate`: PDE training data.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate PDE training data as .npy datasets.",
    subcommands: [
      GenerateDarcy.self, GenerateThermal.self, GeneratePoisson.self, GenerateHelmholtz.self, GenerateAntiderivative.self,
      GenerateBurgers.self, GenerateNavierStokes.self,
    ])
}

/// Writes sample 0 of the dataset in `directory` as two panels side by side (coefficient,
/// solution), each with its own colorbar; of a 3D dataset, the middle slice along the first axis.
func writeSample(of directory: String, to png: String) throws {
  let layout = DatasetDirectory(directory)
  let coefficient = try NumpyArray(contentsOf: layout.inputsPath), solution = try NumpyArray(contentsOf: layout.outputsPath)
  let (rows, columns) = (coefficient.shape[coefficient.shape.count - 2], coefficient.shape[coefficient.shape.count - 1])
  let offset = coefficient.shape.count == 4 ? coefficient.shape[1] / 2 * rows * columns : 0
  let slice = offset..<(offset + rows * columns)
  let a = Array(coefficient.values[slice]), u = Array(solution.values[slice])
  let family = (try? layout.metadata())??.family.rawValue ?? "dataset"
  try FieldGrid(
    panels: [[a, u]], extent: (rows, columns), columnTitles: ["coefficient a", "solution u"], rowLabels: ["sample 0"],
    title: "\(family), \(rows)×\(columns)\(coefficient.shape.count == 4 ? ", middle slice" : "")"
  ).write(to: png)
}

extension DarcyBoundary: ExpressibleByArgument {}
extension HelmholtzGeometry: ExpressibleByArgument {}
