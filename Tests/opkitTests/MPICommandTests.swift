import Foundation
import OperatorKit
import TestSupport
import XCTest

/// `mpirun -np 2 opkit …` against the one-process runs: generation byte for byte, data-parallel
/// training parameter for parameter, resumption after a killed rank, PETSc against CHOLMOD, and
/// a failing rank that ends the job instead of hanging it.
final class MPICommandTests: XCTestCase {
  private let directory = temporaryDirectory("opkit-mpi-tests")
  private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// The launcher's arguments: root allowed (the CI runs as root), more ranks than cores
  /// allowed, a watchdog so a hang fails the test instead of the suite. Under `make sanitize`
  /// the ranks run without LeakSanitizer: Open MPI's plugins, unloaded before the exit-time
  /// check, leave allocations whose stacks no longer name a module, so they cannot be
  /// suppressed by name (the CLI tests outside this file keep the leak check).
  private func mpirunArguments(_ ranks: Int, _ arguments: [String]) throws -> [String] {
    [
      "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "OMPI_MCA_btl_vader_single_copy_mechanism=none", "OPENBLAS_NUM_THREADS=1",
      "ASAN_OPTIONS=detect_leaks=0",
      "timeout", "300", "mpirun",
      "--oversubscribe", "-np", "\(ranks)", try builtOpkit().path,
    ] + arguments
  }

  /// `mpirun -np ranks opkit arguments`, run to the end.
  private func mpirun(_ ranks: Int, _ arguments: [String]) throws -> ProcessResult {
    try runProcess(URL(fileURLWithPath: "/usr/bin/env"), try mpirunArguments(ranks, arguments))
  }

