import ArgumentParser
import OperatorKit
import XCTest

@testable import opkit

/// Parsing and validation, tested without running the binary.
final class ParsingTests: XCTestCase {
  private func parse(_ arguments: [String]) throws -> ParsableCommand {
    try Opkit.parseAsRoot(arguments)
  }

  func testSolvePoissonParsesItsOptions() throws {
    let command = try parse(["solve", "poisson", "--grid", "64x32", "--method", "pcg-ic", "--rtol", "1e-10", "--json", "--threads", "1"])
    let solve = try XCTUnwrap(command as? SolvePoisson)
    XCTAssertEqual(solve.grid?.counts, [64, 32])
    XCTAssertEqual(solve.method, .system(.pcgIC))
    XCTAssertEqual(solve.rtol, 1e-10)
    XCTAssertTrue(solve.global.json)
    XCTAssertEqual(solve.global.threads, 1)
    let mesh = try XCTUnwrap(
      try parse(["solve", "poisson", "--mesh", "m.msh", "--method", "cholmod", "--dirichlet", "outer"]) as? SolvePoisson)
    XCTAssertEqual(mesh.mesh, "m.msh")
    XCTAssertEqual(mesh.dirichlet, "outer")
  }

  func testGenerateAndTrainParseTheirOptions() throws {
    let generate = try XCTUnwrap(
      try parse(["generate", "darcy", "--solver", "skr", "--preconditioner", "jacobi", "--out", "d"]) as? GenerateDarcy)
    XCTAssertEqual(generate.options.solver, .named(.recycling))
    XCTAssertEqual(generate.options.preconditioner, .jacobi)
    // auto (the default) resolves to the generation benchmark's fastest solver per family.
    let automatic = try XCTUnwrap(try parse(["generate", "darcy", "--out", "d"]) as? GenerateDarcy)
    XCTAssertEqual(automatic.options.solver, .automatic)
    XCTAssertEqual(automatic.options.solver.resolved(for: try DarcyProblem(resolution: 8)), .independent(.pcgMultigrid))
    XCTAssertEqual(
      automatic.options.solver.resolved(for: try DarcyProblem(resolution: 8, boundary: .periodic)), .independent(.cholmod))
    XCTAssertEqual(automatic.options.solver.resolved(for: try ThermalProblem(resolution: 64)), .independent(.pcgIC))
    XCTAssertEqual(automatic.options.solver.resolved(for: try ThermalProblem(resolution: 128)), .independent(.pcgMultigrid))
    XCTAssertEqual(automatic.options.solver.resolved(for: try HelmholtzProblem(resolution: 64)), .independent(.umfpack))
    XCTAssertEqual(
      try XCTUnwrap(try parse(["generate", "darcy", "--solver", "auto", "--out", "d"]) as? GenerateDarcy).options.solver, .automatic)
    let thermal = try XCTUnwrap(
      try parse(["generate", "thermal", "--time-step", "0.1", "--solver", "rcg", "--out", "t"]) as? GenerateThermal)
    XCTAssertEqual(thermal.timeStep, 0.1)
    XCTAssertEqual(thermal.options.solver, .named(.recycledCG))
    let train = try XCTUnwrap(
      try parse(["train", "fno", "--data", "d", "--out", "m.safetensors", "--modes", "8", "--schedule", "cosine", "--resume"]) as? TrainFNO)
    XCTAssertEqual(train.modes, 8)
    XCTAssertEqual(train.common.training.schedule, .cosine)
    XCTAssertTrue(train.common.training.resume)
    XCTAssertEqual(train.common.training.options(seed: 3), TrainingOptions(epochs: 100, schedule: .cosine, seed: 3))
  }

  func testBadCombinationsAreRejectedBeforeAnyWork() {
    let rejected: [[String]] = [
      ["solve", "poisson", "--grid", "0x5"],
      ["solve", "poisson", "--grid", "8x8", "--method", "nope"],
      ["solve", "poisson", "--grid", "8xq"],
      ["solve", "poisson"],
      ["solve", "poisson", "--grid", "8x8", "--mesh", "m.msh"],
      ["solve", "poisson", "--mesh", "m.msh"],  // default pcg-mg needs a grid
      ["solve", "poisson", "--mesh", "m.msh", "--method", "cg", "--png", "u.png"],
      ["solve", "poisson", "--grid", "8x8x8", "--png", "u.png"],
      ["solve", "poisson", "--grid", "8x8", "--method", "cg", "--preconditioner", "mg"],
      ["solve", "poisson", "--grid", "8x8", "--rtol", "2"],
      ["solve", "poisson", "--grid", "8x8", "--threads", "0"],
      ["bench", "--size", "1"],
      ["bench", "--suite", "generation", "--samples", "0"],
      ["generate", "darcy", "--solver", "magic", "--out", "d"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--epochs", "0"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--schedule", "linear"],
      ["train", "fno", "--out", "m.safetensors"],
      ["evaluate", "--model", "m.safetensors"],
      ["generate", "darcy", "--resolution", "-4", "--out", "d"],
      ["generate", "darcy", "--samples", "0", "--out", "d"],
      ["generate", "heat", "--out", "d"],
      ["generate", "darcy"],
      // Operators over time: every new count and level out of range, an unknown mode, --refine
      // without the space-time mode, an unpaired --surrogate.
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--mode", "sideways"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--steps-in", "0"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--steps-out", "-3"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--time-padding", "-1"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--modes", "0"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--width", "0"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--refine", "-1", "--mode", "space-time"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--refine", "2"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--refine", "2", "--mode", "space-time", "--refine-lr", "0"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--refine", "2", "--mode", "space-time", "--refine-optimizer", "lbfgs"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--loss", "h1"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--patch", "0"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--embedding", "12", "--blocks", "5"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--depth", "0"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--mlp-ratio", "0"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--sparsity", "-0.1"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--sparsity", "nan"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--steps-in", "0"],
      ["evaluate", "--model", "m.safetensors", "--data", "d", "--steps", "0"],
      ["predict", "--model", "m.safetensors", "--input", "d", "--out", "u.npy", "--steps", "-1"],
      ["bench", "--suite", "surrogate", "--surrogate", "m.safetensors"],
      ["bench", "--suite", "surrogate", "--surrogate", "a=b=c"],
      // Huge counts are refused before any arithmetic on them can overflow.
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--steps-out", "9223372036854775807"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--mode", "space-time", "--time-padding", "9223372036854775807"],
      ["train", "fno", "--data", "d", "--out", "m.safetensors", "--modes", "9223372036854775807"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--mlp-ratio", "9223372036854775807"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--embedding", "9223372036854775807", "--blocks", "1"],
      ["train", "afno", "--data", "d", "--out", "m.safetensors", "--steps-in", "9223372036854775807"],
    ]
    for arguments in rejected {
      XCTAssertThrowsError(try parse(arguments), arguments.joined(separator: " "))
    }
  }
}
