/// Removes what ServiceStack adds only in DebugMode — `ResponseStatus.StackTrace` and
/// `ResponseStatus.Meta["InnerMessages"]` — before an upstream response reaches a client (SPEC §4.7).
/// Field errors' `Meta` is left alone: validators put ordinary data there.
extension ResponseStatus {
    /// Scrubs in place; returns whether anything was removed. A `Meta` left empty becomes null, as it
    /// is when DebugMode never created it.
    @discardableResult
    public mutating func scrubDebug() -> Bool {
        var removed = false
        if stackTrace != nil {
            stackTrace = nil
            removed = true
        }
        if let entries = meta, entries.contains(where: { $0.key == "InnerMessages" }) {
            let kept = entries.filter { $0.key != "InnerMessages" }
            meta = kept.isEmpty ? nil : kept
            removed = true
        }
        return removed
    }
}

extension ResponseDTO {
    @discardableResult
    public mutating func scrubDebug() -> Bool {
        responseStatus?.scrubDebug() ?? false
    }
}