  /// `opkit arguments` without a launcher (PETSc still initializes MPI, so no leak check
  /// under `make sanitize`, as for the ranks).
  private func opkit(_ arguments: [String]) throws -> ProcessResult {
    try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["ASAN_OPTIONS=detect_leaks=0", try builtOpkit().path] + arguments)
  }

  /// Starts `mpirun -np ranks opkit arguments`; the caller kills or waits.
  private func startMPI(_ ranks: Int, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = try mpirunArguments(ranks, arguments)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// SIGKILLs one `opkit` rank of the job `parent` (env execs timeout, which starts mpirun,
  /// which starts the ranks); returns whether one was found.
  private func killOneRank(under parent: Process) throws -> Bool {
    func children(_ pid: Int32) throws -> [Int32] {
      try runProcess(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-P", "\(pid)"]).out.split(separator: "\n").compactMap { Int32($0) }
    }
    guard let launcher = try children(parent.processIdentifier).first, let rank = try children(launcher).max() else { return false }
    return kill(rank, SIGKILL) == 0
  }

  private func json(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
  }

  private func bytes(_ file: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file)) }

  /// The dataset at two ranks (and at three, which do not divide the shards) is the one-rank
  /// dataset byte for byte — independent solves and the recycling SKR chain alike — and the JSON
  /// says how many samples each rank solved.
  func testGenerationOnSeveralRanksEqualsOneRank() throws {
    for solver in ["auto", "skr"] {
      let arguments = ["generate", "darcy", "--resolution", "24", "--samples", "30", "--shard-size", "4", "--solver", solver, "--json"]
      let (one, two, three) = (path("one-\(solver)"), path("two-\(solver)"), path("three-\(solver)"))
      for directory in [one, two, three] { try? FileManager.default.removeItem(atPath: directory) }
      let single = try opkit(arguments + ["--out", one])
      XCTAssertEqual(single.status, 0, single.err)
      let pair = try mpirun(2, arguments + ["--out", two])
      XCTAssertEqual(pair.status, 0, pair.err)
      let trio = try mpirun(3, arguments + ["--out", three])
      XCTAssertEqual(trio.status, 0, trio.err)
      for file in ["coeff.npy", "sol.npy", "meta.json"] {
        XCTAssertEqual(try bytes("\(one)/\(file)"), try bytes("\(two)/\(file)"), "\(solver): \(file) differs at 2 ranks")
        XCTAssertEqual(try bytes("\(one)/\(file)"), try bytes("\(three)/\(file)"), "\(solver): \(file) differs at 3 ranks")
      }
      let report = try json(pair.out)
      XCTAssertEqual(report["ranks"] as? Int, 2)
      XCTAssertEqual(report["samples_per_rank"] as? [Int], [16, 14], "8 shards of 4 (the last of 2), 4 per rank")
      XCTAssertEqual(try json(trio.out)["samples_per_rank"] as? [Int], [12, 12, 6])
      XCTAssertEqual(try json(single.out)["ranks"] as? Int, 1)
    }
  }

  /// A rank killed mid-run loses only its unfinished shard: the rerun (at two ranks) keeps the
  /// finished shards and ends with the one-rank dataset, byte for byte.
  func testKilledRankResumesToTheSameDataset() throws {
    let arguments = ["generate", "darcy", "--resolution", "96", "--samples", "240", "--shard-size", "6", "--solver", "skr"]
    let (reference, killed) = (path("killed-reference"), path("killed"))
    for directory in [reference, killed] { try? FileManager.default.removeItem(atPath: directory) }
    let single = try opkit(arguments + ["--out", reference])
    XCTAssertEqual(single.status, 0, single.err)

    let job = try startMPI(2, arguments + ["--out", killed])
    let deadline = Date().addingTimeInterval(120)
    func finishedShards() -> Int {
      ((try? FileManager.default.contentsOfDirectory(atPath: "\(killed)/shards")) ?? []).filter { $0.hasPrefix("stats-") }.count
    }
    while finishedShards() < 4 && job.isRunning && Date() < deadline { usleep(10_000) }
    XCTAssertTrue(job.isRunning, "the job ended before a rank could be killed; make it longer")
    XCTAssertTrue(try killOneRank(under: job))
    job.waitUntilExit()
    XCTAssertNotEqual(job.terminationStatus, 0, "the job must fail when a rank dies")
    XCTAssertFalse(FileManager.default.fileExists(atPath: "\(killed)/sol.npy"), "no dataset from a failed job")
    let kept = finishedShards()
    XCTAssertGreaterThan(kept, 0)

    let rerun = try mpirun(2, arguments + ["--out", killed, "--json"])
    XCTAssertEqual(rerun.status, 0, rerun.err)
    let solvedNow = try XCTUnwrap(try json(rerun.out)["solved_now"] as? Int)
    XCTAssertLessThan(solvedNow, 240, "finished shards are kept")
    for file in ["coeff.npy", "sol.npy", "meta.json"] {
      XCTAssertEqual(try bytes("\(reference)/\(file)"), try bytes("\(killed)/\(file)"), "\(file) differs after the resumed run")
    }
  }

  /// The largest difference between the parameters of two FNO checkpoints.
  private func largestParameterDifference(_ a: String, _ b: String) throws -> Float {
    let (x, y) = (try TrainedModel<FNO>(checkpointAt: a).model.parameters, try TrainedModel<FNO>(checkpointAt: b).model.parameters)
    XCTAssertEqual(Set(x.keys), Set(y.keys))
    return x.keys.map { key in zip(x[key]!.scalars, y[key]!.scalars).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
  }

  /// Data-parallel FNO training at two ranks takes the steps of the one-process run with the
  /// same global batches and seed (every parameter within 1e-5 after 3 epochs); a two-rank run
  /// whose rank is killed and which is resumed ends where the uninterrupted one does.
  func testDataParallelTrainingMatchesOneRankAndResumes() throws {
    let (train, test) = (path("dp-train"), path("dp-test"))
    for (directory, samples, seed) in [(train, 40, "0"), (test, 10, "1")] {
      try? FileManager.default.removeItem(atPath: directory)
      let made = try opkit(["generate", "darcy", "--resolution", "16", "--samples", "\(samples)", "--seed", seed, "--out", directory])
      XCTAssertEqual(made.status, 0, made.err)
    }
    let common = ["train", "fno", "--data", train, "--test-data", test, "--batch", "8", "--modes", "4", "--width", "8", "--json"]
    let (one, two, resumed) = (path("dp-one.safetensors"), path("dp-two.safetensors"), path("dp-resumed.safetensors"))
    for file in [one, two, resumed] { try? FileManager.default.removeItem(atPath: file) }
    let single = try opkit(common + ["--epochs", "3", "--threads", "2", "--out", one])
    XCTAssertEqual(single.status, 0, single.err)
    let pair = try mpirun(2, common + ["--epochs", "3", "--threads", "1", "--out", two])
    XCTAssertEqual(pair.status, 0, pair.err)
    XCTAssertEqual(try json(pair.out)["ranks"] as? Int, 2)
    XCTAssertLessThanOrEqual(try largestParameterDifference(one, two), 1e-5)

    // Killed after its first checkpoint, then resumed at two ranks.
    let long = common + ["--epochs", "60", "--threads", "1", "--out", resumed]
    let job = try startMPI(2, long)
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: resumed) && job.isRunning && Date() < deadline { usleep(5_000) }
    XCTAssertTrue(job.isRunning, "the run ended before it could be killed; make it longer")
    XCTAssertTrue(try killOneRank(under: job))
    job.waitUntilExit()
    XCTAssertNotEqual(job.terminationStatus, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: resumed), "a checkpoint was written before the kill")
    let again = try mpirun(2, long + ["--resume"])
    XCTAssertEqual(again.status, 0, again.err)
    let uninterrupted = path("dp-uninterrupted.safetensors")
    try? FileManager.default.removeItem(atPath: uninterrupted)
    let straight = try mpirun(2, common + ["--epochs", "60", "--threads", "1", "--out", uninterrupted])
    XCTAssertEqual(straight.status, 0, straight.err)
    XCTAssertLessThanOrEqual(try largestParameterDifference(resumed, uninterrupted), 1e-5)
  }

  /// `--method petsc` (GAMG and BoomerAMG) on a grid and on a mesh agrees with CHOLMOD to the
  /// tolerance, at one rank without a launcher and at two ranks.
  func testPETScAgreesWithCholmod() throws {
    let mesh = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../meshes/lshape.msh").standardized.path
    for domain in [["--grid", "47x39"], ["--mesh", mesh]] {
      let reference = path("cholmod.npy")
      let direct = try opkit(["solve", "poisson"] + domain + ["--method", "cholmod", "--out", reference])
      XCTAssertEqual(direct.status, 0, direct.err)
      let exact = try NumpyArray(contentsOf: reference).values
      for (ranks, pc) in [(1, "gamg"), (1, "hypre"), (2, "gamg"), (2, "hypre")] {
        let out = path("petsc-\(ranks)-\(pc).npy")
        let arguments = ["solve", "poisson"] + domain + ["--method", "petsc", "--pc", pc, "--rtol", "1e-10", "--out", out, "--json"]
        let result = ranks == 1 ? try opkit(arguments) : try mpirun(ranks, arguments)
        XCTAssertEqual(result.status, 0, result.err)
        let report = try json(result.out)
        XCTAssertEqual(report["ranks"] as? Int, ranks)
        XCTAssertEqual(report["converged"] as? Bool, true)
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["relative_residual"] as? Double), 1e-10 * 1.01)
        let x = try NumpyArray(contentsOf: out).values
        XCTAssertEqual(x.count, exact.count)
        let error = zip(x, exact).map { abs($0 - $1) }.max()!, scale = exact.map(abs).max()!
        XCTAssertLessThan(error / scale, 1e-7, "\(domain[0]) at \(ranks) ranks with \(pc)")
      }
    }
  }

  /// A rank that fails (here: its shard cannot be written) ends the whole job with its one-line
  /// error and a non-zero status, instead of leaving the other rank waiting at the barrier.
  func testFailingRankEndsTheJob() throws {
    let out = path("failing")
    try? FileManager.default.removeItem(atPath: out)
    // Shard 1 belongs to rank 1 (two shards of 5): a directory where its file must go.
    try FileManager.default.createDirectory(atPath: "\(out)/shards/sol-00001.npy", withIntermediateDirectories: true)
    let start = Date()
    let result = try mpirun(2, ["generate", "darcy", "--resolution", "16", "--samples", "10", "--shard-size", "5", "--out", out])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertLessThan(Date().timeIntervalSince(start), 60, "the job must not hang")
    XCTAssertTrue(result.err.contains("opkit: error (rank 1 of 2): "), result.err)
    XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/sol.npy"))
    // Solvers that do not distribute are refused under mpirun rather than run twice.
    let serial = try mpirun(2, ["solve", "poisson", "--grid", "8x8", "--method", "cholmod"])
    XCTAssertNotEqual(serial.status, 0)
    XCTAssertTrue(serial.err.contains("only --method petsc solves across MPI ranks"), serial.err)
  }
}
