/// A micro-benchmark of the wire codecs, for the command line (not a test: timings do not belong in
/// unit tests). Translates the seed's sample response (every `ResponseStatus` member filled,
/// one field error with `Meta`) XML → JSON and JSON → XML, and decodes the seed's sample request,
/// timing each with `ContinuousClock`. Returns a printable report.
public enum CodecBenchmark {
    public static func run(iterations: Int) -> String {
        let count = max(1, iterations)
        let style = WireStyle()
        let dto = ResponseDTO(envelope: .resend, responseStatus: ResponseStatus(
            errorCode: "String", message: "String", stackTrace: "String",
            errors: [ResponseError(errorCode: "String", fieldName: "String", message: "String", meta: [("String", "String")])],
            meta: [("String", "String")]))
        let xml = DTOTranslation.encodeResponse(dto, format: .xml, style: style)
        let json = DTOTranslation.encodeResponse(dto, format: .json, style: style)
        let requestXML = Array(seedRequestXML.utf8)
        let requestJSON = Array(#"{"ConnectionRequestId":"00000000000000000000000000000000","ContactId":"00000000000000000000000000000000"}"#.utf8)

        var lines = ["codec micro-benchmark: \(count) iterations each (seed samples; XML \(xml.count) B, JSON \(json.count) B)"]
        lines.append(measure("response XML -> JSON", count) {
            DTOTranslation.translateResponse(body: xml, from: .xml, to: .json, style: style, scrubDebug: false)?.count ?? -1
        })
        lines.append(measure("response JSON -> XML", count) {
            DTOTranslation.translateResponse(body: json, from: .json, to: .xml, style: style, scrubDebug: false)?.count ?? -1
        })
        lines.append(measure("response XML scrub (same format)", count) {
            DTOTranslation.translateResponse(body: xml, from: .xml, to: .xml, style: style, scrubDebug: true)?.count ?? -1
        })
        lines.append(measure("request XML decode", count) {
            (try? RequestBodyFields.decodeXML(requestXML, style: style))?.contactId?.count ?? -1
        })
        lines.append(measure("request JSON decode", count) {
            (try? RequestBodyFields.decodeJSON(requestJSON))?.contactId?.count ?? -1
        })
        return lines.joined(separator: "\n")
    }

    private static func measure(_ name: String, _ count: Int, _ work: () -> Int) -> String {
        var checksum = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<count { checksum &+= work() }
        }
        let total = elapsed.seconds
        let perSecond = total > 0 ? Double(count) / total : 0
        let micros = total * 1e6 / Double(count)
        let failed = checksum < 0 ? "  (FAILED: codec returned nil)" : ""
        return "  \(name): \(Int(perSecond.rounded())) /s, \(formatted(micros)) µs each\(failed)"
    }

    private static func formatted(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static let seedRequestXML = """
        <ConnectionRequestResend xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel">
          <ConnectionRequestId>00000000-0000-0000-0000-000000000000</ConnectionRequestId>
          <ContactId>00000000-0000-0000-0000-000000000000</ContactId>
        </ConnectionRequestResend>
        """
}
