import CCurl

/// `gateway healthcheck`: one blocking GET of the admin `/healthz` (the runtime image has no curl).
public enum HealthProbe {
    /// The HTTP status, or nil when nothing answered within the timeout.
    public static func check(admin: HostPort, timeout: Duration = .seconds(3)) -> Int? {
        CurlGlobal.initialize()
        guard let easy = curl_easy_init() else { return nil }
        defer { curl_easy_cleanup(easy) }
        // A wildcard listen address is reached on loopback.
        let host: String
        switch admin.host {
        case "0.0.0.0", "": host = "127.0.0.1"
        case "::", "[::]": host = "[::1]"
        default: host = admin.host.contains(":") && !admin.host.hasPrefix("[") ? "[\(admin.host)]" : admin.host
        }
        _ = ccurl_easy_setopt_str(easy, CURLOPT_URL, "http://\(host):\(admin.port)/healthz")
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.milliseconds)
        _ = ccurl_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, discardCallback)
        guard curl_easy_perform(easy) == CURLE_OK else { return nil }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return status
    }
}

private let discardCallback: curl_write_callback = { _, size, count, _ in size * count }
