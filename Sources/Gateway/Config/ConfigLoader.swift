import Foundation
import TOMLKit

// Turns `gateway.conf` into a `GatewayConfig`, collecting every problem (syntax, unknown keys, bad
// values, unset secrets, cross-key checks) and warning with its line. Used by `serve`,
// `check-config` and SIGHUP reloads alike.

public enum ConfigLoader {
    /// Reads and parses the file at `path`; an unreadable file is a problem like any other.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = ConfigTableReader.unreadableReason(path) ?? "file \(path) is not readable"
            return ConfigReport(config: nil, problems: [ConfigProblem(file: path, line: nil, message: "cannot read the configuration: \(reason)")], warnings: [])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return ConfigReport(config: nil, problems: [ConfigProblem(file: path, line: nil, message: "the configuration is not UTF-8 text")], warnings: [])
        }
        return parse(text: text, path: path, environment: environment)
    }

    /// Parses configuration text; `path` only names the file in messages.
    public static func parse(text: String, path: String, environment: [String: String]) -> ConfigReport {
        if text.utf8.contains(0) {
            return ConfigReport(config: nil, problems: [ConfigProblem(file: path, line: nil, message: "the configuration contains a NUL byte")], warnings: [])
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line > 0 ? error.source.begin.line : nil
            return ConfigReport(config: nil, problems: [ConfigProblem(file: path, line: line, message: "TOML syntax error: \(error.description)")], warnings: [])
        } catch {
            return ConfigReport(config: nil, problems: [ConfigProblem(file: path, line: nil, message: "TOML syntax error: \(error)")], warnings: [])
        }

        let context = ConfigLoadContext(file: path, text: text, environment: environment)
        let top = ConfigTableReader(table: root, name: "", path: [], context: context)
        let defaults = GatewayConfig.defaults
        let config = GatewayConfig(
            server: ConfigSections.server(top.section("server"), defaults.server),
            admin: ConfigSections.admin(top.section("admin"), defaults.admin),
            upstream: ConfigSections.upstream(top.section("upstream"), defaults.upstream),
            routes: ConfigSections.routes(top.section("routes"), defaults.routes),
            auth: ConfigSections.auth(top.section("auth"), defaults.auth),
            idempotency: ConfigSections.idempotency(top.section("idempotency"), defaults.idempotency),
            throttle: ConfigSections.throttle(top.section("throttle"), defaults.throttle),
            store: ConfigSections.store(top.section("store"), defaults.store),
            accessLog: ConfigSections.accessLog(top.section("access_log"), defaults.accessLog)
        )
        top.reportUnknownKeys()
        ConfigChecks.run(config, context)

        func byLine(_ a: ConfigProblem, _ b: ConfigProblem) -> Bool { (a.line ?? .max) < (b.line ?? .max) }
        let problems = stableSorted(context.problems, by: byLine)
        let warnings = stableSorted(context.warnings, by: byLine)
        return ConfigReport(config: problems.isEmpty ? config : nil, problems: problems, warnings: warnings)
    }

    private static func stableSorted(_ items: [ConfigProblem], by less: (ConfigProblem, ConfigProblem) -> Bool) -> [ConfigProblem] {
        items.enumerated().sorted { less($0.element, $1.element) || (!less($1.element, $0.element) && $0.offset < $1.offset) }.map(\.element)
    }
}

extension ConfigTableReader {
    /// The sub-table `key` as a reader (empty when absent or not a table, the latter reported).
    func section(_ key: String) -> ConfigTableReader {
        markRead(key)
        let child = ConfigTableReader(table: TOMLTable(), name: qualified(key), path: path + [key], context: context)
        guard let value = table[key] else { return child }
        guard let subtable = value.table else {
            problem(key, "expected a table ([\(qualified(key))]), got \(ConfigTableReader.describe(value, echo: false))")
            return child
        }
        return ConfigTableReader(table: subtable, name: qualified(key), path: path + [key], context: context)
    }
}
