import Foundation

// Where a secret comes from: an environment variable (`*_env`), a file (`*_file`, re-read on every
// resolve, so SIGHUP picks up a rotated file) or, where SPEC allows it, an inline value. Descriptions
// and errors name the variable or the file, never the secret itself.

public enum SecretSource: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    case environment(String)
    case file(String)
    case inline(String)

    /// The secret's value. A file's content loses its trailing newline(s). Throws a
    /// `SecretSourceError` when the variable is unset or empty, or the file unreadable or empty.
    public func resolve(environment: [String: String]) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw SecretSourceError("environment variable \(name) is not set or empty")
            }
            return value
        case .file(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SecretSourceError("file \(path) does not exist")
            }
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
                throw SecretSourceError("file \(path) is not readable")
            }
            guard var value = String(data: data, encoding: .utf8) else {
                throw SecretSourceError("file \(path) is not UTF-8 text")
            }
            while let last = value.unicodeScalars.last, last == "\n" || last == "\r" {
                value.unicodeScalars.removeLast()
            }
            guard !value.isEmpty else { throw SecretSourceError("file \(path) is empty") }
            return value
        case .inline(let value):
            return value
        }
    }

    public var description: String {
        switch self {
        case .environment(let name): return "environment variable \(name)"
        case .file(let path): return "file \(path)"
        case .inline: return "inline value"
        }
    }

    public var debugDescription: String { description }
}

/// Why a secret could not be resolved; names the source, never the value.
public struct SecretSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
