import Foundation
import Parallelism

/// The spacing of a series' dates, inferred from them: a whole number of calendar months
/// (monthly, quarterly, yearly; on the same day of the month or on month ends) or a fixed
/// number of seconds (weekly, daily, hourly, every 15 minutes).
public enum SeriesFrequency: Sendable, Equatable {
  /// `count` calendar months per step; `monthEnd` when every date is the last day of its month.
  case months(Int, monthEnd: Bool)
  /// A fixed step in seconds.
  case seconds(Int)

  /// The name a forecaster would use: `monthly`, `quarterly`, `yearly`, `weekly`, `daily`,
  /// `hourly`, or `every N months|days|hours|minutes|seconds`.
  public var name: String {
    switch self {
    case .months(1, _): return "monthly"
    case .months(3, _): return "quarterly"
    case .months(12, _): return "yearly"
    case .months(let n, _): return n % 12 == 0 ? "every \(n / 12) years" : "every \(n) months"
    case .seconds(let s):
      switch s {
      case 604_800: return "weekly"
      case 86_400: return "daily"
      case 3_600: return "hourly"
      case let s where s % 86_400 == 0: return "every \(s / 86_400) days"
      case let s where s % 3_600 == 0: return "every \(s / 3_600) hours"
      case let s where s % 60 == 0: return "every \(s / 60) minutes"
      default: return "every \(s) seconds"
      }
    }
  }
}

/// The dates of a series, read from the strings of its date column, and their continuation.
///
/// Reads `YYYY-MM-DD` with an optional time `HH:MM` or `HH:MM:SS` (after a space or `T`), also
/// with `/` between the date parts, and the short forms `YYYY-MM` and `YYYY`. Dates are taken as
/// UTC calendar dates (no time zones, no daylight saving). Continued dates are written in the
/// series' own style.
public struct SeriesCalendar: Sendable {
  /// The inferred spacing.
  public let frequency: SeriesFrequency
  /// The last date of the series.
  let last: Timestamp
  /// How the series writes its dates.
  let style: Timestamp.Style

  /// The calendar of `dates` (a series' date column, in order), from file `file` for messages.
  /// - Throws: ``TimeSeriesError`` naming the file and the first date that cannot be read, or the
  ///   first date that breaks the spacing of the ones before it; or when there are fewer than
  ///   two dates.
  public init(dates: [String], file: String) throws {
    guard dates.count >= 2 else {
      throw TimeSeriesError(
        file: file, line: nil, message: "at least two dates are needed to infer the series' frequency, got \(dates.count)")
    }
    let stamps = try dates.enumerated().map { row, text in
      guard let stamp = Timestamp(text) else {
        throw TimeSeriesError(
          file: file, line: nil,
          message: "data row \(row + 1): date \(inputExcerpt(text)) is not YYYY-MM-DD[ HH:MM[:SS]], YYYY-MM or YYYY")
      }
      return stamp
    }
    style = stamps[stamps.count - 1].style
    last = stamps[stamps.count - 1]
    let monthly = Self.monthlyRun(stamps)
    let step = stamps[1].secondsSinceEpoch - stamps[0].secondsSinceEpoch
    let fixedBreak = step > 0 ? (1..<stamps.count).first { stamps[$0].secondsSinceEpoch - stamps[$0 - 1].secondsSinceEpoch != step } : 1
    if monthly.breaksAt == nil {
      frequency = .months(monthly.step, monthEnd: monthly.monthEnd)
    } else if fixedBreak == nil {
      frequency = .seconds(step)
    } else {
      // Name the row that ends the longer regular run: monthly or fixed.
      let (row, pattern) =
        monthly.breaksAt! >= fixedBreak!
        ? (monthly.breaksAt!, "\(monthly.step) month\(monthly.step == 1 ? "" : "s")") : (fixedBreak!, Self.describe(step))
      let gap = stamps[row].secondsSinceEpoch - stamps[row - 1].secondsSinceEpoch
      throw TimeSeriesError(
        file: file, line: nil,
        message:
          "irregular dates: data row \(row + 1) (\(inputExcerpt(dates[row]))) comes \(Self.describe(gap)) after the row before it, "
          + "but the rows before step by \(pattern); a forecast needs evenly spaced dates")
    }
  }

  /// The `count` dates after the series' last one, in its style.
  public func dates(after count: Int) -> [String] {
    (1...max(1, count)).prefix(count).map { i in
      switch frequency {
      case .months(let step, let monthEnd):
        let index = last.year * 12 + (last.month - 1) + step * i
        let (year, month) = (index.floorDivided(by: 12), index - index.floorDivided(by: 12) * 12 + 1)
        let length = Timestamp.daysIn(month: month, year: year)
        let day = monthEnd ? length : min(last.day, length)
        return Timestamp(year: year, month: month, day: day, hour: last.hour, minute: last.minute, second: last.second, style: style)
          .text
      case .seconds(let step):
        return Timestamp(secondsSinceEpoch: last.secondsSinceEpoch + step * i, style: style).text
      }
    }
  }

