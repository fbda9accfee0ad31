/// A piece of user input fit to quote in a one-line error message: at most `limit` characters
/// (default 80), line breaks and other control characters escaped (`\n`, `\r`, `\t`, `\u{…}`),
/// and, when cut, the total length appended — `'12345…' (2000001 characters)`. In single quotes
/// unless `quoted` is false (for lists the message introduces itself: `columns: a, b, c…`).
///
/// Readers quote the offending token, cell or line through this, so a 2 MB CSV cell or a file
/// without the expected line breaks cannot flood the terminal.
public func inputExcerpt(_ text: some StringProtocol, limit: Int = 80, quoted: Bool = true) -> String {
  let quote = quoted ? "'" : ""
  var shown = ""
  var count = 0
  for character in text {
    if count == limit {
      return "\(quote)\(shown)…\(quote) (\(text.count) characters)"
    }
    shown += escaped(character)
    count += 1
  }
  return quote + shown + quote
}

/// `character` as printed in an excerpt: control characters and line breaks escaped.
private func escaped(_ character: Character) -> String {
  switch character {
  case "\n": return "\\n"
  case "\r": return "\\r"
  case "\r\n": return "\\r\\n"
  case "\t": return "\\t"
  default:
    guard character.isNewline || character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else { return String(character) }
    return character.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
  }
}
