import NIOConcurrencyHelpers

/// What the stand-in has done: invitations "sent" per (ConnectionRequestId, ContactId), connections
/// accepted, requests read, and the faults armed for coming requests.
public final class StubLedger: Sendable {
    struct State {
        var invitations: [String: Int] = [:]
        var order: [String] = []
        var connections = 0
        var requests = 0
        var resends = 0
        var closeNext = 0
        var errorNext = 0
        var lastResend = "null"
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// A resend arrived: returns its ordinal among resends.
    func countResend() -> Int {
        state.withLockedValue { state in
            state.resends += 1
            return state.resends
        }
    }

    func recordInvitation(connectionRequestId: GUID, contactId: GUID) {
        let key = "\(connectionRequestId) \(contactId)"
        state.withLockedValue { state in
            if state.invitations[key] == nil { state.order.append(key) }
            state.invitations[key, default: 0] += 1
        }
    }

    /// The last resend request as received (method, target, headers, body), for `GET /__stub/last`.
    func recordLastResend(_ document: String) { state.withLockedValue { $0.lastResend = document } }

    var lastResend: String { state.withLockedValue { $0.lastResend } }

    func connectionOpened() { state.withLockedValue { $0.connections += 1 } }

    func requestRead() { state.withLockedValue { $0.requests += 1 } }

    func armClose(_ count: Int) { state.withLockedValue { $0.closeNext = max(0, count) } }

    func armError(_ count: Int) { state.withLockedValue { $0.errorNext = max(0, count) } }

    /// True when this resend must fail inside the service (a typed 500 with a debug stack trace).
    func takeErrorFault() -> Bool {
        state.withLockedValue { state in
            guard state.errorNext > 0 else { return false }
            state.errorNext -= 1
            return true
        }
    }

    /// True when this request must be read and its connection closed without an answer.
    func takeCloseFault() -> Bool {
        state.withLockedValue { state in
            guard state.closeNext > 0 else { return false }
            state.closeNext -= 1
            return true
        }
    }

    public var totalInvitations: Int { state.withLockedValue { $0.invitations.values.reduce(0, +) } }
    public var connections: Int { state.withLockedValue { $0.connections } }

    /// The `GET /__stub/sent` document.
    func report() -> String {
        state.withLockedValue { state in
            let rows = state.order.map { key -> String in
                let ids = key.split(separator: " ")
                return "{\"connectionRequestId\":\"\(ids[0])\",\"contactId\":\"\(ids[1])\",\"count\":\(state.invitations[key] ?? 0)}"
            }
            let total = state.invitations.values.reduce(0, +)
            return "{\"total\":\(total),\"invitations\":[\(rows.joined(separator: ","))],\"connections\":\(state.connections),\"requests\":\(state.requests)}"
        }
    }
}
