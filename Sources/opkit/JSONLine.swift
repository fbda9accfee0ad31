import Foundation

/// `value` as one line of JSON with sorted keys, non-finite numbers as the strings `"inf"`,
/// `"-inf"` and `"nan"` — what every `--json` flag prints.
func jsonLine<T: Encodable>(_ value: T, snakeCaseKeys: Bool = false) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}
