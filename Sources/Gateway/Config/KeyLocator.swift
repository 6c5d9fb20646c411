// KeyLocator: which line of `gateway.conf` defines `section.key`.
//
// Why it exists: `check-config` must print every problem as `PATH:LINE: message`, but TOMLKit only
// hands back parsed values — toml++ keeps source positions internally and TOMLKit does not expose
// them (only a syntax error carries a line). So this small scanner reads the raw text once, tracking
// `[table]` and `[[array.of.tables]]` headers (and which occurrence of an array table it is in) and
// `key = value` lines (bare, quoted and dotted keys), skipping over strings, multi-line strings,
// arrays and comments so that their contents are never mistaken for keys. It never judges the file:
// TOMLKit does that; an odd line here only costs a line number.

struct KeyLocator: Sendable {
    /// The Nth (0-based) `[[path]]` header of an array of tables.
    struct ArrayScope: Sendable, Equatable {
        var path: [String]
        var index: Int
    }

    private struct Entry: Sendable {
        var path: [String]
        var line: Int
        var scope: ArrayScope?
    }

    private var keys: [Entry] = []
    private var headers: [Entry] = []

    init(text: String) {
        var scanner = Lexer(bytes: Array(text.utf8))
        var table: [String] = []
        var scope: ArrayScope? = nil
        var arrayCounts: [[String]: Int] = [:]
        while let statement = scanner.nextStatement() {
            switch statement {
            case .header(let path, let isArray, let line):
                table = path
                if isArray {
                    let index = arrayCounts[path, default: 0]
                    arrayCounts[path] = index + 1
                    scope = ArrayScope(path: path, index: index)
                } else if let current = scope, !(path.count > current.path.count && path.starts(with: current.path)) {
                    scope = nil
                }
                headers.append(Entry(path: path, line: line, scope: scope))
            case .key(let path, let line):
                keys.append(Entry(path: table + path, line: line, scope: scope))
            }
        }
    }

    /// The line defining `path` (e.g. ["server", "listen"]) — inside the given occurrence of an array
    /// of tables when `scope` is set. Falls back to the line of the enclosing table's header (or of the
    /// key holding an inline table), then nil.
    func line(of path: [String], in scope: ArrayScope? = nil) -> Int? {
        var path = path
        while !path.isEmpty {
            let applies = scope.map { path.starts(with: $0.path) } ?? false
            func matches(_ entry: Entry) -> Bool {
                entry.path == path && (!applies || entry.scope == scope)
            }
            if let entry = keys.first(where: matches) ?? headers.first(where: matches) {
                return entry.line
            }
            path.removeLast()
        }
        return nil
    }

    /// `line(of:)` for a dotted path without quoted parts ("server.listen").
    func line(of dotted: String) -> Int? {
        line(of: dotted.split(separator: ".").map(String.init))
    }
}
