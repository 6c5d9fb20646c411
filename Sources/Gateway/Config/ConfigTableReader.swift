import Foundation
import TOMLKit

// Reading typed values out of the parsed TOML, one table at a time, recording every problem with its
// line instead of stopping at the first. A value that does not parse leaves the default in place (the
// report then has no config anyway) and marks the key failed so that cross-key checks skip it.

/// Problems, warnings and line lookup shared by every reader of one file.
final class ConfigLoadContext {
    let file: String
    let locator: KeyLocator
    let environment: [String: String]
    var problems: [ConfigProblem] = []
    var warnings: [ConfigProblem] = []
    /// Dotted paths ("upstream.timeout", "auth.api_keys") whose value was refused.
    var failed: Set<String> = []

    init(file: String, text: String, environment: [String: String]) {
        self.file = file
        self.locator = KeyLocator(text: text)
        self.environment = environment
    }

    func problem(_ message: String, line: Int?) {
        problems.append(ConfigProblem(file: file, line: line, message: message))
    }

    func warning(_ message: String, line: Int?) {
        warnings.append(ConfigProblem(file: file, line: line, message: message))
    }

    func line(of dotted: String) -> Int? { locator.line(of: dotted) }
}

/// One TOML table ("server", "auth.jwt", the 2nd "auth.api_keys") being read.
final class ConfigTableReader {
    let table: TOMLTable
    /// How messages name it: "server", "auth.api_keys[2]".
    let name: String
    let path: [String]
    let scope: KeyLocator.ArrayScope?
    let context: ConfigLoadContext
    private(set) var readKeys: [String] = []

    init(table: TOMLTable, name: String, path: [String], scope: KeyLocator.ArrayScope? = nil, context: ConfigLoadContext) {
        self.table = table
        self.name = name
        self.path = path
        self.scope = scope
        self.context = context
    }

    func line(_ key: String?) -> Int? {
        context.locator.line(of: key.map { path + [$0] } ?? path, in: scope)
    }

    func qualified(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }

    /// Records a problem about `key` ("server.listen: …") and marks it failed.
    func problem(_ key: String, _ message: String) {
        context.failed.insert(path.isEmpty ? key : (path + [key]).joined(separator: "."))
        context.problem("\(qualified(key)): \(message)", line: line(key))
    }

    func warning(_ key: String, _ message: String) {
        context.warning("\(qualified(key)): \(message)", line: line(key))
    }

    func isSet(_ key: String) -> Bool { table[key] != nil }

    /// The value of `key` converted by `convert`, or `fallback` when absent or refused.
    func read<T>(_ key: String, _ fallback: T, expected: String, echo: Bool = true,
                 _ convert: (TOMLValueConvertible) -> T?) -> T {
        readKeys.append(key)
        guard let value = table[key] else { return fallback }
        if let converted = convert(value) { return converted }
        problem(key, "expected \(expected), got \(ConfigTableReader.describe(value, echo: echo))")
        return fallback
    }

    /// Marks `key` as known without reading it (sub-tables read by someone else).
    func markRead(_ key: String) { readKeys.append(key) }

    /// Reports every key of the table nobody read, with a suggestion when one is close.
    func reportUnknownKeys() {
        let known = readKeys
        for key in table.keys where !known.contains(key) {
            let isTable = table[key]?.type == .table || (table[key]?.array.map { !$0.isEmpty && $0.allSatisfy { $0.type == .table } } ?? false)
            let hint = ConfigTableReader.closest(to: key, in: known).map { isTable ? " (did you mean [\(qualified($0))]?)" : " (did you mean \($0)?)" } ?? ""
            let what = isTable ? "unknown section [\(qualified(key))]" : "unknown key \(qualified(key))"
            context.failed.insert((path + [key]).joined(separator: "."))
            context.problem(what + hint, line: line(key))
        }
    }

    static func describe(_ value: TOMLValueConvertible, echo: Bool) -> String {
        switch value.type {
        case .string:
            let text = value.string ?? ""
            guard echo else { return text.count == 1 ? "a string of 1 character" : "a string of \(text.count) characters" }
            let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
            return "\"\(ConfigRedaction.userinfo(in: shown))\""
        case .int: return value.int.map(String.init) ?? "an integer"
        case .double: return value.double.map { "\($0)" } ?? "a float"
        case .bool: return value.bool.map { "\($0)" } ?? "a boolean"
        case .table: return "a table"
        case .array: return "an array"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }

    /// The known key within edit distance 2 of `key`, if any.
    static func closest(to key: String, in known: [String]) -> String? {
        known.map { ($0, editDistance(Array(key), Array($0))) }
            .filter { $0.1 <= 2 }
            .min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
