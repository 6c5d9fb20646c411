// libFuzzer target: what the gateway reads from a request line and headers — path classification,
// format negotiation, query strings, GUIDs and Idempotency-Key values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    let target = parts.first.map(String.init) ?? ""
    let path = target.firstIndex(of: "?").map { target[..<$0] } ?? Substring(target)
    let query = target.firstIndex(of: "?").map { target[target.index(after: $0)...] }
    var route: ResendRoute?
    if case .resend(let found) = ResendPath.classify(path) { route = found }
    let header = parts.count > 1 ? String(parts[1]) : nil
    _ = FormatNegotiation.negotiate(route: route, query: query, accept: header, contentType: header, defaultFormat: .json)
    for (_, value) in QueryString.pairs(query) {
        if let guid = GUID(value), GUID(guid.description) != guid || GUID(guid.compact) != guid { fatalError("GUID forms disagree") }
    }
    _ = IdempotencyKeyHeader.parse(parts.dropFirst().map(String.init))
    return 0
}
