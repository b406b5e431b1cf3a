/// Header text for MailMessage: RFC 2047 encoded-words for non-ASCII text and RFC 5322 §2.2.3 folding.
enum HeaderText {
    /// The longest header line wanted (RFC 5322 §2.1.1: SHOULD be no more than 78 characters).
    static let lineLimit = 78

    /// Pieces of a header value: its words when it is printable ASCII, else `=?utf-8?B?…?=` encoded-words of at most
    /// 75 characters (RFC 2047 §2), each holding whole characters (§5). Control characters become spaces.
    static func tokens(_ text: String) -> [String] {
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        guard cleaned.unicodeScalars.allSatisfy(\.isASCII) else { return encodedWords(cleaned) }
        return cleaned.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }

    /// A display name: as is when it is all atext and spaces, a quoted-string when other ASCII (RFC 5322 §3.2.4),
    /// encoded-words when non-ASCII (RFC 2047 §5 (3)).
    static func displayName(_ name: String) -> [String] {
        let cleaned = String(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        guard cleaned.unicodeScalars.allSatisfy(\.isASCII) else { return encodedWords(cleaned) }
        let atext = Set("!#$%&'*+-/=?^_`{|}~ ".unicodeScalars)
        if cleaned.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || atext.contains($0) }) {
            return cleaned.split(separator: " ").map(String.init)
        }
        let escaped = cleaned.replacingBackslashesAndQuotes()
        return ["\"\(escaped)\""]
    }

    /// `Name: token token…` with CRLF SP between tokens wherever a line would pass ``lineLimit``, ending in CRLF.
    static func field(_ name: String, _ tokens: [String], separator: String = " ") -> String {
        var out = "\(name):"
        var lineLength = out.count
        for (index, token) in tokens.enumerated() {
            let glue = index == 0 ? " " : separator
            let width = glue.count + token.count
            if index > 0, lineLength + width > lineLimit {
                out += glue.trimmingTrailingSpace() + "\r\n " + token
                lineLength = 1 + token.count
            } else {
                out += glue + token
                lineLength += width
            }
        }
        return out + "\r\n"
    }

    /// Base64 encoded-words (RFC 2047 §4.1): at most 39 octets of UTF-8 each: a word of at most 64 characters leaves room for a field name on the first line (RFC 2047 §2: lines with encoded-words at most 76).
    private static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?utf-8?B?\(base64(chunk))?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(base64(chunk))?=") }
        return words
    }
}

extension String {
    /// For a quoted-string (RFC 5322 §3.2.4): `\` and `"` escaped by a backslash.
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    fileprivate func trimmingTrailingSpace() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
