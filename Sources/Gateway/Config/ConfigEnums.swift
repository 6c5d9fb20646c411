// The closed sets of words `gateway.conf` accepts (SPEC §3). Raw values are the spellings in the file.

public enum WireFormat: String, Sendable, Equatable, CaseIterable {
    case json, xml
}

public enum UpstreamFormat: String, Sendable, Equatable, CaseIterable {
    case same, json, xml
}

public enum JSONCase: String, Sendable, Equatable, CaseIterable {
    case pascal, camel
}

public enum AuthMode: String, Sendable, Equatable, CaseIterable {
    case apiKey = "api_key"
    case jwt, forward, none
}

public enum UpstreamCredentials: String, Sendable, Equatable, CaseIterable {
    case auto, forward, strip, replace
}

public enum UnknownOutcome: String, Sendable, Equatable, CaseIterable {
    case block, release
}

public enum StoreBackend: String, Sendable, Equatable, CaseIterable {
    case sqlite, memory, redis
}

public enum StoreErrorPolicy: String, Sendable, Equatable, CaseIterable {
    case reject, allow
}

public enum AccessLogFormat: String, Sendable, Equatable, CaseIterable {
    case json, combined
}
