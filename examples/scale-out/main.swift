// Scale-out with the library: Darcy data generated across MPI ranks, an FNO trained data-parallel
// on them, and a Poisson system solved with PETSc's algebraic multigrid — the same program with
// or without a launcher.
//
//   swift build -c release --product scale-out
//   .build/release/scale-out                  # one process
//   OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
//     mpirun -np 2 .build/release/scale-out    # two ranks, one core each
//
// The same jobs from the command line: `mpirun -np 2 opkit generate darcy …`,
// `mpirun -np 2 opkit train fno …`, `mpirun -np 2 opkit solve poisson --method petsc …`.
import Foundation
import OperatorKit

let world = Communicator.world  // MPI is initialized here when a launcher started the process
// The ranks on this machine share its cores (one each on 2 cores at -np 2).
ProcessConfiguration.apply(workers: max(1, ProcessInfo.processInfo.activeProcessorCount / world.ranksOnThisNode()))
func say(_ line: String) { if world.isRoot { print(line) } }
let root = "out/examples/scale-out"

// 1. Data: each rank solves its contiguous block of shards; rank 0 writes the dataset, which is
//    byte for byte the one a single process writes.
func dataset(_ name: String, samples: Int, seed: UInt64) throws -> OperatorDataset {
  let summary = try DarcyDatasetGenerator(resolution: 32, samples: samples, seed: seed, shardSize: 25)
    .generate(in: "\(root)/\(name)", communicator: world)
  say("\(name): \(summary.samples) samples, solved per rank: \(summary.samplesPerRank)")
  world.barrier()  // rank 0 has written the joined files
  return try OperatorDataset(directory: "\(root)/\(name)")
}
let train = try dataset("train32", samples: 400, seed: 0)
let test = try dataset("test32", samples: 100, seed: 1)

// 2. Data-parallel training: every rank builds the same model and normalizers, takes its half of
//    every batch, and the gradients are summed in one all-reduce per step — the steps of a single
//    process with the same batches.
let checkpoint = "\(root)/fno.safetensors"
if world.isRoot { try? FileManager.default.removeItem(atPath: checkpoint) }
world.barrier()
var run = try TrainingRun<FNO>(
  FNOConfiguration(modes: [8, 8], width: 16), options: TrainingOptions(epochs: 5), fittingNormalizersTo: train, checkpoint: checkpoint,
  resume: false, communicator: world)
let evaluation = try run.run(on: train, testingOn: test) { event in
  if case .epoch(let e) = event {
    say(String(format: "epoch %d  train %.4f  test %.4f  (%.2f s, %d ranks)", e.epoch, e.trainLoss, e.testRelativeL2, e.seconds, world.size))
  }
}
say(String(format: "FNO test relative L2 %.4f; rank 0 wrote %@", evaluation.relativeL2, checkpoint))

// 3. Poisson on 255² unknowns with PETSc: each rank inserts its block of rows into a distributed
//    matrix; CG + GAMG solves; rank 0 gathers the solution.
let system = try GridSystem.diffusion(grid: UniformGrid(cellCounts: [256, 256], centring: .vertex))
let matrix = CSRMatrix(system.matrix)
let rows = world.block(of: matrix.rowCount)
let solved = try PETScSolver.solve(
  block: matrix.rowBlock(rows), firstRow: rows.lowerBound, rightHandSide: Array(system.rightHandSide[rows]), preconditioner: .gamg,
  options: SolverOptions(rtol: 1e-8), communicator: world)
say(
  String(
    format: "Poisson 255²: PETSc CG + GAMG %@ in %d iterations (setup %.3f s, solve %.3f s) on %d ranks",
    solved.report.converged ? "converged" : "did NOT converge", solved.report.iterations, solved.setupSeconds, solved.solveSeconds,
    world.size))

PETScSession.finalize()
Communicator.finalize()
