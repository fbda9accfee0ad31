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

/// The top-level fields in which `recorded` and `requested` differ, as
/// `name: recorded → requested` (their JSON encodings compared), for one-line mismatch errors.
func differences<T: Encodable>(_ recorded: T, _ requested: T) throws -> String {
  func fields(_ value: T) throws -> [String: String] {
    let object = try JSONSerialization.jsonObject(with: Data(jsonLine(value).utf8)) as? [String: Any] ?? [:]
    return object.mapValues { value in
      (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
        .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }
  }
  let (old, new) = (try fields(recorded), try fields(requested))
  let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
  return names.map { "\($0): \(old[$0] ?? "absent") → \(new[$0] ?? "absent")" }.joined(separator: ", ")
}
