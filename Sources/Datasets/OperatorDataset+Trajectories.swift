import Foundation
import Tensors

extension OperatorDataset {
  /// The rollout pairs of a trajectory dataset, whose ``outputs`` are trajectories
  /// `[N, T, s₁, …]` (time along the channel axis, as `sol.npy` `(N, T, s…)` loads): inputs the
  /// first `stepsIn` snapshots `[N, stepsIn, s…]`, outputs the `stepsOut` that follow
  /// `[N, stepsOut, s…]` — the FNO paper's Navier–Stokes split (`a = u[..., :T_in]`,
  /// `u = u[..., T_in:T_in + T]`). The dataset's inputs (initial conditions) are not used.
  /// - Throws: ``DatasetFileError`` if the trajectories hold fewer than `stepsIn + stepsOut`
  ///   snapshots or the counts are below 1.
  public func trajectoryWindows(stepsIn: Int, stepsOut: Int) throws -> OperatorDataset {
    let (snapshots, spatial) = (outputs.shape[1], outputs.shape.dropFirst(2).map { 0..<$0 })
    guard stepsIn >= 1, stepsOut >= 1, queries == nil, outputs.rank >= 3, stepsIn <= snapshots, stepsOut <= snapshots - stepsIn else {
      let needed = stepsIn.addingReportingOverflow(stepsOut)
      throw DatasetFileError(
        file: "(trajectories)",
        message: "\(stepsIn) input and \(stepsOut) output steps need trajectories of at least "
          + "\(needed.overflow ? "that many" : "\(needed.partialValue)") snapshots; the outputs have shape \(outputs.shape) "
          + "(samples, snapshots, grid)")
    }
    let all = 0..<count
    return try OperatorDataset(
      inputs: outputs.sliced([all, 0..<stepsIn] + spatial), outputs: outputs.sliced([all, stepsIn..<(stepsIn + stepsOut)] + spatial),
      spacing: spacing)
  }
}

extension OperatorDataset {
  /// The history an autoregressive model continues from, `[N, steps, s₁, …]`: from a trajectory
  /// dataset directory the first `steps` snapshots of its `sol.npy` (where training's rollouts
  /// start, ``trajectoryWindows(stepsIn:stepsOut:)``); from an `.npy` file of `(N, T, s…)`
  /// snapshots, or the array `key` of an HDF5 or MATLAB file, the last `steps` of them.
  /// - Throws: ``DatasetFileError`` naming the file (and key): missing or unreadable, complex,
  ///   not `(N, T, s…)` with `dimension` spatial axes, with fewer than `steps` snapshots, or
  ///   holding NaN/Inf.
  public static func trajectoryHistory(at path: String, key: String? = nil, steps: Int, dimension: Int) throws -> Tensor {
    var isDirectory: ObjCBool = false
    let directory = !ArrayFile.isArrayFile(path) && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
    let file = directory ? DatasetDirectory(path).outputsPath : path
    let loaded = directory ? try samples(numpyFile: file) : try inputs(at: path, key: key)  // [N, parts, T, s…]
    let what = key.map { "\(file) '\($0)'" } ?? file
    guard loaded.shape[1] == 1, loaded.rank == 3 + dimension else {
      let shape = [loaded.shape[0]] + loaded.shape.dropFirst(2)
      throw DatasetFileError(
        file: what,
        message: "expected real (N, T\(String(repeating: ", s", count: dimension))) snapshots of \(dimension)D fields, got "
          + (loaded.shape[1] == 1 ? "shape \(shape)" : "complex values"))
    }
    let (count, snapshots) = (loaded.shape[0], loaded.shape[2])
    guard snapshots >= steps else {
      throw DatasetFileError(file: what, message: "the model continues from \(steps) snapshots, the file holds \(snapshots) per sample")
    }
    let trajectories = try loaded.reshaped(to: [count] + loaded.shape.dropFirst(2))
    let kept = directory ? 0..<steps : (snapshots - steps)..<snapshots
    return try trajectories.sliced([0..<count, kept])
  }
}
