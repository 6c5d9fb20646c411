import TOMLKit

// The two sections with secrets and sub-tables: `[auth]` (with `[[auth.api_keys]]` and
// `[auth.jwt]`) and `[store]` (with the Redis URL, inline or from the environment or a file).

extension ConfigSections {
    static func auth(_ s: ConfigTableReader, _ d: AuthConfig) -> AuthConfig {
        defer { s.reportUnknownKeys() }
        var jwt: JWTConfig? = nil
        let jwtReader = s.section("jwt")  // reports a `jwt` that is not a table
        if s.table["jwt"]?.type == .table { jwt = jwtSection(jwtReader) }
        return AuthConfig(
            mode: s.choice("mode", d.mode),
            upstreamCredentials: s.choice("upstream_credentials", d.upstreamCredentials),
            upstreamAuthorization: s.secret("upstream_authorization"),
            apiKeys: apiKeys(s),
            jwt: jwt
        )
    }

    /// Every `[[auth.api_keys]]` entry in file order (an entry with a bad digest keeps an empty one).
    private static func apiKeys(_ s: ConfigTableReader) -> [APIKeyEntry] {
        s.markRead("api_keys")
        guard let value = s.table["api_keys"] else { return [] }
        guard let array = value.array, array.allSatisfy({ $0.type == .table }) else {
            s.problem("api_keys", "expected [[auth.api_keys]] tables with name and sha256, got \(ConfigTableReader.describe(value, echo: false))")
            return []
        }
        let path = s.path + ["api_keys"]
        return array.enumerated().map { index, element in
            let entry = ConfigTableReader(table: element.table ?? TOMLTable(), name: "auth.api_keys[\(index + 1)]", path: path,
                                    scope: KeyLocator.ArrayScope(path: path, index: index), context: s.context)
            defer { entry.reportUnknownKeys() }
            let name = entry.string("name", "")
            let expected = "64 hex digits (the sha256 line printed by `gateway hash-key`)"
            if !entry.isSet("sha256") { entry.problem("sha256", "missing; expected \(expected)") }
            // Never echo this value: a raw key pasted here by mistake must not reach a log.
            let digest = entry.read("sha256", [], expected: expected, echo: false) { $0.string.flatMap(hexDigest) }
            return APIKeyEntry(name: name, sha256: digest)
        }
    }

    static func hexDigest(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count == 64 else { return nil }
        var digest: [UInt8] = []
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: bytes[pair..<pair + 2], as: UTF8.self), radix: 16) else { return nil }
            digest.append(byte)
        }
        return digest
    }

    private static func jwtSection(_ s: ConfigTableReader) -> JWTConfig {
        defer { s.reportUnknownKeys() }
        let d = JWTConfig.defaults
        return JWTConfig(
            hs256Secret: s.secret("hs256_secret"),
            jwksFile: s.readableFile("jwks_file"),
            issuer: s.optionalString("issuer"),
            audience: s.optionalString("audience"),
            leeway: s.duration("leeway", d.leeway, allowZero: true)
        )
    }

    static func store(_ s: ConfigTableReader, _ d: StoreConfig) -> StoreConfig {
        defer { s.reportUnknownKeys() }
        let backend = s.choice("backend", d.backend)
        let path = s.string("path", d.path)
        if backend == .sqlite && path.isEmpty { s.problem("path", "must name the SQLite file when backend = \"sqlite\"") }
        let inline = s.read("redis_url", d.redisURL, expected: "a redis:// URL", echo: false) { value -> SecretSource? in
            value.string.flatMap { (try? RedisURL(parsing: $0)) != nil ? .inline($0) : nil }
        }
        var redisURL = inline
        var urlKey = "redis_url"
        if let source = s.secret("redis_url") {
            redisURL = source
            urlKey = s.isSet("redis_url_env") ? "redis_url_env" : "redis_url_file"
        }
        if backend == .redis, let text = try? redisURL.resolve(environment: s.context.environment) {
            do {
                if try RedisURL(parsing: text).tls {
                    s.problem(urlKey, "rediss:// (TLS) is not supported by this version's Redis client; reach Redis over a private network or a local TLS tunnel")
                }
            } catch {
                s.problem(urlKey, "\(redisURL): \(error)")
            }
        }
        return StoreConfig(
            backend: backend,
            path: path,
            redisURL: redisURL,
            keyPrefix: s.string("key_prefix", d.keyPrefix),
            timeout: s.duration("timeout", d.timeout),
            onError: s.choice("on_error", d.onError)
        )
    }
}
