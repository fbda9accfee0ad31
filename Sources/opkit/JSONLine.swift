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

/// A JSON object key spelled at run time (or as a string literal).
struct JSONKey: CodingKey, ExpressibleByStringLiteral {
  let stringValue: String
  var intValue: Int? { nil }
  init(_ name: String) { stringValue = name }
  init(stringLiteral name: String) { stringValue = name }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}
