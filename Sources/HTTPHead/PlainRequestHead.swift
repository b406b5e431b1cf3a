/// An HTTP/1.1 request head of the plainest shape (RFC 9112 §2–§5), read straight from a connection's bytes: `GET` or
/// `HEAD`, an origin-form target, `HTTP/1.1`, one `Host` field, and no field that frames a body, asks to close,
/// upgrade or expect anything. It is what a client sends to fetch a key, and all the server needs to answer from a
/// kept answer without running a full HTTP decoder.
///
/// ``parse(_:)`` never rejects: anything it does not recognise — another method or version, a body, an absolute
/// target, obsolete line folding, a control octet, a field it must not ignore, an incomplete head — gives nil, and the
/// bytes go to the full decoder, which answers errors as always. Whatever it accepts, NIO's `HTTPRequestDecoder`
/// reads the same way (the differential test and the `http-head` fuzz harness check it).
public struct PlainRequestHead: Equatable, Sendable {
    public enum Method: Equatable, Sendable {
        case get
        case head
    }

    /// The longest head read here (request line, fields and the empty line), in octets.
    public static let maximumLength = 8_192
    /// The most header fields read here.
    public static let maximumFields = 64

    public let method: Method
    /// The request target in origin form (`/path?query`), as sent.
    public let target: String
    /// The `Host` field's value without the white space around it.
    public let host: String
    /// Octets the head takes, its final CRLF CRLF included: where the next request starts.
    public let length: Int

    private static let hostName = Array("host".utf8)
    /// Field names (lower-case) that make a request more than plain: they frame a body, close the connection, switch
    /// protocols or wait for an interim answer.
    private static let disqualifying: [[UInt8]] = ["content-length", "transfer-encoding", "connection", "upgrade", "expect", "te"]
        .map { Array($0.utf8) }

    /// The plain head at the start of `bytes`, or nil (see the type's description).
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> PlainRequestHead? {
        let octets = bytes.bindMemory(to: UInt8.self)
        let end = min(octets.count, maximumLength)
        var index = 0
        let method: Method
        if starts(octets, at: 0, with: "GET ") {
            method = .get
            index = 4
        } else if starts(octets, at: 0, with: "HEAD ") {
            method = .head
            index = 5
        } else {
            return nil
        }
        let targetStart = index
        guard index < end, octets[index] == UInt8(ascii: "/") else { return nil }
        while index < end, octets[index] > 0x20, octets[index] < 0x7F { index += 1 }
        let targetEnd = index
        guard starts(octets, at: index, with: " HTTP/1.1\r\n"), index + 11 <= end else { return nil }
        index += 11
        var host: (start: Int, end: Int)?
        var fields = 0
        while true {
            guard index + 2 <= end else { return nil }
            if octets[index] == 13 {
                guard octets[index + 1] == 10, let host else { return nil }
                return PlainRequestHead(method: method, target: text(octets, targetStart, targetEnd),
                                        host: text(octets, host.start, host.end), length: index + 2)
            }
            fields += 1
            guard fields <= maximumFields else { return nil }
            let nameStart = index
            while index < end, isTokenOctet(octets[index]) { index += 1 }
            guard index > nameStart, index < end, octets[index] == UInt8(ascii: ":") else { return nil }
            let nameEnd = index
            index += 1
            while index < end, octets[index] == 0x20 || octets[index] == 0x09 { index += 1 }
            let valueStart = index
            var valueEnd = index
            while index < end, octets[index] != 13 {
                let octet = octets[index]
                guard octet == 0x09 || (octet >= 0x20 && octet < 0x7F) else { return nil }
                index += 1
                if octet != 0x20, octet != 0x09 { valueEnd = index }
            }
            guard index + 1 < end, octets[index + 1] == 10 else { return nil }
            index += 2
            if nameIs(octets, nameStart, nameEnd, hostName) {
                guard host == nil, valueEnd > valueStart else { return nil }
                host = (valueStart, valueEnd)
            } else if disqualifying.contains(where: { nameIs(octets, nameStart, nameEnd, $0) }) {
                return nil
            }
        }
    }

    public init(method: Method, target: String, host: String, length: Int) {
        self.method = method
        self.target = target
        self.host = host
        self.length = length
    }

    /// RFC 9110 §5.6.2 `tchar`, by octet.
    private static let tokenOctets: [Bool] = (0...255).map { octet in
        switch UInt8(octet) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case let other: "!#$%&'*+-.^_`|~".utf8.contains(other)
        }
    }

    private static func isTokenOctet(_ octet: UInt8) -> Bool {
        tokenOctets[Int(octet)]
    }

    private static func starts(_ octets: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= octets.count else { return false }
        return prefix.withUTF8Buffer { octets[index..<index + count].elementsEqual($0) }
    }

    private static func nameIs(_ octets: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ lowerCase: [UInt8]) -> Bool {
        guard end - start == lowerCase.count else { return false }
        for offset in 0..<lowerCase.count where octets[start + offset] | 0x20 != lowerCase[offset] { return false }
        return true
    }

    private static func text(_ octets: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: octets[start..<end]), as: UTF8.self)
    }
}
