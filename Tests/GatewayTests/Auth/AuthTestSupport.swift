import Crypto
import Foundation
import HTTPTypes

// Helpers shared by the authentication tests: header lists, digests and base64 forms.

enum AuthTestSupport {
    /// Fields in the given order; a name may repeat (two lines of the same header).
    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            guard let fieldName = HTTPField.Name(name) else { preconditionFailure("bad test header name \(name)") }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }

    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URL(_ text: String) -> String { base64URL(Array(text.utf8)) }
}
