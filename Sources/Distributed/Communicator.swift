import CMPI
import Foundation

/// The processes of one job: this process's `rank` among `size`, over MPI's `MPI_COMM_WORLD`
/// when the job was started by `mpirun` (or another MPI launcher), one rank without MPI
/// otherwise.
///
/// MPI is initialized once per process, the first time ``world`` is read, and only when a
/// launcher started the process (it sets `OMPI_COMM_WORLD_SIZE`, `PMIX_RANK` or `PMI_SIZE`), so a
/// plain `opkit` run never touches MPI. Programs end with ``finalize()``; a rank that fails
/// ends the whole job with ``abort(code:)`` instead of leaving the others waiting in a
/// collective. Library code takes a `Communicator` argument (``single`` by default) and never
/// reads ``world`` itself.
public struct Communicator: Sendable, Equatable, CustomStringConvertible {
  /// This process's rank, `0 ..< size`.
  public let rank: Int
  /// The number of processes.
  public let size: Int
  /// Whether the collectives go through MPI (false for the one-rank communicator).
  let usesMPI: Bool

  /// One process on its own: every collective is the identity.
  public static let single = Communicator(rank: 0, size: 1, usesMPI: false)

  /// The job's processes: `MPI_COMM_WORLD` under an MPI launcher (initializing MPI on first
  /// use), ``single`` otherwise.
  public static var world: Communicator { worldCommunicator }

  /// Whether `environment` says an MPI launcher started this process.
  public static func launchedByMPI(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
  }

  /// The ranks of this job on this machine (the launcher's `OMPI_COMM_WORLD_LOCAL_SIZE` or
  /// `MPI_LOCALNRANKS`; all of them when it says nothing), to share its cores among.
  public func ranksOnThisNode(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
    guard usesMPI else { return 1 }
    let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? environment["MPI_LOCALNRANKS"]
    return local.flatMap { Int($0) }.map { Swift.max(1, Swift.min($0, size)) } ?? size
  }

  /// Whether this is rank 0, the one that prints and writes.
  public var isRoot: Bool { rank == 0 }

  public var description: String { "rank \(rank) of \(size)" }

  /// The contiguous block of `0 ..< count` this rank owns when `count` items are split into
  /// `size` blocks as evenly as possible (the first blocks are never smaller than the last).
  public func block(of count: Int) -> Range<Int> { Self.block(rank, of: count, parts: size) }

  /// Block `part` of `0 ..< count` split into `parts` contiguous blocks as evenly as possible.
  public static func block(_ part: Int, of count: Int, parts: Int) -> Range<Int> {
    let (base, extra) = count.quotientAndRemainder(dividingBy: parts)
    let start = part * base + Swift.min(part, extra)
    return start..<(start + base + (part < extra ? 1 : 0))
  }

  /// Waits until every rank has arrived.
  public func barrier() {
    guard usesMPI else { return }
    MPI_Barrier(cmpi_comm_world())
  }

  /// Ends every rank of the job with exit status `code` (`MPI_Abort`); without MPI, exits.
  public func abort(code: Int32) -> Never {
    if usesMPI { MPI_Abort(cmpi_comm_world(), code) }
    exit(code)
  }

  /// Shuts MPI down if this process initialized it (call once, at the end of a program).
  public static func finalize() {
    var initialized: Int32 = 0, finalized: Int32 = 0
    MPI_Initialized(&initialized)
    MPI_Finalized(&finalized)
    if initialized != 0 && finalized == 0 { MPI_Finalize() }
  }
}

/// The world communicator, created (and MPI initialized) on first use.
private let worldCommunicator: Communicator = {
  guard Communicator.launchedByMPI() else { return .single }
  var initialized: Int32 = 0
  MPI_Initialized(&initialized)
  if initialized == 0 { MPI_Init(nil, nil) }
  var rank: Int32 = 0, size: Int32 = 1
  MPI_Comm_rank(cmpi_comm_world(), &rank)
  MPI_Comm_size(cmpi_comm_world(), &size)
  return Communicator(rank: Int(rank), size: Int(size), usesMPI: true)
}()
