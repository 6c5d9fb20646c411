// The lexer behind KeyLocator: just enough TOML lexing to find `[table]` / `[[array]]` headers and
// `key =` lines, stepping over strings of all four kinds, multi-line arrays, inline tables and
// comments so that nothing inside a value is taken for a key.

extension KeyLocator {
    enum Statement {
        case header(path: [String], isArray: Bool, line: Int)
        case key(path: [String], line: Int)
    }

    /// A byte scanner that understands just enough TOML to find headers and keys.
    struct Lexer {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        private func peek(_ offset: Int = 0) -> UInt8? {
            i + offset < bytes.count ? bytes[i + offset] : nil
        }

        mutating func nextStatement() -> Statement? {
            while let c = peek() {
                switch c {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    i += 1
                case UInt8(ascii: "\n"):
                    line += 1
                    i += 1
                case UInt8(ascii: "#"):
                    skipToEndOfLine()
                case UInt8(ascii: "["):
                    let startLine = line
                    let isArray = peek(1) == UInt8(ascii: "[")
                    i += isArray ? 2 : 1
                    let path = keyPath()
                    skipToEndOfLine()
                    if !path.isEmpty { return .header(path: path, isArray: isArray, line: startLine) }
                default:
                    let startLine = line
                    let path = keyPath()
                    skipBlanks()
                    guard !path.isEmpty, peek() == UInt8(ascii: "=") else {
                        skipToEndOfLine()
                        continue
                    }
                    i += 1
                    skipValue()
                    return .key(path: path, line: startLine)
                }
            }
            return nil
        }

        private mutating func skipBlanks() {
            while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { i += 1 }
        }

        private mutating func skipToEndOfLine() {
            while let c = peek(), c != UInt8(ascii: "\n") { i += 1 }
        }

        /// `a.b."c d".'e'` → ["a", "b", "c d", "e"]; stops before anything else.
        private mutating func keyPath() -> [String] {
            var parts: [String] = []
            while true {
                skipBlanks()
                guard let c = peek() else { break }
                if c == UInt8(ascii: "\"") {
                    i += 1
                    parts.append(basicString())
                } else if c == UInt8(ascii: "'") {
                    i += 1
                    let start = i
                    while let d = peek(), d != UInt8(ascii: "'"), d != UInt8(ascii: "\n") { i += 1 }
                    parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
                    if peek() == UInt8(ascii: "'") { i += 1 }
                } else {
                    let start = i
                    while let d = peek(), Lexer.isBareKeyByte(d) { i += 1 }
                    guard i > start else { break }
                    parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                skipBlanks()
                guard peek() == UInt8(ascii: ".") else { break }
                i += 1
            }
            return parts
        }

        private static func isBareKeyByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        /// A single-line basic string after its opening quote, escapes decoded.
        private mutating func basicString() -> String {
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while let c = peek(), c != UInt8(ascii: "\n") {
                i += 1
                if c == UInt8(ascii: "\"") { break }
                guard c == UInt8(ascii: "\\"), let e = peek() else {
                    raw.append(c)
                    continue
                }
                i += 1
                switch e {
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "u") ? 4 : 8
                    let end = min(i + count, bytes.count)
                    let hex = String(decoding: bytes[i..<end], as: UTF8.self)
                    i = end
                    flush()
                    if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                        scalars.append(scalar)
                    }
                default: raw.append(e)
                }
            }
            flush()
            return String(scalars)
        }

        /// Skips a value up to the end of its (last) line: strings of all four kinds, nested arrays
        /// and inline tables, comments inside multi-line arrays.
        private mutating func skipValue() {
            var depth = 0
            while let c = peek() {
                switch c {
                case UInt8(ascii: "\n"):
                    if depth == 0 { return }
                    line += 1
                    i += 1
                case UInt8(ascii: "#"):
                    skipToEndOfLine()
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    skipString(quote: c)
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    i += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth = max(depth - 1, 0)
                    i += 1
                default:
                    i += 1
                }
            }
        }

        private mutating func skipString(quote: UInt8) {
            let escapes = quote == UInt8(ascii: "\"")
            if peek(1) == quote, peek(2) == quote {
                i += 3
                while let c = peek() {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    if escapes, c == UInt8(ascii: "\\") {
                        if peek(1) == UInt8(ascii: "\n") { line += 1 }
                        i += 2
                        continue
                    }
                    if c == quote, peek(1) == quote, peek(2) == quote {
                        i += 3
                        while peek() == quote { i += 1 }  // up to two quotes may end the content
                        return
                    }
                    i += 1
                }
                return
            }
            i += 1
            while let c = peek(), c != UInt8(ascii: "\n") {
                i += 1
                if escapes, c == UInt8(ascii: "\\") {
                    if peek() != UInt8(ascii: "\n") { i += 1 }
                    continue
                }
                if c == quote { return }
            }
        }
    }
}
