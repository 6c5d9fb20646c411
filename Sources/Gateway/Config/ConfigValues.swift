// Parsing and printing of the scalar value syntaxes of `gateway.conf`: durations ("500ms", "10s",
// "1h30m") and sizes ("64KiB", "1MiB", "512", "512B", "10KB"). Rates, addresses, URLs and CIDRs have
// their own files.

public enum ConfigValues {
    private static let durationUnits: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses a duration: one or more `<integer><unit>` parts, unit one of ms, s, m, h, d
    /// ("10s", "1h30m"). No sign, no fractions, no spaces. Nil when malformed or absurdly large.
    public static func duration(_ text: String) -> Duration? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 12, let amount = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: { $0.isASCII && $0.isLetter })
            guard let unit = durationUnits.first(where: { $0.suffix == letters }) else { return nil }
            rest = rest.dropFirst(letters.count)
            let (part, overflow1) = amount.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2, sum <= 100 * 365 * 86_400_000 else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// The shortest exact spelling of a duration in this syntax ("0s", "250ms", "90s", "10m", "24h").
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0s" }
        for (suffix, unit) in durationUnits.reversed() where ms % unit == 0 {
            return "\(ms / unit)\(suffix)"
        }
        return "\(ms)ms"
    }

    private static let sizeUnits: [String: Int] = [
        "": 1, "b": 1,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000,
    ]

    /// Parses a size in bytes: an integer optionally followed by B, KiB, MiB, GiB (1024-based) or
    /// KB, MB, GB (1000-based), case-insensitively, with an optional space. Nil when malformed.
    public static func size(_ text: String) -> Int? {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 12, let amount = Int(digits) else { return nil }
        var unit = text.dropFirst(digits.count)
        if unit.first == " " { unit = unit.dropFirst() }
        guard let factor = sizeUnits[unit.lowercased()] else { return nil }
        let (bytes, overflow) = amount.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// The shortest exact spelling of a size ("64KiB", "1MiB", "1000B").
    public static func formatSize(_ bytes: Int) -> String {
        for (suffix, unit) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)B"
    }
}
