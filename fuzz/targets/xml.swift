// libFuzzer target: the strict XML reader and the XML DTO decoders.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XMLReader.parse(bytes)
    _ = try? RequestBodyFields.decode(bytes, format: .xml, style: WireStyle())
    if let dto = ResponseDTOXML.decode(bytes, style: WireStyle()) {
        // Encoding is stable: what the gateway writes reads back and writes the same bytes.
        let once = ResponseDTOXML.encode(dto, style: WireStyle())
        guard let reread = ResponseDTOXML.decode(Array(once.utf8), style: WireStyle()) else { fatalError("the gateway's own XML does not decode: \(once)") }
        if ResponseDTOXML.encode(reread, style: WireStyle()) != once { fatalError("XML encoding is not stable: \(once)") }
    }
    return 0
}
