/// What a SIGHUP may change (SPEC §2): everything but the settings fixed when the process started —
/// listen addresses and connection limits, the store, the upstream connection pool and TLS, the access
/// log's file and format, and the shutdown timing the service group was built with.
public enum ConfigReload {
    public static func fixedKeysChanged(from old: GatewayConfig, to new: GatewayConfig) -> [String] {
        var changed: [String] = []
        func check(_ name: String, _ same: Bool) { if !same { changed.append(name) } }
        check("server.listen", old.server.listen == new.server.listen)
        check("server.max_connections", old.server.maxConnections == new.server.maxConnections)
        check("server.idle_timeout", old.server.idleTimeout == new.server.idleTimeout)
        check("server.shutdown_grace", old.server.shutdownGrace == new.server.shutdownGrace)
        check("admin.listen", old.admin.listen == new.admin.listen)
        check("store.*", old.store == new.store)
        check("upstream.max_connections", old.upstream.maxConnections == new.upstream.maxConnections)
        check("upstream.max_idle", old.upstream.maxIdle == new.upstream.maxIdle)
        check(
            "upstream TLS settings",
            old.upstream.tlsVerify == new.upstream.tlsVerify && old.upstream.caFile == new.upstream.caFile
                && old.upstream.clientCertFile == new.upstream.clientCertFile && old.upstream.clientKeyFile == new.upstream.clientKeyFile)
        check("access_log.*", old.accessLog == new.accessLog)
        return changed
    }
}
