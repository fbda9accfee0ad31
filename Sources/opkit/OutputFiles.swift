import ArgumentParser
import Foundation
import OperatorKit

/// A file a command writes: the option naming it, its path (nil when not asked for) and the
/// extensions of the formats it can be written in.
struct OutputFile {
  let option: String
  let path: String?
  let extensions: [String]
  init(_ option: String, _ path: String?, _ extensions: [String]) { (self.option, self.path, self.extensions) = (option, path, extensions) }
}

/// Refuses, before any work, an output that would destroy one of the command's `inputs` (files,
/// or dataset directories: their arrays and `meta.json`) or another of its outputs, that names
/// something other than a regular file (a directory, a FIFO, a device), or whose extension is
/// not one of its formats, or whose directory does not exist or cannot be written (found now,
/// not after the first epoch). Paths are compared after resolving symbolic links, so a link to an
/// input is the input; a link to a regular file is written through.
func checkOutputs(_ outputs: [OutputFile], inputs: [String?]) throws {
  var protected = [String: String]()  // canonical path → what it is
  // A dataset directory the command creates may hold an output (generate --out D --png D/x.png).
  let inputDirectories = Set(inputs.compactMap { $0 }.map(canonicalPath))
  for input in inputs.compactMap({ $0 }) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
      let layout = DatasetDirectory(input)
      for file in [layout.inputsPath, layout.outputsPath, layout.queriesPath, layout.metadataPath, layout.hdf5Path] {
        protected[canonicalPath(file)] = "\(file) (an input)"
      }
    } else {
      protected[canonicalPath(input)] = "\(input) (an input)"
    }
  }
  for output in outputs {
    guard let path = output.path else { continue }
    let suffix = (path as NSString).pathExtension.lowercased()
    guard output.extensions.contains(suffix) else {
      throw ValidationError("\(output.option) writes \(output.extensions.map { "." + $0 }.joined(separator: " or ")), got \(path)")
    }
    if let kind = nonRegularKind(path) { throw ValidationError("\(output.option) \(path) is \(kind), not a regular file") }
    if !inputDirectories.contains((canonicalPath(path) as NSString).deletingLastPathComponent), let problem = directoryProblem(path) {
      throw ValidationError("\(output.option) \(path): \(problem)")
    }
    let canonical = canonicalPath(path)
    if let other = protected[canonical] { throw ValidationError("\(output.option) \(path) would overwrite \(other)") }
    protected[canonical] = "\(path) (\(output.option))"
  }
}

/// The path with `.`/`..` removed and symbolic links resolved.
private func canonicalPath(_ path: String) -> String {
  URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}

/// What an existing non-regular path is ("a directory", "a FIFO", …), nil for a regular file or
/// nothing.
private func nonRegularKind(_ path: String) -> String? {
  guard let type = try? FileManager.default.attributesOfItem(atPath: canonicalPath(path))[.type] as? FileAttributeType else { return nil }
  switch type {
  case .typeRegular: return nil
  case .typeDirectory: return "a directory"
  case .typeCharacterSpecial, .typeBlockSpecial: return "a device"
  case .typeSocket: return "a socket"
  default: return "a FIFO or another special file"
  }
}

/// Why a file cannot be created at `path`'s directory ("no directory …", "… is not writable"),
/// nil when it can.
private func directoryProblem(_ path: String) -> String? {
  let directory = (canonicalPath(path) as NSString).deletingLastPathComponent
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
    return "no directory \(directory) (create it first)"
  }
  guard isDirectory.boolValue else { return "\(directory) is not a directory" }
  guard access(directory, W_OK | X_OK) == 0 else { return "the directory \(directory) is not writable" }
  return nil
}
