import Foundation
import TOMLKit

// The typed fields of `gateway.conf`: strings, numbers, durations, sizes, rates, addresses, enums,
// secrets and file paths, each with the message a wrong value gets.

extension ConfigTableReader {
    func string(_ key: String, _ fallback: String) -> String {
        read(key, fallback, expected: "a string") { $0.string }
    }

    /// A string where "" means "not set".
    func optionalString(_ key: String) -> String? {
        let value = string(key, "")
        return value.isEmpty ? nil : value
    }

    func bool(_ key: String, _ fallback: Bool) -> Bool {
        read(key, fallback, expected: "true or false") { $0.bool }
    }

    func int(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) -> Int {
        read(key, fallback, expected: "an integer from \(range.lowerBound) to \(range.upperBound)") { value in
            value.int.flatMap { range.contains($0) ? $0 : nil }
        }
    }

    func duration(_ key: String, _ fallback: Duration, allowZero: Bool = false) -> Duration {
        let expected = allowZero ? "a duration like \"10s\" (ms, s, m, h, d)"
                                 : "a duration above 0s like \"10s\" (ms, s, m, h, d)"
        return read(key, fallback, expected: expected) { value in
            value.string.flatMap(ConfigValues.duration).flatMap { allowZero || $0 > .zero ? $0 : nil }
        }
    }

    /// A size in bytes, as "64KiB"-style text or a plain integer.
    func size(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) -> Int {
        let bounds = "\(ConfigValues.formatSize(range.lowerBound)) to \(ConfigValues.formatSize(range.upperBound))"
        return read(key, fallback, expected: "a size like \"64KiB\" from \(bounds)") { value in
            (value.string.flatMap(ConfigValues.size) ?? value.int).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A rate "N/DURATION"; "" disables it (nil).
    func rate(_ key: String, _ fallback: Rate?) -> Rate? {
        read(key, fallback, expected: "a rate like \"3/1h\" (or \"\" to disable)") { value -> Rate?? in
            guard let text = value.string else { return nil }
            if text.isEmpty { return .some(nil) }
            return Rate(text).map { .some($0) }
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ fallback: E) -> E where E.RawValue == String {
        let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        return read(key, fallback, expected: "one of \(options)") { $0.string.flatMap(E.init(rawValue:)) }
    }

    func hostPort(_ key: String, _ fallback: HostPort) -> HostPort {
        read(key, fallback, expected: "HOST:PORT like \"0.0.0.0:8080\" or \"[::1]:8080\"") {
            $0.string.flatMap { HostPort($0) }
        }
    }

    /// An array whose every element converts; a bad element is named with its position.
    func array<T>(_ key: String, _ fallback: [T], expected: String, _ convert: (TOMLValueConvertible) -> T?) -> [T] {
        markRead(key)
        guard let value = table[key] else { return fallback }
        guard let array = value.array else {
            problem(key, "expected \(expected), got \(ConfigTableReader.describe(value, echo: true))")
            return fallback
        }
        var result: [T] = []
        for (index, element) in array.enumerated() {
            guard let converted = convert(element) else {
                problem(key, "expected \(expected), got \(ConfigTableReader.describe(element, echo: true)) (item \(index + 1))")
                return fallback
            }
            result.append(converted)
        }
        return result
    }

    func strings(_ key: String, _ fallback: [String]) -> [String] {
        array(key, fallback, expected: "an array of strings") { $0.string }
    }

    /// A path that must name a readable file when set; "" → nil.
    func readableFile(_ key: String) -> String? {
        guard let path = optionalString(key) else { return nil }
        if let reason = ConfigTableReader.unreadableReason(path) { problem(key, reason) }
        return path
    }

    static func unreadableReason(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "file \(path) does not exist"
        }
        if isDirectory.boolValue { return "\(path) is a directory, not a file" }
        if !FileManager.default.isReadableFile(atPath: path) { return "file \(path) is not readable" }
        return nil
    }

    /// A secret given as `<base>_env` (a variable name) or `<base>_file` (a path): at most one of them,
    /// and it must resolve now. The message names the variable or file, never the value.
    func secret(_ base: String) -> SecretSource? {
        let envKey = base + "_env", fileKey = base + "_file"
        let variable = optionalString(envKey)
        let file = optionalString(fileKey)
        if variable != nil, file != nil {
            problem(envKey, "set only one of \(qualified(envKey)) and \(qualified(fileKey))")
            return nil
        }
        let (source, key): (SecretSource?, String) =
            variable.map { (.environment($0), envKey) } ?? (file.map { (.file($0), fileKey) } ?? (nil, envKey))
        guard let source else { return nil }
        do {
            _ = try source.resolve(environment: context.environment)
        } catch {
            problem(key, "\(error)")
        }
        return source
    }
}
