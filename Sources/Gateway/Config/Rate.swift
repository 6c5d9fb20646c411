// A rate limit "N/WINDOW": at most `limit` events per `window` ("3/1h", "600/1m", or "600/m").

public struct Rate: Sendable, Equatable, CustomStringConvertible {
    public var limit: Int
    public var window: Duration

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Parses "N/DURATION" or "N/UNIT" (a bare unit means one of it: "10/s", "600/m").
    /// `limit` must be at least 1 and the window longer than zero.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              parts[0].count <= 12,
              let limit = Int(parts[0]), limit >= 1
        else { return nil }
        let windowText = String(parts[1])
        let isBareUnit = windowText.allSatisfy({ $0.isASCII && $0.isLetter })
        guard let window = ConfigValues.duration(isBareUnit ? "1" + windowText : windowText),
              window > .zero
        else { return nil }
        self.init(limit: limit, window: window)
    }

    public var description: String { "\(limit)/\(ConfigValues.format(window))" }
}
