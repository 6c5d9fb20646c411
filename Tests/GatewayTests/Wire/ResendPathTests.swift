import Gateway
import Testing

@Suite("Resend path classification (the security boundary)")
struct ResendPathTests {
    static let id = "0f8fad5b-d9cb-469f-a165-70867728950e"

    @Test(arguments: [
        ("/api/connectionrequests/\(id)/resend", nil as WireFormat?, nil as WireFormat?),
        ("/API/ConnectionRequests/\(id)/Resend", nil, nil),
        ("/api/connectionrequests/\(id)/resend/", nil, nil),
        ("//api///connectionrequests/\(id)//resend", nil, nil),
        ("/api/connectionrequests/\(id)/resend.json", .json, nil),
        ("/api/connectionrequests/\(id)/resend.xml", .xml, nil),
        ("/api/%63onnectionrequests/\(id)/resend", nil, nil),
        ("/api/connectionrequests/\(id)/%72esend", nil, nil),
        ("/json/reply/ConnectionRequestResend", nil, .json),
        ("/XML/Reply/connectionrequestresend", nil, .xml),
        ("/api/json/reply/ConnectionRequestResend", nil, .json),
    ])
    func recognisesEveryResendForm(_ path: String, _ suffix: WireFormat?, _ predefined: WireFormat?) {
        guard case .resend(let route) = ResendPath.classify(Substring(path)) else {
            Issue.record("\(path) was not classified as a resend call")
            return
        }
        #expect(route.suffixFormat == suffix)
        #expect(route.predefinedFormat == predefined)
    }

    @Test(arguments: [
        "/api/connectionrequests/\(id)/resend.XML", "/api/connectionrequests/\(id)/resend.jsv", "/api/connectionrequests/\(id)/resend.csv",
        "/api/connectionrequests/\(id)/resend.html", "/jsv/reply/ConnectionRequestResend", "/json/oneway/ConnectionRequestResend",
        "/json/reply/ConnectionRequestResend[]", "/api/ConnectionRequestResend", "/api/connectionrequests/\(id)/x/resend",
        "/connectionrequests/\(id)/resend", "/api/connectionrequests/\(id)/resendnow",
        "/api/connectionrequests/\(id)/resend%2ejson", "/api/connectionrequests%2f\(id)/resend", "/api/connectionrequests/\(id)/resend;x=1",
        "/api/connectionrequests/\(id)/../\(id)/resend", "/api/./connectionrequests/\(id)/resend", "/api/connectionrequests/\(id)\\resend",
        "/api/connectionrequests/\(id)/resend%00", "/api/connectionrequests/\(id)/resend%", "/api/connectionrequests/\(id)/resend%zz",
        "/api/connectionrequests/\(id)/résend", "/other/%2e%2e/api", "/api/%5Cthing",
    ])
    func refusesEverySpellingItCannotCheck(_ path: String) {
        if case .refused = ResendPath.classify(Substring(path)) { return }
        Issue.record("\(path) was not refused: \(ResendPath.classify(Substring(path)))")
    }

    @Test(arguments: ["/soap11", "/SOAP12/anything"])
    func soapEndpointsAreNotFound(_ path: String) {
        #expect(ResendPath.classify(Substring(path)) == .notFound)
    }

    @Test(arguments: ["/", "/api/contacts", "/api/connectionrequests", "/api/connectionrequests/\(id)", "/auth/credentials", "/api/a%20b"])
    func passesOtherPathsThrough(_ path: String) {
        #expect(ResendPath.classify(Substring(path)) == .passthrough)
    }
}
