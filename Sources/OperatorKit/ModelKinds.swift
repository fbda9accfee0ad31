// The table of model kinds a checkpoint can hold: each model module's type, registered once
// here, at the top, where every module is visible (adding a kind adds one entry).
extension ModelRegistry {
  /// Every model kind OperatorKit trains: FNO (steady, autoregressive and space-time), AFNO, MgNO, DeepONet (real and complex), the DCDM
  /// network and Koopa.
  public static let standard = ModelRegistry([
    FNO.self, FNORollout.self, FNOSpaceTime.self, AFNO.self, MgNO.self, DeepONet.self, ComplexDeepONet.self, DCDMNetwork.self, Koopa.self,
  ])
}
