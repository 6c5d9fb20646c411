import Foundation

/// A request as the stand-in upstream saw it (`/__stub/last`, or the echo of a pass-through call).
struct EchoedRequest: Decodable {
    var method: String
    var target: String
    var headers: [[String]]
    var body: String

    static func decode(_ text: String) throws -> EchoedRequest {
        try JSONDecoder().decode(EchoedRequest.self, from: Data(text.utf8))
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
    }

    func value(_ name: String) -> String? { values(name).first }

    var names: Set<String> { Set(headers.compactMap { $0.first?.lowercased() }) }
}
