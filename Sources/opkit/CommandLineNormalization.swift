import OperatorKit

/// How `opkit` reads its command line before ArgumentParser sees it, and how it shapes the one
/// error line it prints.
enum CommandLineNormalization {
  /// The arguments with every negative number attached to the option before it: `--grid -5x5`
  /// becomes `--grid=-5x5`, `--rtol -1` becomes `--rtol=-1`. ArgumentParser otherwise reads
  /// `-5x5` as an option and reports a missing value; attached, the value reaches the option's
  /// own validation ("--rtol must be in (0, 1), got -1.0"). `opkit` has no positional arguments,
  /// so a negative number after an option can only be that option's value. Nothing after `--`
  /// is touched.
  static func attachingNegativeValues(_ arguments: [String]) -> [String] {
    var result = [String]()
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        result += arguments[index...]
        break
      }
      if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
        looksNegative(arguments[index + 1])
      {
        result.append(argument + "=" + arguments[index + 1])
        index += 2
      } else {
        result.append(argument)
        index += 1
      }
    }
    return result
  }

  /// `-5`, `-5x5`, `-1e-3`, `-.5`: a minus sign followed by a digit or by a point and a digit.
  static func looksNegative(_ text: String) -> Bool {
    let rest = text.dropFirst()
    guard text.first == "-", let first = rest.first else { return false }
    return first.isASCII && first.isNumber || (first == "." && rest.dropFirst().first.map { $0.isASCII && $0.isNumber } == true)
  }

  /// `message` as one line of at most a few hundred characters: line breaks (LF, CRLF, CR)
  /// become spaces and every quoted piece longer than 100 characters is cut to an 80-character
  /// excerpt (`'…' (N characters)`), whatever library or ArgumentParser message quoted it (the
  /// libraries' own excerpts, 81 characters, pass unchanged). Whatever is still longer than
  /// 1000 characters is cut there.
  static func oneLine(_ message: String) -> String {
    let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    let quoted = flat.replacing(/'([^']{101,})'/) { match in inputExcerpt(match.output.1) }
    return quoted.count <= 1000 ? quoted : quoted.prefix(1000) + "… (\(quoted.count) characters)"
  }
}
