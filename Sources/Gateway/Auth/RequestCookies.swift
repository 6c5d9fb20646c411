import HTTPTypes

// ServiceStack reads its session and JWT cookies (`ss-id`, `ss-pid`, `ss-tok`) by exact,
// case-sensitive name. Clients may split cookies over several `Cookie` lines (HTTP/2 does), each a
// `; `-separated list of `name=value` pairs; this finds every value of one cookie across all of them.

enum RequestCookies {
    /// Every non-empty value of the cookie named exactly `name` (case-sensitive), in header order.
    /// Pairs without `=` are skipped; a value is taken as sent (surrounding whitespace removed).
    static func values(named name: String, in headers: HTTPFields) -> [String] {
        var found: [String] = []
        for line in AuthHeaderValues.values(headers, AuthHeaderValues.cookie) {
            for pair in line.split(separator: ";", omittingEmptySubsequences: true) {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = AuthHeaderValues.trimmed(pair[..<equals])
                guard key == name else { continue }
                let value = AuthHeaderValues.trimmed(pair[pair.index(after: equals)...])
                if !value.isEmpty { found.append(String(value)) }
            }
        }
        return found
    }
}
