/// The security boundary on paths (SPEC §4.1). Every raw path is exactly one of:
/// - refused (400): encoded `/`, `\`, `.` or NUL, any other bad `%`, `;`, `\`, control or non-ASCII
///   bytes, dot segments — for every path, pass-through included, so that no spelling reaches the
///   upstream that the gateway read differently;
/// - a resend call: `/api/connectionrequests/{id}/resend[.json|.xml]` or
///   `[/api]/{json|xml}/reply/ConnectionRequestResend`, literals in any case, empty segments dropped;
/// - refused (400) as an unsupported spelling of the resend service: any segment that starts with
///   `ConnectionRequestResend` (`.jsv`, `[]` batches, `/oneway/`, `/api/ConnectionRequestResend`), or a
///   `connectionrequests` segment followed anywhere later by one starting with `resend`;
/// - not found (404): `/soap11`, `/soap12`;
/// - anything else: pass-through.
/// Matching runs on the path after decoding only unreserved characters (letters, digits, `-_~`), which
/// is what ServiceStack's router sees too, so an encoded letter cannot hide a resend call.
public enum ResendPath {
    public enum Classification: Sendable, Equatable {
        case resend(ResendRoute)
        case passthrough
        case refused(String)
        case notFound
    }

    public static func classify(_ rawPath: Substring) -> Classification {
        guard let decoded = decodeUnreserved(rawPath) else {
            return .refused("The request path is not allowed: it contains an encoded '/', '\\', '.', NUL, ';', a bad escape or a non-ASCII byte")
        }
        guard decoded.utf8.first == UInt8(ascii: "/") else { return .refused("The request path must start with '/'") }
        // `decoded` is ASCII (anything else was refused), so bytes are characters: split and compare
        // bytes ignoring case rather than run Unicode segmentation and case mapping on every request.
        let segments = decoded.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        if segments.contains(where: { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) {
            return .refused("The request path is not allowed: it contains a dot segment")
        }
        if let route = match(segments) { return .resend(route) }
        if segments.contains(where: { $0.startsIgnoringCase(with: "connectionrequestresend") }) || hasResendBelowConnectionRequests(segments) {
            return .refused("Unsupported form of the ConnectionRequestResend route; use /api/connectionrequests/{ConnectionRequestId}/resend")
        }
        if let first = segments.first, first.equalsIgnoringCase("soap11") || first.equalsIgnoringCase("soap12") { return .notFound }
        return .passthrough
    }

    private static func match(_ segments: [Substring.UTF8View]) -> ResendRoute? {
        // Custom route: api/connectionrequests/{id}/resend[.json|.xml]; the suffix is case-sensitive like ServiceStack's.
        if segments.count == 4, segments[0].equalsIgnoringCase("api"), segments[1].equalsIgnoringCase("connectionrequests"),
            segments[3].startsIgnoringCase(with: "resend")
        {
            let id = String(Substring(segments[2]))
            switch Substring(segments[3].dropFirst(6)) {
            case "": return ResendRoute(pathId: id, suffixFormat: nil, predefinedFormat: nil)
            case ".json": return ResendRoute(pathId: id, suffixFormat: .json, predefinedFormat: nil)
            case ".xml": return ResendRoute(pathId: id, suffixFormat: .xml, predefinedFormat: nil)
            default: break
            }
        }
        // Predefined route: [api/]{json|xml}/reply/ConnectionRequestResend.
        let rest = segments.first?.equalsIgnoringCase("api") == true ? segments.dropFirst() : segments[...]
        if rest.count == 3, rest[rest.startIndex + 1].equalsIgnoringCase("reply"), rest[rest.startIndex + 2].equalsIgnoringCase("connectionrequestresend") {
            let format = rest[rest.startIndex]
            if format.equalsIgnoringCase("json") { return ResendRoute(pathId: nil, suffixFormat: nil, predefinedFormat: .json) }
            if format.equalsIgnoringCase("xml") { return ResendRoute(pathId: nil, suffixFormat: nil, predefinedFormat: .xml) }
        }
        return nil
    }

    /// `connectionrequests/*/resend*`, where `*` may span segments.
    private static func hasResendBelowConnectionRequests(_ segments: [Substring.UTF8View]) -> Bool {
        guard let start = segments.firstIndex(where: { $0.equalsIgnoringCase("connectionrequests") }) else { return false }
        return segments[(start + 1)...].dropFirst().contains { $0.startsIgnoringCase(with: "resend") }
    }

    /// Decodes `%XX` of unreserved characters; nil when the path holds anything refused outright.
    static func decodeUnreserved(_ raw: Substring) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.utf8.count)
        var bytes = raw.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let first = bytes.next(), let second = bytes.next(), let high = first.hexDigitValue, let low = second.hexDigitValue else { return nil }
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    out.append(decoded)
                } else if decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") || decoded == UInt8(ascii: ".") || decoded == 0
                    || decoded == UInt8(ascii: ";") || decoded >= 0x80 || decoded < 0x20 {
                    return nil
                } else {
                    out.append(contentsOf: [UInt8(ascii: "%"), first, second])
                }
            case UInt8(ascii: ";"), UInt8(ascii: "\\"):
                return nil
            case 0..<0x21, 0x7F...:
                return nil
            default:
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// What the path says about a resend call.
public struct ResendRoute: Sendable, Equatable {
    /// The `{ConnectionRequestId}` segment of the custom route, undecoded beyond unreserved characters.
    public var pathId: String?
    /// `.json` / `.xml` suffix of the custom route.
    public var suffixFormat: WireFormat?
    /// `/json/reply/…` or `/xml/reply/…`.
    public var predefinedFormat: WireFormat?

    public init(pathId: String?, suffixFormat: WireFormat?, predefinedFormat: WireFormat?) {
        self.pathId = pathId
        self.suffixFormat = suffixFormat
        self.predefinedFormat = predefinedFormat
    }
}
