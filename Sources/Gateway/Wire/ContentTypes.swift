/// The exact Content-Type strings ServiceStack writes.
public enum ContentTypes {
    public static let json = "application/json; charset=utf-8"
    public static let xml = "application/xml"

    public static func of(_ format: WireFormat) -> String {
        format == .json ? json : xml
    }
}
