import Foundation

/// The top-level fields in which `recorded` and `requested` differ, as
/// `name: recorded → requested` (their JSON encodings compared), comma-separated; empty when
/// they agree. What a refused resumption names (a checkpoint's options, a dataset's parameters).
public func fieldDifferences<T: Encodable>(_ recorded: T, _ requested: T) -> String {
  func fields(_ value: T) -> [String: String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      return [:]
    }
    return object.mapValues { field in
      (try? JSONSerialization.data(withJSONObject: field, options: [.sortedKeys, .fragmentsAllowed]))
        .map { String(decoding: $0, as: UTF8.self) } ?? "\(field)"
    }
  }
  let (old, new) = (fields(recorded), fields(requested))
  let names = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
  return names.map { "\($0): \(old[$0] ?? "absent") → \(new[$0] ?? "absent")" }.joined(separator: ", ")
}
