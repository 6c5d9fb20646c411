import Hummingbird

/// The admin listener (`admin.listen`): liveness and readiness for orchestrators.
public enum AdminEndpoints {
    public static func router(readiness: Readiness) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let ready = readiness.isReady
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: ready ? "ready\n" : "draining\n")))
        }
        return router
    }
}
