// libFuzzer target: the strict JSON reader, the JSON DTO decoders and JSON → XML translation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JSONReader.parse(bytes)
    _ = try? RequestBodyFields.decode(bytes, format: .json, style: WireStyle())
    if let dto = ResponseDTOJSON.decode(bytes) {
        // Encoding is stable: what the gateway writes reads back and writes the same bytes (nulls are
        // omitted by design, so the first model may differ from the second).
        let once = ResponseDTOJSON.encode(dto, style: WireStyle())
        guard let reread = ResponseDTOJSON.decode(Array(once.utf8)) else { fatalError("the gateway's own JSON does not decode: \(once)") }
        if ResponseDTOJSON.encode(reread, style: WireStyle()) != once { fatalError("JSON encoding is not stable: \(once)") }
    }
    _ = DTOTranslation.translateResponse(body: bytes, from: .json, to: .xml, style: WireStyle(), scrubDebug: true)
    return 0
}
