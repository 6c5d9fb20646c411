import Foundation
import Testing

/// Three real `gateway serve` processes sharing one real Redis, in front of one stand-in upstream: they
/// must behave as one gateway (SPEC §6).
@Suite("Redis: several instances, one gateway")
struct RedisSharedStoreTests {
    let client = TestHTTPClient()

    /// Three instances, their stub, and the ports to reach them; stopped by `stop()`.
    struct Cluster {
        var gateways: [ChildProcess]
        var bases: [String]
        var admins: [String]
        var stub: ChildProcess
        var stubBase: String

        func stop() async {
            for gateway in gateways {
                gateway.terminate()
                _ = await GatewayProcess.finish(gateway)
            }
            stub.terminate()
            stub.waitUntilExit()
        }

        func sent(_ client: TestHTTPClient) async throws -> StubReport {
            let response = await client.send("GET", stubBase + "/__stub/sent")
            return try JSONDecoder().decode(StubReport.self, from: Data(response.body.utf8))
        }
    }

    func cluster(redis: String, instances: Int = 3, latency: Int = 400, extra: String = "") async throws -> Cluster {
        let stubPort = try closedPort()
        let stub = try await GatewayProcess.stub(port: stubPort, latency: latency)
        let prefix = RedisTestServer.uniquePrefix()
        var cluster = Cluster(gateways: [], bases: [], admins: [], stub: stub, stubBase: "http://127.0.0.1:\(stubPort)")
        do {
            for _ in 0..<instances {
                let (port, admin) = (try closedPort(), try closedPort())
                let config = try GatewayProcess.config(
                    gateway: port, admin: admin, upstream: cluster.stubBase, upstreamLines: "connect_timeout = \"1s\"\ntimeout = \"3s\"",
                    extra: """
                    [idempotency]
                    coalesce_wait = "5s"
                    [throttle]
                    per_principal = ""
                    \(extra)
                    [store]
                    backend = "redis"
                    redis_url = "\(redis)"
                    key_prefix = "\(prefix)"
                    timeout = "5s"
                    """)
                cluster.gateways.append(try await GatewayProcess.serve(config: config, admin: admin))
                cluster.bases.append("http://127.0.0.1:\(port)")
                cluster.admins.append("http://127.0.0.1:\(admin)")
            }
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    @Test func concurrentIdenticalResendsOnThreeInstancesReachTheUpstreamOnce() async throws {
        let cluster = try await cluster(redis: RedisTestServer.shared.url)
        let path = Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())
        let statuses = await withTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<30 {
                let base = cluster.bases[index % 3]
                group.addTask {
                    let response = await client.send("POST", base + path)
                    return (response.status, response.header("Idempotent-Replayed"))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let report = try await cluster.sent(client)
        await cluster.stop()
        #expect(statuses.allSatisfy { $0.0 == 200 }, "every copy got the one answer: \(statuses.map(\.0))")
        #expect(statuses.filter { $0.1 == nil }.count == 1, "exactly one was forwarded, the rest replayed")
        #expect(report.total == 1)
    }

    @Test func thePerContactQuotaIsExactAcrossInstances() async throws {
        let cluster = try await cluster(redis: RedisTestServer.shared.url, latency: 50, extra: "per_contact = \"3/1h\"")
        let contact = Fixtures.guid()
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<24 {
                let base = cluster.bases[index % 3]
                group.addTask { await client.send("POST", base + Fixtures.resendPath(Fixtures.guid(), contact: contact)).status }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let report = try await cluster.sent(client)
        await cluster.stop()
        #expect(statuses.filter { $0 == 200 }.count == 3, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 21)
        #expect(report.total == 3)
    }

    @Test func anIdempotencyKeyUsedOnOneInstanceIsReplayedByAnother() async throws {
        let cluster = try await cluster(redis: RedisTestServer.shared.url, latency: 10)
        let path = Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())
        let key = "Idempotency-Key: order-\(Fixtures.guid())"
        let first = await client.send("POST", cluster.bases[0] + path, headers: [key])
        let replay = await client.send("POST", cluster.bases[1] + path, headers: [key, "Accept: application/xml"])
        let reused = await client.send("POST", cluster.bases[2] + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()), headers: [key])
        let report = try await cluster.sent(client)
        await cluster.stop()
        #expect(first.status == 200 && first.header("Idempotent-Replayed") == nil)
        #expect(replay.status == 200 && replay.header("Idempotent-Replayed") == "true")
        #expect(replay.header("Content-Type")?.hasPrefix("application/xml") == true, "replayed in the format the repeat asked for")
        #expect(reused.status == 422)
        #expect(report.total == 1)
    }

    @Test func aRedisThatMayEvictClaimsIsWarnedAboutAtStart() async throws {
        let evicting = try RedisTestServer.start(arguments: ["--maxmemory-policy", "allkeys-lru"])
        defer { evicting.stop() }
        let safe = try RedisTestServer.start()
        defer { safe.stop() }
        var warnings: [Bool] = []
        for redis in [evicting, safe] {
            let cluster = try await cluster(redis: redis.url, instances: 1, latency: 10)
            // The check runs in the background after start; for the safe server there is nothing to
            // poll for, so give it a generous while.
            try await Task.sleep(for: .milliseconds(2000))
            cluster.gateways[0].terminate()
            let output = await GatewayProcess.finish(cluster.gateways[0])
            await cluster.stop()
            warnings.append(output.stderr.contains("maxmemory-policy is allkeys-lru"))
            #expect(!output.stderr.contains("could not read"), "\(output.stderr)")
        }
        #expect(warnings == [true, false])
    }

    @Test func redisDownMeans503AndNotReadyThenServiceResumesWithoutARestart() async throws {
        let redis = try RedisTestServer.start()
        defer { redis.stop() }
        let cluster = try await cluster(redis: redis.url, instances: 2, latency: 10)
        let (gateway, admin) = (cluster.bases[0], cluster.admins[0])
        #expect(await client.send("POST", gateway + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())).status == 200)
        #expect(await client.send("GET", admin + "/readyz").status == 200)

        redis.stop()
        let refused = await client.send("POST", gateway + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
        let refusedElsewhere = await client.send("POST", cluster.bases[1] + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
        var notReady = false
        for _ in 0..<100 where !notReady {
            notReady = await client.send("GET", admin + "/readyz").status == 503
            if !notReady { try await Task.sleep(for: .milliseconds(100)) }
        }
        let whileDown = try await cluster.sent(client)

        try redis.resume()
        var resumed = 0
        for _ in 0..<100 where resumed != 200 {
            resumed = await client.send("POST", gateway + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())).status
            if resumed != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = await client.send("GET", admin + "/readyz").status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        let other = await client.send("POST", cluster.bases[1] + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
        await cluster.stop()

        #expect(refused.status == 503 && refused.body.contains("StoreUnavailable"))
        #expect(refusedElsewhere.status == 503)
        #expect(whileDown.total == 1, "nothing was forwarded while Redis was down")
        #expect(notReady, "/readyz turned 503")
        #expect(resumed == 200, "service resumed after Redis came back")
        #expect(ready, "/readyz turned 200 again")
        #expect(other.status == 200)
    }
}
