/// ServiceStack-shaped JSON for `ResponseDTO`: reading is case-insensitive on member names (as
/// ServiceStack.Text is), `null` means absent, `Errors` may be missing; writing reuses
/// `ResponseStatusJSON` (nulls omitted, `Errors` always present, `Meta` as an object) and appends
/// kept unknown members (rule in `ResponseDTO.swift`). A body that is JSON but not shaped like the
/// DTO (e.g. `ErrorCode` as a number, a `Meta` value that is not a string) decodes to nil, and the
/// caller relays it unchanged.
public enum ResponseDTOJSON {
    public static func decode(_ body: [UInt8], limits: JSONLimits = JSONLimits()) -> ResponseDTO? {
        guard let root = try? JSONReader.parse(body, limits: limits), case .object(let members) = root else { return nil }
        var dto = ResponseDTO(envelope: .resend, responseStatus: nil)
        do {
            for member in members {
                if member.key.lowercased() == "responsestatus" {
                    dto.responseStatus = try status(member.value)
                    continue
                }
                switch member.value {
                case .string(let text): dto.keep(name: member.key, value: .string(text))
                case .number(let text): dto.keep(name: member.key, value: .number(text))
                case .bool(let flag): dto.keep(name: member.key, value: .bool(flag))
                case .null: dto.keep(name: member.key, value: .null)
                case .object, .array: continue
                }
            }
        } catch {
            return nil
        }
        return dto
    }

    public static func encode(_ dto: ResponseDTO, style: WireStyle) -> String {
        var out = ResponseStatusJSON.render(dto.responseStatus, style: style)
        var extras: [String] = []
        for member in dto.extraMembers {
            let value: String
            switch member.value {
            case .string(let text): value = JSONText.quote(text)
            case .number(let text): value = text
            case .bool(let flag): value = flag ? "true" : "false"
            case .null: continue
            }
            extras.append(ResponseStatusJSON.key(member.name, style) + ":" + value)
        }
        guard !extras.isEmpty else { return out }
        out.removeLast()
        return out + (out == "{" ? "" : ",") + extras.joined(separator: ",") + "}"
    }

    private struct NotTheDTO: Error {}

    private static func status(_ value: JSONValue) throws(NotTheDTO) -> ResponseStatus? {
        if value == .null { return nil }
        guard case .object = value else { throw NotTheDTO() }
        var status = ResponseStatus(errorCode: try text(value.member("ErrorCode")), message: try text(value.member("Message")))
        status.stackTrace = try text(value.member("StackTrace"))
        status.meta = try dictionary(value.member("Meta"))
        switch value.member("Errors") {
        case nil, .null?:
            break
        case .array(let items)?:
            for item in items {
                guard case .object = item else { throw NotTheDTO() }
                status.errors.append(ResponseError(
                    errorCode: try text(item.member("ErrorCode")), fieldName: try text(item.member("FieldName")),
                    message: try text(item.member("Message")), meta: try dictionary(item.member("Meta"))))
            }
        default:
            throw NotTheDTO()
        }
        return status
    }

    private static func text(_ value: JSONValue?) throws(NotTheDTO) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw NotTheDTO()
        }
    }

    private static func dictionary(_ value: JSONValue?) throws(NotTheDTO) -> [(key: String, value: String)]? {
        switch value {
        case nil, .null?:
            return nil
        case .object(let members)?:
            var entries: [(key: String, value: String)] = []
            for member in members {
                guard case .string(let text) = member.value else { throw NotTheDTO() }
                entries.append((member.key, text))
            }
            return entries
        default:
            throw NotTheDTO()
        }
    }
}
