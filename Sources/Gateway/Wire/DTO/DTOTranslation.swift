/// What the relay step uses on complete upstream responses (SPEC §4.7, §4.8): re-render a response
/// DTO in the client's format, scrubbing debug fields on the way. Returns nil whenever the body
/// should be relayed byte for byte instead: it is not a parsable response DTO (HTML, text, empty,
/// some other shape), or it is already in the client's format and has nothing to scrub, or it is JSON
/// carrying characters XML 1.0 cannot hold.
public enum DTOTranslation {
    public static func translateResponse(body: [UInt8], from: WireFormat, to: WireFormat, style: WireStyle, scrubDebug: Bool) -> [UInt8]? {
        if from == to && !scrubDebug { return nil }
        guard var dto = decodeResponse(body, format: from, style: style) else { return nil }
        let scrubbed = scrubDebug && dto.scrubDebug()
        if from == to && !scrubbed { return nil }
        if to == .xml && !dto.isXMLWritable { return nil }
        return encodeResponse(dto, format: to, style: style)
    }

    public static func decodeResponse(_ body: [UInt8], format: WireFormat, style: WireStyle) -> ResponseDTO? {
        switch format {
        case .json: ResponseDTOJSON.decode(body)
        case .xml: ResponseDTOXML.decode(body, style: style)
        }
    }

    public static func encodeResponse(_ dto: ResponseDTO, format: WireFormat, style: WireStyle) -> [UInt8] {
        switch format {
        case .json: Array(ResponseDTOJSON.encode(dto, style: style).utf8)
        case .xml: Array(ResponseDTOXML.encode(dto, style: style).utf8)
        }
    }
}
