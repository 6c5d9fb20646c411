/// Query strings as the access log shows them: every parameter named in `access_log.redact_query`
/// (compared case-insensitively, after percent-decoding the name) has its value replaced by `REDACTED`.
enum QueryRedaction {
    static func redact(_ target: String, names: Set<String>) -> String {
        guard let mark = target.firstIndex(of: "?") else { return target }
        let query = target[target.index(after: mark)...]
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryString.decode(parts[0]).lowercased()
            return names.contains(name) ? parts[0] + "=REDACTED" : String(pair)
        }
        return String(target[...mark]) + pairs.joined(separator: "&")
    }
}
