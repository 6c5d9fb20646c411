// Hiding credentials inside values that a message echoes (a URL with user:password@).

/// Redaction of echoed values that may carry credentials.
enum ConfigRedaction {
    /// `scheme://user:pass@host/…` → `scheme://***@host/…`. Everything before the last "@" (after
    /// the scheme, if any) is hidden, so that even a malformed URL never shows a password.
    static func userinfo(in url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.range(of: "://").map { $0.upperBound } ?? url.startIndex
        guard start <= at else { return "***" + String(url[at...]) }
        return String(url[..<start]) + "***" + String(url[at...])
    }
}
