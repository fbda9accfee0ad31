import Foundation
import Tensors

/// The formats a generated dataset is written in.
public enum DatasetFormat: String, Codable, Sendable, CaseIterable {
  /// The dataset directory: `coeff.npy`, `sol.npy`, `meta.json`.
  case npy
  /// The directory, plus `data.h5` with PDEBench's names (``DatasetDirectory/writeHDF5(to:)``).
  case h5
}

extension DatasetDirectory {
  /// The HDF5 copy `--format h5` writes next to the `.npy` files.
  public var hdf5Path: String { file("data.h5") }

  /// Writes the dataset as HDF5 with PDEBench's names, float32: a steady dataset as `nu` (the
  /// inputs, `[N, s…]`) and `tensor` (the outputs with a component axis, `[N, K, s…]`); a
  /// trajectory dataset (one with snapshot `times`) as `tensor` `[N, T + 1, s…]` — the initial
  /// condition first, as PDEBench stores it — and `t-coordinate` `[0, t₁, …]`; both with
  /// `x-coordinate` (and `y-`, `z-`) holding the grid points `j·h`.
  /// - Throws: ``DatasetFileError`` naming the file for complex data (PDEBench has no complex
  ///   layout) or when a file cannot be read or written.
  public func writeHDF5(to path: String) throws {
    let meta = try metadata()
    let inputs: NumpyArray, outputs: NumpyArray
    do {
      (inputs, outputs) = (try NumpyArray(contentsOf: inputsPath), try NumpyArray(contentsOf: outputsPath))
    } catch { throw DatasetFileError(file: self.path, message: "\(error)") }
    guard inputs.dtype != .complex64, outputs.dtype != .complex64 else {
      throw DatasetFileError(file: path, message: "complex fields have no PDEBench layout; use the .npy files")
    }
    let (n, spatial) = (inputs.shape[0], Array(inputs.shape.dropFirst()))
    let points = spatial.reduce(1, *)
    var arrays = [(name: String, array: NumpyArray)]()
    do {
      if let times = meta?.times {
        let steps = times.count
        var values = [Double]()
        values.reserveCapacity(n * (steps + 1) * points)
        for i in 0..<n {
          values += inputs.values[(i * points)..<((i + 1) * points)]
          values += outputs.values[(i * steps * points)..<((i + 1) * steps * points)]
        }
        arrays.append(("tensor", try NumpyArray(shape: [n, steps + 1] + spatial, values: values)))
        arrays.append(("t-coordinate", try NumpyArray(shape: [steps + 1], values: [0] + times)))
      } else {
        let components = outputs.shape.count == inputs.shape.count ? [1] : []
        arrays.append(("nu", inputs))
        arrays.append(("tensor", try NumpyArray(shape: [n] + components + outputs.shape.dropFirst(), values: outputs.values)))
      }
      for (axis, size) in spatial.enumerated() {
        let h = meta?.spacing ?? 1 / Double(max(size - 1, 1))
        arrays.append((["x", "y", "z"][axis] + "-coordinate", try NumpyArray(shape: [size], values: (0..<size).map { Double($0) * h })))
      }
    } catch let error as DatasetFileError { throw error } catch { throw DatasetFileError(file: path, message: "\(error)") }
    try HDF5File.write(arrays, to: path)
  }
}
