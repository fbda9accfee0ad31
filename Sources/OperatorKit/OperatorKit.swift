// OperatorKit: the umbrella module. It only re-exports the modules below it, so
// `import OperatorKit` gives grids, meshes, sparse matrices, solvers and array files at once.
@_exported import Datasets
@_exported import Distributed
@_exported import Figures
@_exported import Grids
@_exported import Koopman
@_exported import Krylov
@_exported import Layers
@_exported import LearnedSolvers
@_exported import Meshes
@_exported import Parallelism
@_exported import Operators
@_exported import PDEData
@_exported import Sparse
@_exported import Spectral
@_exported import Tensors
@_exported import Training