  /// The monthly reading of `stamps`: the month step of the first two dates, whether they are
  /// month ends (then every date must be one) or else share the day of the month and the time
  /// of day, and the first index that breaks the pattern (nil: none does).
  private static func monthlyRun(_ stamps: [Timestamp]) -> (step: Int, monthEnd: Bool, breaksAt: Int?) {
    func isMonthEnd(_ t: Timestamp) -> Bool { t.day == Timestamp.daysIn(month: t.month, year: t.year) }
    func months(_ a: Timestamp, _ b: Timestamp) -> Int { (b.year * 12 + b.month) - (a.year * 12 + a.month) }
    let step = months(stamps[0], stamps[1])
    let monthEnd = isMonthEnd(stamps[0]) && isMonthEnd(stamps[1])
    let breaksAt = (1..<stamps.count).first { i in
      let (a, b) = (stamps[i - 1], stamps[i])
      let sameTime = a.hour == b.hour && a.minute == b.minute && a.second == b.second
      return !(step > 0 && sameTime && months(a, b) == step && (monthEnd ? isMonthEnd(b) : a.day == b.day))
    }
    return (step, monthEnd, breaksAt)
  }

  /// `seconds` in the largest whole unit (`7 days`, `1 hour`, `90 seconds`).
  private static func describe(_ seconds: Int) -> String {
    for (unit, size) in [("day", 86_400), ("hour", 3_600), ("minute", 60)] where seconds != 0 && seconds % size == 0 {
      let n = seconds / size
      return "\(n) \(unit)\(abs(n) == 1 ? "" : "s")"
    }
    return "\(seconds) second\(abs(seconds) == 1 ? "" : "s")"
  }
}

/// One date and time of day, proleptic Gregorian, UTC.
struct Timestamp: Sendable, Equatable {
  /// How a date is written: which parts, and the separators.
  struct Style: Sendable, Equatable {
    /// 1 for `YYYY`, 2 for `YYYY-MM`, 3 for a full date.
    var dateParts = 3
    /// `-` or `/`.
    var dateSeparator: Character = "-"
    /// 0 for no time, 2 for `HH:MM`, 3 for `HH:MM:SS`.
    var timeParts = 0
    /// ` ` or `T`.
    var timeSeparator: Character = " "
  }

  var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
  var style: Style

  init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, style: Style) {
    (self.year, self.month, self.day, self.hour, self.minute, self.second, self.style) = (year, month, day, hour, minute, second, style)
  }

  /// Parses `text`, or nil when it is not one of the accepted forms or not a valid date.
  init?(_ text: String) {
    var style = Style()
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let halves = trimmed.split(maxSplits: 1, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "T" })
    guard let datePart = halves.first else { return nil }
    if halves.count == 2 { style.timeSeparator = trimmed.contains("T") ? "T" : " " }
    style.dateSeparator = datePart.contains("/") ? "/" : "-"
    let date = datePart.split(separator: style.dateSeparator, omittingEmptySubsequences: false).map { Int($0) }
    let time = halves.count == 2 ? halves[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) } : []
    guard (1...3).contains(date.count), date.allSatisfy({ $0 != nil }), time.isEmpty || (2...3).contains(time.count),
      time.allSatisfy({ $0 != nil }), datePart.split(separator: style.dateSeparator).first?.count == 4
    else { return nil }
    style.dateParts = date.count
    style.timeParts = time.count
    let y = date[0]!, m = date.count > 1 ? date[1]! : 1, d = date.count > 2 ? date[2]! : 1
    let hh = time.first.map { $0! } ?? 0, mm = time.count > 1 ? time[1]! : 0, ss = time.count > 2 ? time[2]! : 0
    guard (1...12).contains(m), (1...Self.daysIn(month: m, year: y)).contains(d), (0..<24).contains(hh), (0..<60).contains(mm),
      (0..<60).contains(ss)
    else { return nil }
    self.init(year: y, month: m, day: d, hour: hh, minute: mm, second: ss, style: style)
  }

  /// The moment `seconds` after 1970-01-01 00:00:00, written in `style`.
  init(secondsSinceEpoch seconds: Int, style: Style) {
    let days = seconds.floorDivided(by: 86_400), rest = seconds - days * 86_400
    // Civil date from a day count (the era-based algorithm: 400-year eras of 146,097 days).
    let z = days + 719_468
    let era = z.floorDivided(by: 146_097)
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    self.init(
      year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day, hour: rest / 3_600, minute: rest % 3_600 / 60,
      second: rest % 60, style: style)
  }

  /// Seconds since 1970-01-01 00:00:00.
  var secondsSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = y.floorDivided(by: 400)
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return days * 86_400 + hour * 3_600 + minute * 60 + second
  }

  /// The date in its style.
  var text: String {
    let s = String(style.dateSeparator)
    var out = String(format: "%04d", year)
    if style.dateParts >= 2 { out += s + String(format: "%02d", month) }
    if style.dateParts >= 3 { out += s + String(format: "%02d", day) }
    if style.timeParts >= 2 { out += String(style.timeSeparator) + String(format: "%02d:%02d", hour, minute) }
    if style.timeParts >= 3 { out += String(format: ":%02d", second) }
    return out
  }

  /// Days in `month` of `year` (Gregorian leap years).
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

extension Int {
  /// `self / divisor` rounded towards negative infinity.
  fileprivate func floorDivided(by divisor: Int) -> Int {
    let q = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
  }
}
