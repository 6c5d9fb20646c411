import Foundation

enum ProcessEnvironment {
    static var all: [String: String] { ProcessInfo.processInfo.environment }

    static func value(_ name: String) -> String? { all[name] }
}

/// Writes a line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
