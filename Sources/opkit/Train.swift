import ArgumentParser
import Foundation
import OperatorKit

/// `opkit train`: fit a neural operator to a dataset.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a neural operator on a dataset directory (coeff.npy, sol.npy).",
    subcommands: [TrainFNO.self, TrainAFNO.self, TrainMgNO.self, TrainDeepONet.self, TrainDCDM.self])
}

extension ScheduleKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LossKind: ExpressibleByArgument {}
extension DataNormalization: ExpressibleByArgument {}
extension WeightInitialization: ExpressibleByArgument {}
extension Tensor.PaddingMode: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
