import Foundation

/// Writes DataContractSerializer-shaped XML for a response that carries only `ResponseStatus`: the
/// declaration, `xmlns:i` before the default namespace, members in contract order, generated `d2p1`/
/// `d3p1`/`d5p1` prefixes, `i:nil` for nulls, no indentation. Hand-written for byte-exact output
/// (reference: servicestack-wire §3.2 golden bytes).
public enum ResponseStatusXML {
    static let declaration = #"<?xml version="1.0" encoding="utf-8"?>"#

    public static func render(_ status: ResponseStatus?, envelope: ErrorEnvelope, style: WireStyle) -> String {
        switch envelope {
        case .typed(let root):
            var out = declaration + "<\(root) xmlns:i=\"\(WireStyle.instance)\" xmlns=\"\(XMLText.escapeAttribute(style.xmlNamespace))\">"
            let typesNS = " xmlns:d2p1=\"\(WireStyle.servicestackTypes)\""
            if let status {
                out += "<ResponseStatus\(typesNS)>" + members(status, prefix: "d2p1:", metaPrefix: "d3p1", errorMetaPrefix: "d5p1") + "</ResponseStatus>"
            } else {
                out += "<ResponseStatus\(typesNS) i:nil=\"true\" />"
            }
            return out + "</\(root)>"
        case .errorResponse:
            var out = declaration + "<ErrorResponse xmlns:i=\"\(WireStyle.instance)\" xmlns=\"\(WireStyle.servicestackTypes)\">"
            if let status {
                out += "<ResponseStatus>" + members(status, prefix: "", metaPrefix: "d3p1", errorMetaPrefix: "d5p1") + "</ResponseStatus>"
            } else {
                out += "<ResponseStatus i:nil=\"true\" />"
            }
            return out + "</ErrorResponse>"
        }
    }

    static func members(_ status: ResponseStatus, prefix p: String, metaPrefix: String, errorMetaPrefix: String) -> String {
        var out = element("\(p)ErrorCode", status.errorCode)
        out += element("\(p)Message", status.message)
        out += element("\(p)StackTrace", status.stackTrace)
        if status.errors.isEmpty {
            out += "<\(p)Errors />"
        } else {
            out += "<\(p)Errors>"
            for error in status.errors {
                out += "<\(p)ResponseError>"
                out += element("\(p)ErrorCode", error.errorCode)
                out += element("\(p)FieldName", error.fieldName)
                out += element("\(p)Message", error.message)
                out += meta("\(p)Meta", error.meta, prefix: errorMetaPrefix)
                out += "</\(p)ResponseError>"
            }
            out += "</\(p)Errors>"
        }
        out += meta("\(p)Meta", status.meta, prefix: metaPrefix)
        return out
    }

    static func element(_ name: String, _ value: String?) -> String {
        guard let value else { return "<\(name) i:nil=\"true\" />" }
        return "<\(name)>\(XMLText.escapeText(value))</\(name)>"
    }

    static func meta(_ name: String, _ entries: [(key: String, value: String)]?, prefix: String) -> String {
        let ns = " xmlns:\(prefix)=\"\(WireStyle.arrays)\""
        guard let entries else { return "<\(name)\(ns) i:nil=\"true\" />" }
        if entries.isEmpty { return "<\(name)\(ns) />" }
        var out = "<\(name)\(ns)>"
        for entry in entries {
            out += "<\(prefix):KeyValueOfstringstring><\(prefix):Key>\(XMLText.escapeText(entry.key))</\(prefix):Key>"
            out += "<\(prefix):Value>\(XMLText.escapeText(entry.value))</\(prefix):Value></\(prefix):KeyValueOfstringstring>"
        }
        return out + "</\(name)>"
    }
}

enum XMLText {
    /// Character data that any XML 1.0 reader gives back unchanged: a carriage return is written as a
    /// reference (a raw one would be read back as a line feed), and characters XML 1.0 cannot hold at
    /// all (other C0 controls, U+FFFE, U+FFFF) become U+FFFD rather than a document no client can read.
    static func escapeText(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#xD;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func escapeAttribute(_ text: String) -> String {
        escapeText(text).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
