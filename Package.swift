// swift-tools-version:6.0
// OperatorKit: operator learning on PDEs and the sparse linear algebra that feeds it.
// Module map and dependency direction: see DESIGN.md (shared) — arrows point down only.
import PackageDescription

let package = Package(
  name: "OperatorKit",
  products: [
    .library(name: "OperatorKit", targets: ["OperatorKit"]),
    .executable(name: "opkit", targets: ["opkit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // C system libraries (Debian packages; `make` installs them).
    .systemLibrary(name: "CFFTW", path: "Sources/CFFTW"),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
    .systemLibrary(name: "CSuiteSparse", path: "Sources/CSuiteSparse"),
    .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    .systemLibrary(name: "CPETSc", path: "Sources/CPETSc", pkgConfig: "PETSc", providers: [.apt(["libpetsc-real-dev"])]),
    .systemLibrary(name: "CCairo", path: "Sources/CCairo", providers: [.apt(["libcairo2-dev"])]),

    // Floor 0.
    .target(name: "Parallelism", dependencies: ["CBLAS"]),
    .target(name: "Grids"),
    .target(name: "Meshes", dependencies: ["Parallelism"]),
    .target(
      name: "Tensors",
      dependencies: [
        "CBLAS", "Parallelism", .product(name: "ComplexModule", package: "swift-numerics"), .product(name: "RealModule", package: "swift-numerics"),
      ]),
    // Floor 1.
    .target(name: "Sparse", dependencies: ["Grids", "Meshes", "Parallelism", "CSuiteSparse"]),
    .target(name: "Layers", dependencies: ["Tensors", "Parallelism"]),
    .target(name: "Spectral", dependencies: ["Tensors", "Parallelism", "CFFTW"]),
    .target(name: "Datasets", dependencies: ["Tensors", "Parallelism", "CHDF5", "CZlib"]),
    .target(name: "Distributed", dependencies: ["CMPI"]),
    .target(name: "Figures", dependencies: ["CCairo"]),
    // Floor 2.
    .target(name: "Krylov", dependencies: ["Sparse", "Grids", "Parallelism", "CBLAS", "Distributed", "CMPI", "CPETSc"]),
    .target(name: "Training", dependencies: ["Layers", "Datasets", "Distributed", "Parallelism"]),
    // Floor 3.
    .target(name: "Operators", dependencies: ["Datasets", "Training", "Layers", "Spectral", "Grids", "Tensors", "Parallelism"]),
    .target(name: "Koopman", dependencies: ["Datasets", "Training", "Layers", "Spectral", "Tensors", "Parallelism"]),
    .target(name: "PDEData", dependencies: ["Datasets", "Distributed", "Parallelism", "Krylov", "Sparse", "Grids", "Spectral", "Tensors"]),
    .target(name: "LearnedSolvers", dependencies: ["Datasets", "Training", "Layers", "Krylov", "Sparse", "Tensors"]),
    // Floor 4: umbrella.
    .target(
      name: "OperatorKit",
      dependencies: [
        "Parallelism", "Grids", "Meshes", "Tensors", "Sparse", "Krylov", "Layers", "Datasets", "Distributed", "Training", "Spectral", "Operators", "PDEData", "Koopman",
        "LearnedSolvers", "Figures",
      ]),
    // Floor 5: the CLI and the examples.
    .executableTarget(
      name: "opkit",
      dependencies: ["OperatorKit", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(
      name: "poisson-solve", dependencies: ["OperatorKit"], path: "examples/poisson-solve",
      exclude: ["README.md"]),
    .executableTarget(name: "darcy-dataset", dependencies: ["OperatorKit"], path: "examples/darcy-dataset", exclude: ["README.md"]),
    .executableTarget(name: "train-cnn", dependencies: ["OperatorKit"], path: "examples/train-cnn", exclude: ["README.md"]),
    .executableTarget(name: "darcy-fno", dependencies: ["OperatorKit"], path: "examples/darcy-fno", exclude: ["README.md"]),
    .executableTarget(
      name: "koopa-co2", dependencies: ["OperatorKit"], path: "examples/koopa-co2", exclude: ["README.md", "co2.csv", "extract_co2.py"]),
    .executableTarget(name: "deeponet", dependencies: ["OperatorKit"], path: "examples/deeponet", exclude: ["README.md"]),
    .executableTarget(name: "dcdm", dependencies: ["OperatorKit"], path: "examples/dcdm", exclude: ["README.md"]),
    .executableTarget(
      name: "navier-stokes-operators", dependencies: ["OperatorKit"], path: "examples/navier-stokes-operators", exclude: ["README.md"]),
    .executableTarget(name: "scale-out", dependencies: ["OperatorKit"], path: "examples/scale-out", exclude: ["README.md"]),
    .executableTarget(
      name: "mgno-boundaries", dependencies: ["OperatorKit"], path: "examples/mgno-boundaries", exclude: ["README.md"]),
    .executableTarget(name: "burgers-fno", dependencies: ["OperatorKit"], path: "examples/burgers-fno", exclude: ["README.md"]),
    .executableTarget(name: "helmholtz-cube", dependencies: ["OperatorKit"], path: "examples/helmholtz-cube", exclude: ["README.md"]),

    // Fuzz targets (`make fuzz`), one per reader; a normal build makes them replay files.
    .target(name: "FuzzHarness", path: "Fuzz/Harness"),
    .executableTarget(name: "fuzz-npy", dependencies: ["FuzzHarness", "Tensors"], path: "Fuzz/npy"),
    .executableTarget(name: "fuzz-safetensors", dependencies: ["FuzzHarness", "OperatorKit"], path: "Fuzz/safetensors"),
    .executableTarget(name: "fuzz-msh", dependencies: ["FuzzHarness", "Meshes"], path: "Fuzz/msh"),
    .executableTarget(name: "fuzz-mtx", dependencies: ["FuzzHarness", "Sparse"], path: "Fuzz/mtx"),
    .executableTarget(name: "fuzz-csv", dependencies: ["FuzzHarness", "Koopman"], path: "Fuzz/csv"),
    .executableTarget(name: "fuzz-mat", dependencies: ["FuzzHarness", "Datasets"], path: "Fuzz/mat"),

    // Tests: one target per module, a shared support target, and end-to-end CLI tests.
    .target(
      name: "TestSupport", dependencies: ["Parallelism", "Sparse", "Krylov", "Tensors", "Layers", "Datasets", "Training"], path: "Tests/TestSupport"),
    .testTarget(name: "CLibrariesTests", dependencies: ["CFFTW", "CBLAS", "CSuiteSparse"]),
    .testTarget(name: "GridsTests", dependencies: ["Grids", "TestSupport"]),
    .testTarget(name: "MeshesTests", dependencies: ["Meshes", "TestSupport"]),
    .testTarget(
      name: "TensorsTests", dependencies: ["Tensors", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]),
    .testTarget(name: "SparseTests", dependencies: ["Sparse", "TestSupport"]),
    .testTarget(
      name: "LayersTests", dependencies: ["Layers", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]),
    .testTarget(name: "SpectralTests", dependencies: ["Spectral", "TestSupport"]),
    .testTarget(name: "KoopmanTests", dependencies: ["Datasets", "Koopman", "Tensors", "Spectral", "Layers", "Training", "TestSupport"]),
    .testTarget(name: "PDEDataTests", dependencies: ["Datasets", "PDEData", "Krylov", "Sparse", "Spectral", "Training", "TestSupport"]),
    .testTarget(name: "OperatorsTests", dependencies: ["Datasets", "Operators", "Training", "Layers", "PDEData", "TestSupport"]),
    .testTarget(
      name: "LearnedSolversTests", dependencies: ["Datasets", "LearnedSolvers", "Krylov", "Sparse", "Grids", "Training", "Tensors", "TestSupport"]),
    .testTarget(name: "DistributedTests", dependencies: ["Distributed", "TestSupport"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensors", "TestSupport"]),
    .testTarget(name: "TrainingTests", dependencies: ["Datasets", "Training", "Layers", "Operators", "PDEData", "TestSupport"]),
    .testTarget(name: "KrylovTests", dependencies: ["Krylov", "TestSupport"]),
    .testTarget(name: "FiguresTests", dependencies: ["Figures", "TestSupport"]),
    .testTarget(
      name: "opkitTests",
      dependencies: ["opkit", "OperatorKit", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
  ]
)
