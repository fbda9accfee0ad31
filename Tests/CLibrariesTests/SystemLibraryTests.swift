import CBLAS
import CFFTW
import CSuiteSparse
import XCTest

/// The system-library targets link and compute: FFTW (double and single), OpenBLAS, LAPACKE and
/// SuiteSparse, each checked against a known answer.
final class SystemLibraryTests: XCTestCase {
  func testFFTWTransformsAnImpulseInBothPrecisions() {
    let n: Int32 = 8
    let input = fftw_alloc_real(8)!, output = fftw_alloc_complex(5)!
    defer { fftw_free(input); fftw_free(output) }
    let plan = fftw_plan_dft_r2c_1d(n, input, output, UInt32(FFTW_ESTIMATE))
    defer { fftw_destroy_plan(plan) }
    for i in 0..<8 { input[i] = i == 0 ? 1 : 0 }
    fftw_execute(plan)
    for k in 0..<5 {
      XCTAssertEqual(output[k].0, 1, accuracy: 1e-15)
      XCTAssertEqual(output[k].1, 0, accuracy: 1e-15)
    }
    let inputF = fftwf_alloc_real(8)!, outputF = fftwf_alloc_complex(5)!
    defer { fftwf_free(inputF); fftwf_free(outputF) }
    let planF = fftwf_plan_dft_r2c_1d(n, inputF, outputF, UInt32(FFTW_ESTIMATE))
    defer { fftwf_destroy_plan(planF) }
    for i in 0..<8 { inputF[i] = 1 }
    fftwf_execute(planF)
    XCTAssertEqual(outputF[0].0, 8, accuracy: 1e-6)
    XCTAssertEqual(outputF[1].0, 0, accuracy: 1e-6)
  }

  func testBLASAndLAPACKE() {
    let a: [Double] = [1, 2, 3, 4]  // row-major 2x2
    let b: [Double] = [5, 6, 7, 8]
    var c = [Double](repeating: 0, count: 4)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    XCTAssertEqual(c, [19, 22, 43, 50])
    var m: [Double] = [4, 1, 1, 3]
    var rhs: [Double] = [1, 2]
    var pivots = [Int32](repeating: 0, count: 2)
    XCTAssertEqual(LAPACKE_dgesv(LAPACK_ROW_MAJOR, 2, 1, &m, 2, &pivots, &rhs, 1), 0)
    XCTAssertEqual(rhs[0], 1.0 / 11, accuracy: 1e-15)
    XCTAssertEqual(rhs[1], 7.0 / 11, accuracy: 1e-15)
  }

  func testSuiteSparseVersionsAreTheOnesWeBuiltAgainst() {
    var version = [Int32](repeating: 0, count: 3)
    XCTAssertGreaterThanOrEqual(cholmod_version(&version), 3000)
    XCTAssertGreaterThanOrEqual(version[0], 3)
  }
}
